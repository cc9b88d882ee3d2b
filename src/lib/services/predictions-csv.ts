/**
 * Scored rows as a CSV file (RFC 4180: CRLF line ends; a field with a comma, a quote, CR or LF is quoted, its quotes
 * doubled): the input's columns as they were read, then `prediction`, then one `p_<class>` column per class for a
 * classifier. Written in parts of 16,384 rows, so a million-row batch is never one giant string.
 */
import { asTexts } from '../core/table-ops.ts';
import type { Table } from '../core/table.ts';
import type { Predictions } from './predict.ts';

const PART_ROWS = 16_384;

export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The output's column names: a model column whose name the input already uses gets "_2", "_3", … */
export function outputNames(input: readonly string[], classNames: readonly string[] | undefined): string[] {
  const taken = new Set(input);
  const unique = (name: string) => {
    let out = name;
    for (let k = 2; taken.has(out); k++) out = `${name}_${k}`;
    taken.add(out);
    return out;
  };
  return [unique('prediction'), ...(classNames ?? []).map((c) => unique(`p_${c}`))];
}

export function predictionsCsv(input: Table, scored: Predictions, classNames?: readonly string[]): Uint8Array {
  const n = input.rowCount;
  if (scored.predictions.length !== n) throw new Error(`predictions for ${scored.predictions.length} rows, not ${n}`);
  const withProbs = scored.probabilities && classNames ? classNames : undefined;
  const header = [...input.columns.map((c) => c.name), ...outputNames(input.columns.map((c) => c.name), withProbs)].map(csvField).join(',');
  // Each column's cells as CSV fields once (a string column's dictionary is quoted once per distinct value).
  const cells = input.columns.map((c): ((r: number) => string) => {
    if (c.kind === 'string') {
      const quoted = c.dictionary.map(csvField);
      return (r) => (c.valid[r] ? quoted[c.codes[r]] : '');
    }
    const texts = asTexts(c);
    return (r) => (texts[r] === null ? '' : csvField(texts[r]!));
  });
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(`${header}\r\n`)];
  for (let start = 0; start < n; start += PART_ROWS) {
    const lines: string[] = [];
    for (let r = start; r < Math.min(n, start + PART_ROWS); r++) {
      const fields = cells.map((at) => at(r));
      fields.push(csvField(String(scored.predictions[r])));
      if (withProbs) for (const p of scored.probabilities![r]) fields.push(String(p));
      lines.push(fields.join(','));
    }
    parts.push(encoder.encode(`${lines.join('\r\n')}\r\n`));
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
