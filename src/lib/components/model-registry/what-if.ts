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
    return { name, value: v === null || v === undefined ? '' : String(v) };
  });
}

/** The row predict receives: [name, value] pairs in the form's order, an empty field as null (missing). */
export function recordOf(fields: readonly WhatIfField[]): [string, string | null][] {
  return fields.map((f) => [f.name, f.value === '' ? null : f.value]);
}
