/**
 * The Deploy page's predict form, as data: one field per input column with the control that fits its type and a hint
 * from the training data ("between 2,700 and 6,300", the categories), and each field's check in the person's terms.
 * Values travel to predict as [column, value] pairs (a column may be named "__proto__").
 */
import { parseDate, parseNumber } from '../../core/infer.ts';
import type { Cell } from '../../core/table-from-records.ts';
import type { ColumnType } from '../../core/table.ts';
import type { BatchHints } from '../../services/batch-hints.ts';
import { num } from '../../services/check-batch.ts';

/** Categories listed in a select up to this many; more get a text box with suggestions. */
const SELECT_MAX = 30;

export interface FormField {
  name: string;
  type: ColumnType;
  control: 'number' | 'select' | 'text' | 'date';
  /** What to enter, under the label. */
  hint: string;
  /** select: the options; text: suggestions (a datalist). */
  categories?: string[];
  min?: number;
  max?: number;
}

export function formFields(inputSchema: readonly { name: string; type: ColumnType; kind: 'numeric' | 'string' }[], hints?: BatchHints): FormField[] {
  return inputSchema.map((f): FormField => {
    const h = hints?.get(f.name);
    if (f.type === 'boolean') return { name: f.name, type: f.type, control: 'select', hint: 'true or false', categories: ['true', 'false'] };
    if (f.type === 'datetime') return { name: f.name, type: f.type, control: 'date', hint: 'a date, like 2024-01-31' };
    if (f.kind === 'numeric') {
      const ranged = h?.min !== undefined && h.max !== undefined;
      return { name: f.name, type: f.type, control: 'number', hint: ranged ? `between ${num(h.min!)} and ${num(h.max!)} in training` : 'a number', ...(ranged ? { min: h.min, max: h.max } : {}) };
    }
    const cats = h?.categories;
    if (cats?.length) return { name: f.name, type: f.type, control: cats.length <= SELECT_MAX ? 'select' : 'text', hint: `one of ${num(cats.length)} values seen in training`, categories: cats };
    return { name: f.name, type: f.type, control: 'text', hint: 'text' };
  });
}

export interface FieldCheck {
  /** What predict receives; null for an empty field (an unknown value). Absent when the field has an error. */
  cell?: Cell;
  /** The value can't be used: nothing is predicted until it is fixed. */
  error?: string;
  /** The value is used, with a caution. */
  warning?: string;
}

/**
 * `raw` as the control holds it; `badInput` is a number input's validity.badInput (the browser empties the value of
 * text it can't read as a number, such as "4e", so the text itself is not available).
 */
export function checkField(field: FormField, raw: string, badInput = false): FieldCheck {
  const text = raw.trim();
  const span = field.min !== undefined && field.max !== undefined ? `${num(field.min)} to ${num(field.max)}` : '';
  const range = span ? ` (training data: ${span})` : '';
  if (badInput) return { error: `Enter a number${range}, or leave it empty if unknown.` };
  if (text === '') return { cell: null };
  switch (field.control) {
    case 'number': {
      const x = parseNumber(text);
      if (!Number.isFinite(x)) return { error: `"${text}" is not a number. Enter a number${range}, or leave it empty if unknown.` };
      if (field.min !== undefined && field.max !== undefined && (x < field.min || x > field.max))
        return { cell: x, warning: `Outside the training range of ${span}: the prediction is less reliable.` };
      return { cell: x };
    }
    case 'date':
      return Number.isNaN(parseDate(text)) ? { error: `"${text}" is not a date. Enter one like 2024-01-31.` } : { cell: text };
    case 'select':
      if (field.type === 'boolean') return text === 'true' || text === 'false' ? { cell: text === 'true' } : { error: 'Choose true or false.' };
      return field.categories?.includes(text) ? { cell: text } : { cell: text, warning: 'Never seen in training: the model treats it as none of the values it knows.' };
    default:
      return field.categories && !field.categories.includes(text) ? { cell: text, warning: 'Never seen in training: the model treats it as none of the values it knows.' } : { cell: text };
  }
}
