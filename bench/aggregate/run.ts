/**
 * bench/aggregate: `npm run bench:aggregate` [-- --clients 100,300,1000] [--params 100000] [--rounds 2] [--distinct 32]
 *                  [--in-flight N]
 *
 * The aggregator as it runs in production (`node --import tsx aggregator/server.ts`, LMDB in a fresh temp data
 * directory, synced commits) in a child process, so its memory can be read from /proc/<pid>/status. Per client count N:
 *   1. creates a federation (N join tokens, quorum N, C = 1, z = 1) over HTTP and opens round 1 with zero weights,
 *   2. per round: all N clients PUT their update at once — raw float32, `params` values, an honest update clip(Δ) +
 *      N(0, (zC)²·I) (`distinct` different vectors, dealt round-robin: the server hashes and checks every body all the
 *      same) — and the round is timed from the first request to the moment the admin status shows it closed
 *      (every upload checked, summed, committed durably and answered; the mean applied and the new weights stored),
 *   3. then all N clients GET the new weights at once (timed apart: the download half of a round),
 *   4. checks the new weights against old + the float64 mean of what was sent (max |Δ|),
 *   5. reads the server's peak resident memory (VmHWM) and its resident memory before the first round (VmRSS).
 * Prints a table and, last, one JSON line. Goal: ≤ 2 s per round at 1,000 clients × 100,000 parameters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { federationPaths, HEADERS, sha256Hex, type CreateFederationReply } from '../../src/lib/federated/protocol.ts';
import { seeded } from '../../src/lib/core/random.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = 'bench-admin-token-0123456789abcdef';
const GOAL_SECONDS = 2;
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const CLIENTS = option('--clients', '100,300,1000').split(',').map(Number);
const PARAMS = Number(option('--params', '100000'));
const ROUNDS = Number(option('--rounds', '2'));
const DISTINCT = Number(option('--distinct', '32'));
/** Uploads in flight at once (default: every client at the same moment, the worst case). */
const IN_FLIGHT = Number(option('--in-flight', '0')) || Infinity;
const C = 1, Z = 1;
const log = (s = '') => console.log(s);
const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
const each = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');

/** Honest updates: Δ (a smooth random direction) clipped to C, plus Gaussian noise of scale zC per coordinate. */
function honestUpdates(): Float32Array<ArrayBuffer>[] {
  // The seeded PRNG is fine for a benchmark; a real client's noise comes from crypto.getRandomValues.
  const rand = seeded(20261207);
  return Array.from({ length: DISTINCT }, (_, k) => {
    const delta = Array.from({ length: PARAMS }, (_, j) => Math.sin(j * 0.001 + k) * 0.01);
    const norm = Math.sqrt(delta.reduce((s, x) => s + x * x, 0));
    const scale = Math.min(1, C / norm);
    return Float32Array.from(delta, (x) => x * scale + Z * C * rand.normal());
  });
}

interface Server {
  url: string;
  child: ChildProcess;
  dir: string;
}

function startServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'enclave-bench-aggregate-'));
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'aggregator/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ENCLAVE_DATA_DIR: dir, ENCLAVE_ADMIN_TOKEN: ADMIN },
    stdio: ['ignore', 'pipe', 'inherit']
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b) => {
      out += b;
      const m = /running at (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve({ url: m[1], child, dir });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

async function stopServer(s: Server) {
  await new Promise<void>((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
  rmSync(s.dir, { recursive: true, force: true });
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Resets a process's VmHWM to its current resident size (Linux: clear_refs 5), so each phase's peak reads apart. */
function resetPeak(pid: number) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** VmHWM (peak resident) and VmRSS of a process, in KiB. */
function memory(pid: number) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)![1]);
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

async function json(res: Response) {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.json();
}

// The simulated clients use node:http, not fetch: they share the 2 cores with the server, and undici's fetch costs
// several times more CPU per request (web streams) — that would be the load generator measuring itself.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

function send(url: string, method: string, headers: Record<string, string>, body?: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body ? { ...headers, 'content-length': String(body.byteLength) } : headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${method} ${url}: ${res.statusCode} ${Buffer.concat(chunks)}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs task(0 … n−1) with at most `limit` running at once. */
async function pooled<T>(n: number, limit: number, task: (k: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const k = next++;
      out[k] = await task(k);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, limit) }, worker));
  return out;
}

const admin = (url: string, path: string, init: RequestInit = {}) => fetch(url + path, { ...init, headers: { authorization: `Bearer ${ADMIN}`, ...init.headers } });

async function benchClients(n: number, updates: Float32Array<ArrayBuffer>[]) {
  const server = await startServer();
  try {
    const { url } = server;
    const settings = { model: { bench: true }, parameterCount: PARAMS, rounds: ROUNDS, minClients: n, roundDeadlineSeconds: 3600, clipNorm: C, noiseMultiplier: Z, delta: 1e-5, localEpochs: 1, learningRate: 0.1, batchSize: 32, tokens: n };
    const created = (await json(await admin(url, '/api/federations', { method: 'POST', body: JSON.stringify(settings) }))) as CreateFederationReply;
    const paths = federationPaths(created.id);
    let weights = new Float32Array(PARAMS);
    await json(await admin(url, paths.initialWeights, { method: 'PUT', body: new Uint8Array(weights.buffer) }));
    const before = memory(server.child.pid!);
    const pid = server.child.pid!;
    const rounds: { seconds: number; serverCpu: number; benchCpu: number; peakKiB: number; downloadSeconds: number; downloadPeakKiB: number; maxAbsDiff: number }[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const base = await sha256Hex(new Uint8Array(weights.buffer));
      resetPeak(pid);
      const cpu0 = cpuSeconds(pid);
      const own0 = process.cpuUsage();
      const t0 = performance.now();
      const replies = await pooled(created.tokens.length, IN_FLIGHT, (k) => {
        const t = created.tokens[k];
        return send(
          url + paths.update(r),
          'PUT',
          { authorization: `Bearer ${t.token}`, 'content-type': 'application/octet-stream', [HEADERS.client]: t.clientId, [HEADERS.baseSha256]: base },
          new Uint8Array(updates[k % updates.length].buffer)
        );
      });
      for (;;) {
        const s = await json(await admin(url, paths.status));
        if (s.version >= r) break;
        await new Promise((res) => setTimeout(res, 5));
      }
      const seconds = (performance.now() - t0) / 1000;
      const serverCpu = cpuSeconds(pid) - cpu0;
      const own = process.cpuUsage(own0);
      const benchCpu = (own.user + own.system) / 1e6;
      const peakKiB = memory(pid).hwm;
      resetPeak(pid);
      if (replies.length !== n) throw new Error('missing replies');
      // Every client fetches the new weights.
      const t1 = performance.now();
      const got = await Promise.all(created.tokens.map((t) => send(url + paths.weights, 'GET', { authorization: `Bearer ${t.token}` })));
      const downloadSeconds = (performance.now() - t1) / 1000;
      const downloadPeakKiB = memory(pid).hwm;
      const next = new Float32Array(new Uint8Array(got[0]).buffer);
      const mean = new Float64Array(PARAMS);
      for (let k = 0; k < n; k++) {
        const u = updates[k % updates.length];
        for (let j = 0; j < PARAMS; j++) mean[j] += u[j];
      }
      let maxAbsDiff = 0;
      for (let j = 0; j < PARAMS; j++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(next[j] - (weights[j] + mean[j] / n)));
      weights = next;
      rounds.push({ seconds, serverCpu, benchCpu, peakKiB, downloadSeconds, downloadPeakKiB, maxAbsDiff });
      log(`  ${n} clients, round ${r}: ${seconds.toFixed(3)} s (CPU: server ${serverCpu.toFixed(2)} s, bench clients ${benchCpu.toFixed(2)} s; server peak RSS ${mib(peakKiB)}; downloads ${downloadSeconds.toFixed(3)} s, peak ${mib(downloadPeakKiB)}), max |Δ| vs float64 mean ${maxAbsDiff.toExponential(2)}`);
    }
    return { clients: n, rounds, rssBeforeKiB: before.rss };
  } finally {
    await stopServer(server);
  }
}

async function main() {
  log(`bench/aggregate: ${CLIENTS.join(', ')} clients × ${PARAMS.toLocaleString('en')} parameters, ${ROUNDS} rounds each, C = ${C}, z = ${Z}, uploads in flight: ${IN_FLIGHT === Infinity ? 'all at once' : IN_FLIGHT}`);
  const t = performance.now();
  const updates = honestUpdates();
  log(`  ${DISTINCT} honest updates generated in ${((performance.now() - t) / 1000).toFixed(1)} s (norm ≈ ${Math.sqrt(updates[0].reduce((s, x) => s + x * x, 0)).toFixed(1)})`);
  const loadBefore = loadavg()[0];
  const results = [];
  for (const n of CLIENTS) results.push(await benchClients(n, updates));
  const loadAfter = loadavg()[0];

  log();
  log('| clients | MB uploaded per round | seconds per round (each round) | server CPU s per round | server RSS before | server peak RSS during the round (VmHWM) | downloads of the new weights, s | peak RSS during downloads |');
  log('|---|---|---|---|---|---|---|---|');
  for (const r of results)
    log(
      `| ${r.clients} | ${((r.clients * PARAMS * 4) / 1e6).toFixed(0)} | ${each(r.rounds.map((x) => x.seconds))} | ${each(r.rounds.map((x) => x.serverCpu))} | ${mib(r.rssBeforeKiB)} | ${r.rounds.map((x) => mib(x.peakKiB)).join(', ')} | ${each(r.rounds.map((x) => x.downloadSeconds))} | ${r.rounds.map((x) => mib(x.downloadPeakKiB)).join(', ')} |`
    );
  const big = results.find((r) => r.clients === Math.max(...CLIENTS))!;
  const worst = Math.max(...big.rounds.map((x) => x.seconds));
  const goalMet = worst <= GOAL_SECONDS;
  log();
  log(`goal ≤ ${GOAL_SECONDS} s per round at ${big.clients} clients: ${goalMet ? 'met' : 'NOT met'} (slowest round ${worst.toFixed(2)} s)`);
  log(
    JSON.stringify({
      params: PARAMS,
      in_flight: IN_FLIGHT === Infinity ? 'all' : IN_FLIGHT,
      load_avg: [loadBefore, loadAfter].map((x) => x.toFixed(1)),
      results: results.map((r) => ({
        clients: r.clients,
        round_seconds: r.rounds.map((x) => +x.seconds.toFixed(3)),
        server_cpu_seconds: r.rounds.map((x) => +x.serverCpu.toFixed(2)),
        bench_cpu_seconds: r.rounds.map((x) => +x.benchCpu.toFixed(2)),
        download_seconds: r.rounds.map((x) => +x.downloadSeconds.toFixed(3)),
        max_abs_diff: Math.max(...r.rounds.map((x) => x.maxAbsDiff)),
        server_rss_before_bytes: r.rssBeforeKiB * 1024,
        server_peak_rss_bytes: r.rounds.map((x) => x.peakKiB * 1024),
        download_peak_rss_bytes: r.rounds.map((x) => x.downloadPeakKiB * 1024)
      })),
      goal_seconds: GOAL_SECONDS,
      goal_met: goalMet
    })
  );
}

await main();
