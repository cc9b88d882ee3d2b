/** What the step form offers for each kind: labels and the fields it asks for (params as the core parses them). */
export type Field =
  | { key: string; label: string; type: 'columns'; filter?: 'numeric' | 'categorical' | 'datetime' | 'any' }
  | { key: string; label: string; type: 'column'; filter?: 'numeric' | 'categorical' | 'datetime' | 'any' }
  | { key: string; label: string; type: 'select'; options: { value: string; label: string }[] }
  | { key: string; label: string; type: 'number'; min?: number; max?: number; step?: number; optional?: boolean }
  | { key: string; label: string; type: 'text'; placeholder?: string; optional?: boolean }
  | { key: string; label: string; type: 'checkbox' }
  | { key: string; label: string; type: 'multi'; options: { value: string; label: string }[] };

export interface KindInfo {
  kind: string;
  label: string;
  fields: Field[];
  defaults: Record<string, unknown>;
}

const opts = (...pairs: [string, string][]) => pairs.map(([value, label]) => ({ value, label }));

export const KINDS: KindInfo[] = [
  { kind: 'impute', label: 'Fill missing values (impute)', defaults: { strategy: 'median', indicator: false }, fields: [
    { key: 'columns', label: 'Columns', type: 'columns' },
    { key: 'strategy', label: 'Fill with', type: 'select', options: opts(['mean', 'Mean'], ['median', 'Median'], ['most_frequent', 'Most frequent value'], ['constant', 'A constant']) },
    { key: 'value', label: 'Constant (for "A constant")', type: 'text', optional: true },
    { key: 'indicator', label: 'Add a "was missing" column', type: 'checkbox' }
  ] },
  { kind: 'drop-missing', label: 'Drop rows or columns with missing values', defaults: { axis: 'rows', threshold: 0 }, fields: [
    { key: 'axis', label: 'Drop', type: 'select', options: opts(['rows', 'Rows'], ['columns', 'Columns']) },
    { key: 'threshold', label: 'When the missing share is above (0–1)', type: 'number', min: 0, max: 1, step: 0.05 },
    { key: 'columns', label: 'Looking at columns', type: 'columns' }
  ] },
  { kind: 'drop-duplicates', label: 'Drop duplicate rows', defaults: {}, fields: [] },
  { kind: 'outliers', label: 'Handle outliers', defaults: { method: 'iqr', action: 'clip' }, fields: [
    { key: 'columns', label: 'Columns', type: 'columns', filter: 'numeric' },
    { key: 'method', label: 'Detect by', type: 'select', options: opts(['iqr', 'IQR (1.5 × interquartile range)'], ['zscore', 'z-score (3 standard deviations)']) },
    { key: 'action', label: 'Then', type: 'select', options: opts(['clip', 'Clip to the bounds'], ['remove', 'Remove the rows']) }
  ] },
  { kind: 'cast', label: 'Change a column’s type', defaults: { to: 'float' }, fields: [
    { key: 'column', label: 'Column', type: 'column' },
    { key: 'to', label: 'To', type: 'select', options: opts(['integer', 'Integer'], ['float', 'Float'], ['boolean', 'Boolean'], ['categorical', 'Categorical'], ['text', 'Text'], ['datetime', 'Date/time']) }
  ] },
  { kind: 'scale', label: 'Scale numbers', defaults: { columns: '*numeric', method: 'minmax' }, fields: [
    { key: 'columns', label: 'Columns', type: 'columns', filter: 'numeric' },
    { key: 'method', label: 'Method', type: 'select', options: opts(['minmax', 'Min–max to 0–1'], ['standard', 'Standard (z-score)'], ['robust', 'Robust (median, IQR)']) }
  ] },
  { kind: 'onehot', label: 'One-hot encode categories', defaults: { unknown: 'ignore' }, fields: [
    { key: 'columns', label: 'Columns', type: 'columns', filter: 'categorical' },
    { key: 'maxCategories', label: 'At most this many categories (others grouped)', type: 'number', min: 2, step: 1, optional: true },
    { key: 'unknown', label: 'A category not seen in training', type: 'select', options: opts(['ignore', 'All zeros'], ['infrequent', 'Counts as "other"'], ['error', 'Is an error']) }
  ] },
  { kind: 'ordinal', label: 'Ordinal-encode categories', defaults: {}, fields: [
    { key: 'columns', label: 'Columns', type: 'columns', filter: 'categorical' }
  ] },
  { kind: 'bin', label: 'Bin numbers', defaults: { method: 'quantile', bins: 5 }, fields: [
    { key: 'columns', label: 'Columns', type: 'columns', filter: 'numeric' },
    { key: 'method', label: 'Bins of equal', type: 'select', options: opts(['width', 'Width'], ['quantile', 'Count (quantiles)']) },
    { key: 'bins', label: 'Number of bins', type: 'number', min: 2, step: 1 }
  ] },
  // New steps drop the date itself (no model can use it); the core default stays "keep" so stored recipes keep their meaning.
  { kind: 'date-parts', label: 'Date parts', defaults: { parts: ['year', 'month', 'weekday'], dropOriginal: true }, fields: [
    { key: 'column', label: 'Date column', type: 'column', filter: 'datetime' },
    { key: 'parts', label: 'Parts', type: 'multi', options: opts(['year', 'Year'], ['month', 'Month'], ['day', 'Day'], ['weekday', 'Weekday'], ['hour', 'Hour']) },
    { key: 'dropOriginal', label: 'Drop the date column (models can’t use a date as it is)', type: 'checkbox' }
  ] },
  { kind: 'derive', label: 'Derived column (formula)', defaults: {}, fields: [
    // Optional here: "bmi = …" in the formula names it too, and the step's check says when neither does.
    { key: 'name', label: 'New column name', type: 'text', placeholder: 'bmi', optional: true },
    { key: 'expression', label: 'Formula', type: 'text', placeholder: 'mass / (height / 100) ^ 2' }
  ] },
  { kind: 'drop-columns', label: 'Drop columns', defaults: {}, fields: [{ key: 'columns', label: 'Columns', type: 'columns', filter: 'any' }] },
  { kind: 'keep-columns', label: 'Keep only these columns', defaults: {}, fields: [{ key: 'columns', label: 'Columns', type: 'columns', filter: 'any' }] }
];

export function kindInfo(kind: string): KindInfo | undefined {
  return KINDS.find((k) => k.kind === kind);
}
