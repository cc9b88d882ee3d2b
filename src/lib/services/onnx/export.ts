/**
 * ONNX export of a model version: the fitted recipe and the model as one graph over the SOURCE columns, so the file
 * predicts from rows as they look before the recipe, in ONNX Runtime anywhere.
 *
 * Input contract (written into the model's doc_string too): one input per source column the features depend on,
 * named as the column, shape [N, 1]; numeric, boolean (0/1) and date (milliseconds since 1970, UTC) columns are
 * float64 with NaN for a missing cell; categorical and text columns are strings with "" for a missing cell.
 * Outputs: classification — `probabilities` float32 [N, k] (classes in `classNames` order), `prediction` int64 [N]
 * (the class index; ties go to the first class) and `label` string [N]; regression — `prediction` float32 [N].
 */
import * as v from 'valibot';
import { EnclaveError } from '../../core/errors.ts';
import type { FittedRecipe } from '../../core/recipe/types.ts';
import { parseSaved } from '../../ml/models/saved.ts';
import { DT, Graph, OPSET } from './graph.ts';
import { modelGraph } from './models/index.ts';
import { recipeGraph, type SourceField } from './recipe.ts';

export type { SourceField };

export interface OnnxExportInput {
  /** A SavedModel (or its JSON text): checked by parseSaved like every saved model read. */
  model: unknown;
  fitted: FittedRecipe;
  /** The source table's columns (a model version's inputSchema). */
  inputSchema: readonly SourceField[];
  target: string;
  task: 'classification' | 'regression';
  classNames?: readonly string[];
  /** Also output `features`: float32 [N, d], the matrix the model reads (the recipe's result, for checks). */
  withFeatures?: boolean;
}

export interface OnnxExport {
  bytes: Uint8Array;
  /** The model's inputs, in order: the source columns its features depend on. */
  inputs: { name: string; type: 'float64' | 'string' }[];
}

export const ONNX_OUTPUTS = { probabilities: 'probabilities', prediction: 'prediction', label: 'label', features: 'features' } as const;

export function exportOnnx(input: OnnxExportInput): Uint8Array {
  return exportOnnxModel(input).bytes;
}

const NUMERIC_TYPES = ['integer', 'float', 'boolean', 'datetime', 'identifier'] as const;
const fieldSchema = v.union([
  v.object({ name: v.string(), type: v.picklist(NUMERIC_TYPES), kind: v.literal('numeric') }),
  v.object({ name: v.string(), type: v.picklist(['categorical', 'text', 'identifier']), kind: v.literal('string') }),
]);

/** The source columns, checked: kind and type agree, names are distinct. */
function sourceFields(fields: unknown): SourceField[] {
  const r = v.safeParse(v.array(fieldSchema), fields);
  if (!r.success) throw new EnclaveError('invalid-argument', `The model's input schema is damaged (${v.getDotPath(r.issues[0]) ?? 'schema'}: ${r.issues[0].message}).`);
  const seen = new Set<string>();
  for (const f of r.output) {
    if (seen.has(f.name)) throw new EnclaveError('invalid-argument', `The model's input schema names the column "${f.name}" twice.`, { column: f.name });
    seen.add(f.name);
  }
  return r.output;
}

export function exportOnnxModel(input: OnnxExportInput): OnnxExport {
  const m = parseSaved(input.model);
  const schema = sourceFields(input.inputSchema);
  const { shape } = m;
  if (shape.task !== input.task) throw new EnclaveError('invalid-argument', `The model is a ${shape.task} model, but the version says ${input.task}.`);
  if (input.task === 'classification' && JSON.stringify(shape.classNames) !== JSON.stringify(input.classNames))
    throw new EnclaveError('invalid-argument', `The model's classes (${shape.classNames?.join(', ')}) differ from the version's (${input.classNames?.join(', ') ?? 'none'}).`);
  const g = new Graph();
  const columns = recipeGraph(g, input.fitted, schema, input.target);
  const features = shape.features.map((name) => {
    const c = columns.get(name);
    if (!c) throw new EnclaveError('invalid-argument', `The model needs the feature column "${name}", which the recipe does not make from the source columns.`, { column: name });
    if (c.kind !== 'numeric') throw new EnclaveError('invalid-argument', `The model's feature "${name}" is ${c.type} after the recipe; models read numbers.`, { column: name });
    return g.op('Cast', [c.value], { to: DT.FLOAT });
  });
  const x = features.length === 1 ? features[0] : g.op('Concat', features, { axis: 1 });
  const out = modelGraph(g, m, x);
  const outputs: Parameters<Graph['encode']>[0] = [];
  if (shape.task === 'classification') {
    const k = shape.classNames!.length;
    const index = g.op('ArgMax', [out], { axis: 1, keepdims: 0 });
    outputs.push(
      { name: ONNX_OUTPUTS.probabilities, value: out, elemType: DT.FLOAT, dims: ['N', k] },
      { name: ONNX_OUTPUTS.prediction, value: index, elemType: DT.INT64, dims: ['N'] },
      { name: ONNX_OUTPUTS.label, value: g.op('Gather', [g.strings(shape.classNames!, [k]), index], { axis: 0 }), elemType: DT.STRING, dims: ['N'] },
    );
  } else {
    outputs.push({ name: ONNX_OUTPUTS.prediction, value: g.op('Reshape', [out, g.int64([-1], [1])]), elemType: DT.FLOAT, dims: ['N'] });
  }
  if (input.withFeatures) outputs.push({ name: ONNX_OUTPUTS.features, value: x, elemType: DT.FLOAT, dims: ['N', shape.features.length] });
  const types = new Map(schema.map((f) => [f.name, f.kind === 'numeric' ? 'float64' as const : 'string' as const]));
  const contract = (names: string[]) =>
    [
      `Enclave model: predicts "${input.target}" (${shape.task}, ${m.spec.algorithm}) from the source columns, recipe included (ONNX opset ${OPSET}).`,
      `Inputs, each shape [N, 1]: ${names.map((n) => `"${n}" ${types.get(n)}`).join('; ')}.`,
      'Numeric, boolean (0/1) and date (ms since 1970 UTC) columns are float64, NaN when missing; categorical and text columns are strings, "" when missing.',
      shape.task === 'classification'
        ? `Outputs: probabilities float32 [N, ${shape.classNames!.length}] (classes: ${shape.classNames!.join(', ')}); prediction int64 [N], the class index; label string [N].`
        : 'Output: prediction float32 [N], in the target\'s units.',
      'A category the training rows lacked encodes as none of the known ones; a row whose features are still missing after the recipe predicts NaN (the studio refuses it).',
    ].join('\n');
  const encoded = g.encode(outputs, {
    doc: contract,
    properties: [
      ['enclave:target', input.target],
      ['enclave:task', shape.task],
      ['enclave:algorithm', m.spec.algorithm],
      ['enclave:features', JSON.stringify(shape.features)],
      ...(shape.classNames ? [['enclave:classNames', JSON.stringify(shape.classNames)] as [string, string]] : []),
    ],
  });
  return { bytes: encoded.bytes, inputs: encoded.inputs.map((name) => ({ name, type: types.get(name)! })) };
}
