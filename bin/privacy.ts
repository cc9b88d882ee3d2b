/**
 * The headless runner's `privacy` command: the federated mode's accountant on the command line.
 *
 *   npm run -s enclave -- privacy --q 0.0042667 --sigma 1.1 --steps 14063 --delta 1e-5
 *
 * prints one JSON line {"epsilon", "order", "epsilonImproved", "orderImproved"}. JSON has no Infinity or NaN: an
 * unbounded ε (σ = 0) and the order of a bound that has none (zero steps, or σ = 0) print as null.
 */
import { parseArgs } from 'node:util';
import { EnclaveError } from '../src/lib/core/errors.ts';
import { privacySpent } from '../src/lib/federated/accountant.ts';

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** A number option, required; the range checks are the accountant's own (its messages say what each value means). */
function numberOption(values: Record<string, string | undefined>, name: string): number {
  const text = values[name];
  if (text === undefined) throw new EnclaveError('invalid-argument', `privacy needs --${name}. usage: privacy --q Q --sigma Z --steps N --delta D`);
  const x = Number(text);
  if (text.trim() === '' || Number.isNaN(x)) throw new EnclaveError('invalid-argument', `--${name} must be a number; got "${text}".`, { [name]: text });
  return x;
}

/** `privacy --q Q --sigma Z --steps N --delta D`: the JSON line (with its newline). */
export function privacyCommand(args: string[]): string {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args, options: { q: { type: 'string' }, sigma: { type: 'string' }, steps: { type: 'string' }, delta: { type: 'string' } } }));
  } catch (e) {
    // node:util's own TypeError (an unknown option, a missing value) as a coded error, not an "unexpected" one.
    throw new EnclaveError('invalid-argument', `${(e as Error).message}. usage: privacy --q Q --sigma Z --steps N --delta D`);
  }
  const spent = privacySpent({ q: numberOption(values, 'q'), sigma: numberOption(values, 'sigma'), steps: numberOption(values, 'steps'), delta: numberOption(values, 'delta') });
  return JSON.stringify({ epsilon: finiteOrNull(spent.epsilon), order: finiteOrNull(spent.order), epsilonImproved: finiteOrNull(spent.epsilonImproved), orderImproved: finiteOrNull(spent.orderImproved) }) + '\n';
}
