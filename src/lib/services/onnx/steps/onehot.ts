/**
 * `onehot`: one Equal of the column against its categories ([N, 1] vs [1, k]) makes the whole 0/1 block, split into
 * the "<col>=<category>" columns; "<col>_other" is an infrequent category, or (unknown: 'infrequent') any present
 * category not listed. A category the training rows lacked is all zeros; with unknown: 'error' the studio refuses such
 * a row instead, which a graph cannot do: the model's description says so.
 */
import * as v from 'valibot';
import type { OnehotParams } from '../../../core/recipe/steps/onehot.ts';
import { DT } from '../graph.ts';
import { asDouble, categoryMatches, columnAt, missing, splitColumns, unsupported, type StepInput } from '../ops.ts';
import { stateOf } from './state.ts';

const schema = v.object({
  columns: v.array(v.object({ name: v.string(), categories: v.array(v.string()), infrequent: v.array(v.string()), other: v.boolean() })),
});

export function onehotStep(s: StepInput<OnehotParams>): void {
  const { g, columns } = s;
  for (const st of stateOf(s, schema).columns) {
    const c = columnAt(s, st.name);
    if (!c) continue;
    if (c.kind === 'numeric' && c.type !== 'boolean')
      throw unsupported(`one-hot encoding the ${c.type} column "${st.name}"`, `${s.label} was fitted on a categorical or boolean column.`, { step: s.index, column: st.name });
    const made: [string, string][] = [];
    const k = st.categories.length;
    const block = k > 0 ? asDouble(g, categoryMatches(g, c, st.categories)) : null;
    if (block) {
      const parts = splitColumns(g, block, k);
      st.categories.forEach((cat, i) => made.push([`${st.name}=${cat}`, parts[i]]));
    }
    if (st.other) {
      const anyOf = (b: string) => g.op('ReduceMax', [b, g.int64([1], [1])], { keepdims: 1 });
      let other: string;
      if (s.params.unknown === 'infrequent') {
        // Present and none of the listed categories.
        const present = g.op('Not', [missing(g, c)]);
        other = asDouble(g, block ? g.op('And', [present, g.op('Not', [g.op('Cast', [anyOf(block)], { to: DT.BOOL })])]) : present);
      } else if (st.infrequent.length > 0) other = anyOf(asDouble(g, categoryMatches(g, c, st.infrequent)));
      else other = g.op('Mul', [asDouble(g, missing(g, c)), g.double(0)]); // the column exists, and is never 1
      made.push([`${st.name}_other`, other]);
    }
    for (const [name] of made) {
      if (columns.has(name) && name !== st.name) throw unsupported(`this recipe`, `${s.label} makes the column "${name}", which already exists.`, { step: s.index, column: name });
    }
    if (s.params.dropOriginal) columns.delete(st.name);
    for (const [name, value] of made) columns.set(name, { kind: 'numeric', type: 'integer', value });
  }
}
