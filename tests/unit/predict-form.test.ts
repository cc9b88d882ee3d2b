/** The Deploy page's predict form: a control per column type, hints from the training data, errors and warnings per field. */
import { describe, expect, it } from 'vitest';
import { checkField, formFields } from '../../src/lib/components/deploy/predict-form.ts';

const schema = [
  { name: 'Island', type: 'categorical', kind: 'string' },
  { name: 'Body Mass (g)', type: 'integer', kind: 'numeric' },
  { name: 'Tagged', type: 'boolean', kind: 'numeric' },
  { name: 'Seen', type: 'datetime', kind: 'numeric' },
  { name: 'Note', type: 'text', kind: 'string' }
] as const;
const hints = new Map([['Island', { categories: ['Biscoe', 'Dream', 'Torgersen'] }], ['Body Mass (g)', { min: 2700, max: 6300 }]]);

describe('the predict form', () => {
  it('gives each column the control its type needs, with the training range or categories as its hint', () => {
    const f = formFields([...schema], hints);
    expect(f.map((x) => [x.name, x.control, x.hint])).toEqual([
      ['Island', 'select', 'one of 3 values seen in training'],
      ['Body Mass (g)', 'number', 'between 2,700 and 6,300 in training'],
      ['Tagged', 'select', 'true or false'],
      ['Seen', 'date', 'a date, like 2024-01-31'],
      ['Note', 'text', 'text']
    ]);
    expect(f[0].categories).toEqual(['Biscoe', 'Dream', 'Torgersen']);
  });

  it('refuses what is not a number in a number field, in words, and reads an empty field as unknown', () => {
    const [, mass] = formFields([...schema], hints);
    expect(checkField(mass, '', true)).toEqual({ error: 'Enter a number (training data: 2,700 to 6,300), or leave it empty if unknown.' });
    expect(checkField(mass, 'heavy')).toEqual({ error: '"heavy" is not a number. Enter a number (training data: 2,700 to 6,300), or leave it empty if unknown.' });
    expect(checkField(mass, ' 4200 ')).toEqual({ cell: 4200 });
    expect(checkField(mass, '')).toEqual({ cell: null });
  });

  it('uses a value outside the training range or an unseen category, with a warning', () => {
    const [island, mass, tagged, seen, note] = formFields([...schema], hints);
    expect(checkField(mass, '9000')).toEqual({ cell: 9000, warning: 'Outside the training range of 2,700 to 6,300: the prediction is less reliable.' });
    expect(checkField(island, 'Atlantis').warning).toMatch(/^Never seen in training/);
    expect(checkField(island, 'Dream')).toEqual({ cell: 'Dream' });
    expect(checkField(tagged, 'true')).toEqual({ cell: true });
    expect(checkField(seen, 'yesterday')).toEqual({ error: '"yesterday" is not a date. Enter one like 2024-01-31.' });
    expect(checkField(seen, '2024-01-31')).toEqual({ cell: '2024-01-31' });
    expect(checkField(note, 'anything')).toEqual({ cell: 'anything' });
  });
});
