/**
 * bench/scale in Chromium, repeated: `npm run bench:scale:repeat -- --times N [browser.ts options]` runs browser.ts N
 * times (default 3), each a tab and then the peer, so the two sides alternate: studio, peer, studio, peer… On a shared
 * 2-core machine either side's time drifts by 20–30 % from one minute to the next, so one pair can land on either side
 * of 1.0. This prints every pair's figures and the medians: the median of the pairs' ratios, and each side's median
 * time and peak. The last line is one JSON object with the runs' own JSON lines in it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median as d3Median } from 'd3-array';
import { ROOT } from '../ingest/serve.ts';

interface RunJson {
  commit: string;
  chromium: { seconds: number | null; peak_rss_bytes: number; stages: { stage: string; seconds: number }[] };
  peer: { seconds: number; peak_rss_bytes: number } | null;
  time_ratio: number | null;
  memory_ratio: number | null;
  accuracy_difference_points: number | null;
}

/** d3's median (the mean of the two middle values for an even count), null for none. */
const median = (xs: readonly number[]): number | null => d3Median(xs) ?? null;

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--times');
  const times = at >= 0 ? Number(args[at + 1]) : 3;
  if (!Number.isInteger(times) || times < 1) throw new Error('--times takes a whole number ≥ 1');
  const rest = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;
  if (rest.includes('--no-peer')) throw new Error('--no-peer: nothing to compare; run browser.ts itself');
  const runs: RunJson[] = [];
  for (let i = 1; i <= times; i++) {
    console.log(`## pair ${i} of ${times}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'scale', 'browser.ts'), ...rest], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const lines = (r.stdout ?? '').trim().split('\n');
    for (const line of lines) if (line.startsWith('| ') || line.startsWith('goals') || line.startsWith('  import:') || line.startsWith('  prepare:') || line.startsWith('  train:') || line.startsWith('  promote:')) console.log(line);
    const last = lines.at(-1) ?? '';
    if (r.status !== 0 || !last.startsWith('{')) {
      console.log(`pair ${i} failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}`);
      continue;
    }
    runs.push(JSON.parse(last) as RunJson);
  }
  const done = runs.filter((r) => r.chromium.seconds !== null && r.peer);
  const ratios = done.map((r) => r.time_ratio!).filter((x) => x !== null);
  const fmt = (x: number | null, d = 2) => (x === null ? '—' : x.toFixed(d));
  console.log('\n## Pairs');
  console.log('| pair | studio (s) | peer (s) | time ratio | studio peak (GB) | peer peak (GB) | memory ratio |');
  console.log('|---|---|---|---|---|---|---|');
  done.forEach((r, i) => console.log(`| ${i + 1} | ${fmt(r.chromium.seconds, 1)} | ${fmt(r.peer!.seconds, 1)} | ${fmt(r.time_ratio)} | ${fmt(r.chromium.peak_rss_bytes / 1e9)} | ${fmt(r.peer!.peak_rss_bytes / 1e9)} | ${fmt(r.memory_ratio)} |`));
  const mStudio = median(done.map((r) => r.chromium.seconds!)), mPeer = median(done.map((r) => r.peer!.seconds));
  const mRatio = median(ratios);
  console.log(`| **median** | **${fmt(mStudio, 1)}** | **${fmt(mPeer, 1)}** | **${fmt(mRatio)}** | ${fmt(median(done.map((r) => r.chromium.peak_rss_bytes / 1e9)))} | ${fmt(median(done.map((r) => r.peer!.peak_rss_bytes / 1e9)))} | ${fmt(median(done.map((r) => r.memory_ratio!)))} |`);
  console.log(`time ratio ≤ 1.0 in ${ratios.filter((x) => x <= 1).length} of ${ratios.length} pairs; median ${fmt(mRatio)}; ratio of the median times ${mStudio !== null && mPeer ? fmt(mStudio / mPeer) : '—'}`);
  console.log(JSON.stringify({ times, pairs: done.length, median_time_ratio: mRatio, median_studio_seconds: mStudio, median_peer_seconds: mPeer, runs }));
}

main();
