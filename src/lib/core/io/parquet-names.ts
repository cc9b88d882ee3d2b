/**
 * Parquet column names made unique before decoding. hyparquet selects and reports columns by top-level name, so a
 * file that repeats a name (`a`, `b`, `a`) would give the second `a` the first one's values. The metadata is copied
 * with each top-level column renamed as the table will name it (normaliseHeader: `a`, `b`, `a.1`), in the schema and
 * in every column chunk's path, so each column is read as itself.
 */
import { parquetSchema } from 'hyparquet';
import type { FileMetaData, SchemaTree } from 'hyparquet';
import { EnclaveError } from '../errors.ts';
import { normaliseHeader } from '../infer.ts';

export interface ParquetNames {
  /** The metadata to decode with: `md` itself when every name was already unique and clean. */
  metadata: FileMetaData;
  /** The file's own top-level names, and the table's (unique) names for them, by position. */
  original: string[];
  names: string[];
  renamed: { from: string; to: string; index: number }[];
}

function leafCount(t: SchemaTree): number {
  return t.children.length === 0 ? 1 : t.children.reduce((n, c) => n + leafCount(c), 0);
}

export function uniqueParquetNames(md: FileMetaData): ParquetNames {
  const tree = parquetSchema(md);
  const original = tree.children.map((c) => c.element.name);
  const { names, renamed } = normaliseHeader(original);
  if (renamed.length === 0) return { metadata: md, original, names, renamed };
  // Top-level elements in the flat (depth-first) schema, and the top-level column each leaf (column chunk) is of.
  const schema = md.schema.map((e) => ({ ...e }));
  const owner: number[] = [];
  let at = 1;
  tree.children.forEach((child, i) => {
    schema[at].name = names[i];
    at += child.count;
    for (let k = leafCount(child); k > 0; k--) owner.push(i);
  });
  const row_groups = md.row_groups.map((rg) => ({
    ...rg,
    columns: rg.columns.map((cc, j) => {
      const meta = cc.meta_data;
      if (!meta) return cc;
      // Column chunks follow the schema's leaf order (the format requires it); check rather than trust.
      if (original[owner[j]] !== meta.path_in_schema[0]) {
        throw new EnclaveError('invalid-parquet', `This Parquet file is damaged: its column chunks do not follow its schema (chunk ${j + 1} is "${meta.path_in_schema[0]}").`);
      }
      return { ...cc, meta_data: { ...meta, path_in_schema: [names[owner[j]], ...meta.path_in_schema.slice(1)] } };
    }),
  }));
  return { metadata: { ...md, schema, row_groups }, original, names, renamed };
}
