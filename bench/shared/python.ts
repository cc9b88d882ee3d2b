/** Shared by the benchmarks' Python sides (pandas, scikit-learn): run a script, read the JSON line it prints last. */
import { spawnSync, type StdioOptions } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../ingest/serve.ts';

/** The Python with pandas and scikit-learn (PANDAS_PYTHON names another). */
export const PYTHON = process.env.PANDAS_PYTHON ?? '/usr/bin/python3';

/** Runs bench/`script` with `args` and parses its last line of output as JSON; a failure throws "`what` failed (exit N): stderr". */
export function runPython<T>(what: string, script: string, args: string[], stdio: StdioOptions = 'pipe'): T {
  const r = spawnSync(PYTHON, [join(ROOT, 'bench', script), ...args], { encoding: 'utf8', maxBuffer: 1 << 20, stdio });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}
