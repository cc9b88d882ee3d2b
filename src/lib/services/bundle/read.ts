/**
 * A model bundle from outside, checked before anything of it is used: a zip archive; a manifest of this format and
 * version; exactly the files it lists, each with its SHA-256; a model that loads (parseSaved) and is the one the
 * manifest describes; a fitted recipe whose every step parses. Entry names come from the file, so they live in a Map.
 */
import { unzipSync } from 'fflate';
import * as v from 'valibot';
import { EnclaveError } from '../../core/errors.ts';
import type { FittedRecipe } from '../../core/recipe/types.ts';
import { parseSaved, type SavedModel } from '../../ml/models/saved.ts';
import { parseFittedRecipe } from '../../standalone/fitted-recipe.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION, contentHashOf, ManifestSchema, sha256Hex, type BundleManifest } from './manifest.ts';
import { sameShape } from './shape.ts';

export interface Bundle {
  manifest: BundleManifest;
  /** model.json as written (the artifact to store); it has passed parseSaved. */
  model: SavedModel;
  recipe: FittedRecipe;
  /** summary.json, when the bundle has one (plain JSON, not checked further here). */
  summary?: unknown;
}

/** Files every bundle has besides the manifest. */
const REQUIRED = ['model.json', 'recipe.json', 'predict.js', 'README.txt'];
/** Refuse an entry that would unpack past this (a zip bomb): far above any model a browser trains. */
const MAX_ENTRY_BYTES = 1 << 30;

const notBundle = (why: string) => new EnclaveError('invalid-argument', `This file is not a model bundle (${why}).`);
const altered = (what: string, file: string) => new EnclaveError('invalid-argument', `The bundle was altered after export: ${what}`, { file });

export async function readBundle(bytes: Uint8Array): Promise<Bundle> {
  const entries = unzip(bytes);
  const manifest = readManifest(entries);
  await checkFiles(manifest, entries);
  const text = (path: string) => new TextDecoder().decode(entries.get(path)!);
  const json = (path: string) => {
    try {
      return JSON.parse(text(path)) as unknown;
    } catch (e) {
      throw new EnclaveError('invalid-argument', `The bundle's ${path} is not valid JSON: ${(e as Error).message}`);
    }
  };
  const model = json('model.json');
  const loaded = parseSaved(model);
  const mismatch = sameShape(loaded.shape, manifest);
  if (mismatch) throw new EnclaveError('invalid-argument', `The bundle's model.json is not the model its manifest describes: ${mismatch}.`);
  const recipe = parseFittedRecipe(json('recipe.json'));
  if (recipe.target !== undefined && recipe.target !== manifest.target)
    throw new EnclaveError('invalid-argument', `The bundle's recipe predicts "${recipe.target}", its manifest "${manifest.target}".`);
  const bundle: Bundle = { manifest, model: model as SavedModel, recipe };
  if (entries.has('summary.json')) bundle.summary = json('summary.json');
  return bundle;
}

function unzip(bytes: Uint8Array): Map<string, Uint8Array> {
  // A zip starts with a local file header, or (empty) with its end record.
  const magic = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
  if (!magic) throw notBundle('not a zip archive');
  const names: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.originalSize > MAX_ENTRY_BYTES) throw notBundle(`its entry "${f.name}" unpacks to more than 1 GiB`);
        names.push(f.name);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof EnclaveError) throw e;
    throw notBundle(`not a zip archive: ${(e as Error).message}`);
  }
  const out = new Map<string, Uint8Array>();
  for (const name of names) {
    if (out.has(name)) throw altered(`it holds "${name}" twice.`, name);
    // fflate returns an object keyed by entry name: read only own keys (a name "__proto__" is not one).
    if (!Object.prototype.hasOwnProperty.call(files, name)) throw altered(`its entry "${name}" cannot be read.`, name);
    out.set(name, files[name]);
  }
  return out;
}

function readManifest(entries: Map<string, Uint8Array>): BundleManifest {
  const raw = entries.get('manifest.json');
  if (!raw) throw notBundle('it has no manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (e) {
    throw notBundle(`its manifest.json is not valid JSON: ${(e as Error).message}`);
  }
  const head = (json ?? {}) as { format?: unknown; formatVersion?: unknown };
  if (typeof json !== 'object' || Array.isArray(json) || head.format !== BUNDLE_FORMAT)
    throw notBundle(`its manifest.json does not say format "${BUNDLE_FORMAT}"`);
  if (head.formatVersion !== BUNDLE_VERSION) {
    const newer = typeof head.formatVersion === 'number' && head.formatVersion > BUNDLE_VERSION;
    throw new EnclaveError('invalid-argument', `This model bundle is format version ${JSON.stringify(head.formatVersion) ?? 'missing'}; this studio reads version ${BUNDLE_VERSION}${newer ? ': it was exported by a newer Enclave, so update this one' : ''}.`, { formatVersion: head.formatVersion ?? null });
  }
  const r = v.safeParse(ManifestSchema, json);
  if (!r.success) {
    const issue = r.issues[0];
    throw new EnclaveError('invalid-argument', `The bundle's manifest.json is damaged (${v.getDotPath(issue) ?? 'top level'}: ${issue.message}).`);
  }
  return r.output;
}

/** Exactly the listed files, each with its hash, and the content hash over the list. */
async function checkFiles(manifest: BundleManifest, entries: Map<string, Uint8Array>): Promise<void> {
  const listed = new Set<string>();
  for (const { path, sha256 } of manifest.files) {
    if (listed.has(path)) throw altered(`its manifest lists ${path} twice.`, path);
    listed.add(path);
    const data = entries.get(path);
    if (!data) throw altered(`${path} is missing.`, path);
    if ((await sha256Hex(data)) !== sha256) throw altered(`${path} does not match the SHA-256 its manifest records.`, path);
  }
  for (const name of entries.keys()) if (name !== 'manifest.json' && !listed.has(name)) throw altered(`${name} is not in its manifest.`, name);
  for (const path of REQUIRED) if (!listed.has(path)) throw altered(`${path} is missing.`, path);
  if ((await contentHashOf(manifest.files)) !== manifest.contentHash) throw altered('its manifest\'s content hash does not match its file list.', 'manifest.json');
}
