/**
 * The split comparison on another thread (PrepareOptions.compareElsewhere; the CLI's bin/compare-splits.ts): the same
 * report as comparing on the calling thread, though the stage releases the source splits right after handing them on.
 */
import { describe, expect, it } from 'vitest';
import { compareInThread } from '../../bin/compare-splits.ts';
import { prepareSplits, prepareTable } from '../../src/lib/core/prepare.ts';
import { compareSplits } from '../../src/lib/core/validate/compare-splits.ts';
import { penguinsTable } from './tables.ts';

const recipe = { steps: [{ kind: 'impute', columns: '*numeric', strategy: 'mean' }, { kind: 'impute', columns: ['Sex'], strategy: 'most_frequent' }, { kind: 'onehot', columns: ['Island', 'Sex'] }], target: 'Species' };

describe('comparing the source splits elsewhere', () => {
  it("gives prepareTable's report, on a worker thread, with the source released as it goes", async () => {
    const here = prepareTable(penguinsTable(), recipe, { split: { seed: 7 } });
    let handed = 0;
    const there = await prepareSplits(penguinsTable(), recipe, {
      split: { seed: 7 },
      releaseSource: true,
      compareElsewhere: (splits, opts) => (handed++, compareInThread(splits, opts)),
    }, () => null);
    expect(handed).toBe(1);
    expect(there.report.comparison).toEqual(here.report.comparison);
    expect(there.report).toEqual(here.report);
  }, 60_000);

  it('a comparison that fails there fails the stage with its error', async () => {
    await expect(prepareSplits(penguinsTable(), recipe, { split: { seed: 7 }, compareElsewhere: async () => { throw new Error('no thread'); } }, () => null)).rejects.toThrow('no thread');
    // and the thread's own refusal comes back typed
    const bad = compareInThread({ train: penguinsTable(), validation: penguinsTable(), test: penguinsTable() }, { tests: { 'Beak Length (mm)': 'no-such-test' as never } });
    const inline = (() => { try { compareSplits({ train: penguinsTable(), validation: penguinsTable(), test: penguinsTable() }, { tests: { 'Beak Length (mm)': 'no-such-test' as never } }); return null; } catch (e) { return e as Error; } })();
    if (inline) await expect(bad).rejects.toThrow(inline.message);
    else await expect(bad).resolves.toBeDefined();
  }, 60_000);
});
