/**
 * The what-if form's values: one field per input column, kept as a list of { name, value } (not an object keyed by
 * column: a feature may be named "__proto__" or "constructor", and `values["__proto__"] = "8.5"` would set a
 * prototype, so the feature silently vanished from the prediction). Sent to predict as [name, value] pairs.
 */
export interface WhatIfField {
  name: string;
  /** As typed; '' is a missing value. */
  value: string;
}

/** One field per input column, prefilled from the first source row (a real example to edit); '' where it has none. */
export function prefill(inputs: readonly { name: string }[], first: { columns: readonly { name: string }[]; rows: readonly (readonly unknown[])[] } | null): WhatIfField[] {
  const at = new Map(first?.columns.map((c, i) => [c.name, i]) ?? []);
  return inputs.map(({ name }) => {
    const i = at.get(name);
    const v = i === undefined ? null : first?.rows[0]?.[i];
    return { name, value: v === null || v === undefined ? '' : asTyped(v) };
  });
}

/** A value as a person would type it: a date at midnight UTC as 2012-01-01, not 2012-01-01T00:00:00.000Z. */
function asTyped(v: unknown): string {
  const text = v instanceof Date ? (Number.isNaN(v.getTime()) ? '' : v.toISOString()) : String(v);
  const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.0+)?Z$/.exec(text);
  if (!iso) return text;
  return iso[2] === '00:00' || iso[2] === '00:00:00' ? iso[1] : `${iso[1]} ${iso[2]}`;
}

/** The row predict receives: [name, value] pairs in the form's order, an empty field as null (missing). */
export function recordOf(fields: readonly WhatIfField[]): [string, string | null][] {
  return fields.map((f) => [f.name, f.value === '' ? null : f.value]);
}
