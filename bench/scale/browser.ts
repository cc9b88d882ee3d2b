/**
 * bench/scale in Chromium (issue 14, Must-show and Build 4 "the tab survives"):
 *   `npm run bench:scale:browser -- [FILE] [--rows N] [--seed N] [--iterations N] [--mlp-epochs N] [--backend B] [--enclave DIR]
 *                                   [--stage-minutes M] [--no-promote] [--no-peer] [--rebuild] [--reload-before-train]`
 *
 * In ONE headless Chromium tab (fresh profile, the studio served by aggregator/server.ts with its production headers):
 *   1. import   Data page: the CSV chosen in the file input → the dataset summary; the page's own 'enclave:import'
 *               User Timing measure (file chosen → read, hashed, profiled, stored) and the wall time to the summary,
 *   2. prepare  Prepare page: target `label`, the headless pipeline's default recipe (DEFAULT_RECIPE_STEPS of
 *               src/lib/ml/default-recipe.ts: mean / most-frequent imputation, standard scaling, one-hot — what
 *               `enclave train` and sklearn_train.py do) built step by step in the "Add a step" form, the split left at
 *               its defaults (60/20/20, seed 42, stratified for a class target) → "Saved the prepared splits",
 *   3. train    Train page: algorithm logistic, the form's default solver (L-BFGS), its iteration limit set to
 *               --iterations (default 300, the model spec's default that `enclave train` uses; the form shows 60),
 *               backend --backend (default: the form's own, auto) → the selected run; its validation accuracy is read
 *               from the page (--mlp-epochs N: a multilayer perceptron, the form's 64-32 layers, for N epochs instead;
 *               the peer still fits its logistic regression),
 *   4. promote  "Promote and score the test split" → the test accuracy the page shows (the test split is sealed until
 *               a model is promoted, so this is the honest way to get it; --no-promote skips it).
 * Each stage is timed from the click (or file choice) to its "done" state on the page (no User Timing marks exist for
 * prepare and train; the progress bar's stage labels, recorded by a MutationObserver, split each stage further), and
 * each has its own timeout (--stage-minutes, default 20). A tab that crashes (Chromium's renderer killed, e.g. out of
 * memory), a page error shown in an alert, or a timeout ends the browser side with that stage's outcome recorded —
 * a result, not a hang (bench/scale/tab-stages.ts drives the pages). The Chromium process tree's memory is sampled every 100 ms (bench/ingest/memory.ts: summed
 * RSS, and PSS every 10th sample), its value at each stage's start and its peak kept per stage; Chromium's processes
 * are given oom_score_adj 1000, so that on a shared machine running out of memory the kernel kills the bench's tab
 * (recorded as a crash) rather than a neighbour's job.
 *
 * Then, in the same invocation, the peer: `/usr/bin/python3 bench/scale/sklearn_train.py FILE SEED` (pandas read_csv,
 * stratified 60/20/20 split, ColumnTransformer impute/scale/one-hot, LogisticRegression lbfgs), wall time and peak RSS
 * measured as run.ts does (measure() imported from there). Prints a report and, last, one JSON line.
 *
 * --reload-before-train (a diagnostic, not the issue's measurement): the tab is reloaded after prepare, so training starts
 * without what the data worker kept from import and prepare.
 * --enclave DIR: serve DIR's build/ (built there when missing) with DIR's server — e.g. `git archive HEAD` unpacked
 * with node_modules linked — so the figures are those of a commit while this tree holds others' uncommitted work.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { processTree, TreeSampler } from '../ingest/memory.ts';
import { cleanupAll, ensureBuild, onCleanup, ROOT, startServer } from '../ingest/serve.ts';
import { CHROMIUM_ARGS, chromiumVersion, FreshProfile } from '../shared/chromium.ts';
import { ensureData, parseRows, TARGET } from './generate.ts';
import { measure, warmCache, type PeerReport } from './run.ts';
import { accuracyIn, addRecipeSteps, INIT, runStage, StageFailure, type StageName, type StageResult } from './tab-stages.ts';

const PYTHON = process.env.PANDAS_PYTHON ?? '/usr/bin/python3';
const log = (s = '') => console.log(s);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;


interface BrowserSide {
  stages: StageResult[];
  baselineRss: number;
  peakRss: number;
  peakPss: number;
  peakByType: Record<string, number>;
  importMeasureMs: number | null;
  rowsShown: string | null;
  splitSizes: string | null;
  run: string | null;
  validationAccuracy: number | null;
  testAccuracy: number | null;
  scaleWarning: string | null;
  userAgent: string | null;
  deviceMemory: number | null;
  died: string | null;
}

async function browserSide(base: string, csv: string, opts: { iterations: number; mlpEpochs?: number; backend?: string; stageMs: number; promote: boolean; reload: boolean }): Promise<BrowserSide> {
  const profile = new FreshProfile('enclave-bench-scale-');
  const sampler = new TreeSampler(profile.dir, 100, 10);
  profile.beforeClose = () => sampler.stop();
  onCleanup(() => profile.close());
  let closing = false;
  let current = 'start-up';
  // Should the machine run out of memory, the kernel kills this bench's Chromium first, not a neighbour's job.
  const oomFirst = setInterval(() => {
    for (const p of processTree(profile.dir)) try { writeFileSync(`/proc/${p.pid}/oom_score_adj`, '1000'); } catch { /* gone, or not ours */ }
  }, 1000);
  const out: BrowserSide = { stages: [], baselineRss: 0, peakRss: 0, peakPss: 0, peakByType: {}, importMeasureMs: null, rowsShown: null, splitSizes: null, run: null, validationAccuracy: null, testAccuracy: null, scaleWarning: null, userAgent: null, deviceMemory: null, died: null };
  try {
    const context = await profile.launch(CHROMIUM_ARGS, { viewport: { width: 1280, height: 900 } });
    await context.addInitScript(INIT);
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(opts.stageMs);
    let onCrash: (e: Error) => void = () => undefined;
    const crashed = new Promise<never>((_, fail) => { onCrash = fail; });
    crashed.catch(() => undefined);
    const died = (what: string) => {
      if (closing) return; // our own close at the end
      out.died ??= `${what} during ${current} (the stage's peak so far: ${gb(sampler.read().peakRss)} summed RSS)`;
      onCrash(new StageFailure('crashed', out.died));
    };
    page.on('crash', () => died('the tab crashed'));
    page.on('close', () => died('the tab closed'));
    context.on('close', () => died('the browser went away'));
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    sampler.start();
    await page.goto(base + '/', { waitUntil: 'load' });
    const input = page.getByLabel('Choose a data file');
    await input.waitFor({ state: 'attached' });
    await page.waitForTimeout(1000);
    out.baselineRss = sampler.sampleNow().rss;
    const info = await page.evaluate(() => ({ ua: navigator.userAgent, dm: (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? null }));
    out.userAgent = info.ua; out.deviceMemory = info.dm;
    const nav = (name: string) => page.getByRole('navigation', { name: 'Workflow' }).getByRole('link', { name }).click();
    const stage = async (name: StageName, act: () => Promise<void>, done: () => Promise<unknown>) => {
      current = name;
      log(`  ${name} ... (load ${load()})`);
      const r = await runStage(name, page, sampler, crashed, opts.stageMs, act, done);
      out.stages.push(r);
      log(`    ${r.outcome}${r.message ? `: ${r.message}` : ''}; ${sec(r.wallMs)}, summed RSS ${gb(r.startRss)} at the start, peak ${gb(r.memory.peakRss)} (PSS ≥ ${gb(r.memory.peakPss)})`);
      return r.outcome === 'done';
    };

    // 1. import
    const summary = page.getByLabel('Dataset summary');
    if (!(await stage('import', () => input.setInputFiles(csv), () => summary.waitFor({ state: 'visible' })))) return out;
    out.importMeasureMs = await page.evaluate(() => performance.getEntriesByName('enclave:import', 'measure').at(-1)?.duration ?? null);
    out.rowsShown = await summary.locator('div').filter({ has: page.getByText('Rows', { exact: true }) }).locator('dd').first().innerText().catch(() => null);

    // 2. prepare: the recipe is built before the clock starts (a person's clicks, not the studio's work).
    await nav('Prepare');
    await page.getByLabel('Target column (what to predict)').selectOption(TARGET);
    await addRecipeSteps(page);
    const saved = page.getByRole('status').filter({ hasText: 'Saved the prepared splits' });
    if (!(await stage('prepare', () => page.getByRole('button', { name: 'Prepare and split' }).click(), () => saved.waitFor({ state: 'visible' })))) return out;
    out.splitSizes = await page.getByRole('table', { name: 'Split sizes' }).innerText().then((t) => t.replace(/\s+/g, ' ').trim()).catch(() => null);

    // 3. train (--reload-before-train, a diagnostic: the tab reloaded first, so the workers and what the data worker
    // kept from prepare are gone — is a failure the train job's own need, or what earlier stages left behind?)
    if (opts.reload) {
      await page.reload({ waitUntil: 'load' });
      await page.getByRole('navigation', { name: 'Workflow' }).waitFor();
      log(`  (reloaded before training: ${gb(sampler.sampleNow().rss)} summed RSS)`);
    }
    await nav('Train');
    await page.getByLabel('Algorithm').selectOption(opts.mlpEpochs ? 'mlp' : 'logistic');
    if (opts.backend) await page.getByLabel('Backend').selectOption(opts.backend);
    const budget = opts.mlpEpochs ? page.getByLabel('Epochs') : page.getByLabel('Iterations (at most)');
    await budget.fill(String(opts.mlpEpochs ?? opts.iterations));
    await budget.blur();
    out.scaleWarning = await page.locator('.scale-warning').innerText({ timeout: 2000 }).catch(() => null);
    const selected = page.getByRole('region', { name: 'Selected run' });
    if (!(await stage('train', () => page.getByRole('button', { name: 'Train', exact: true }).click(), () => selected.waitFor({ state: 'visible' })))) return out;
    const runText = await selected.innerText();
    out.validationAccuracy = accuracyIn(/Validation: ([^\n]*)/.exec(runText)?.[1] ?? '');
    out.run = await page.getByRole('table', { name: 'Runs' }).getByRole('row').nth(1).innerText().then((t) => t.replace(/\s+/g, ' ').trim()).catch(() => null);

    // 4. promote: the sealed test split scored once
    if (opts.promote) {
      const test = page.getByRole('status', { name: 'Test metrics' });
      if (!(await stage('promote', () => page.getByRole('button', { name: 'Promote and score the test split' }).click(), () => test.waitFor({ state: 'visible' })))) return out;
      out.testAccuracy = accuracyIn(await test.innerText());
    }
    return out;
  } finally {
    closing = true;
    clearInterval(oomFirst);
    const all = sampler.stop();
    for (const s of out.stages) {
      if (s.memory.peakRss > out.peakRss) { out.peakRss = s.memory.peakRss; out.peakByType = s.memory.peakByType; }
      out.peakPss = Math.max(out.peakPss, s.memory.peakPss);
    }
    if (all.peakRss > out.peakRss) { out.peakRss = all.peakRss; out.peakByType = all.peakByType; }
    await profile.close();
  }
}

function ensureBuildIn(dir: string, rebuild: boolean): void {
  if (dir === ROOT) return ensureBuild(rebuild, log);
  if (existsSync(join(dir, 'build', 'index.html')) && !rebuild) return log(`build: using ${dir}/build`);
  log(`build: npx vite build in ${dir} ...`);
  const r = spawnSync('npx', ['vite', 'build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build failed in ${dir} (exit ${r.status})`);
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rows: { type: 'string' }, seed: { type: 'string' }, iterations: { type: 'string' }, 'mlp-epochs': { type: 'string' }, backend: { type: 'string' }, enclave: { type: 'string' },
      'stage-minutes': { type: 'string' }, 'no-promote': { type: 'boolean' }, 'no-peer': { type: 'boolean' }, rebuild: { type: 'boolean' }, 'reload-before-train': { type: 'boolean' },
    },
  });
  const seed = values.seed ?? '42';
  const iterations = Number(values.iterations ?? 300);
  const stageMs = Number(values['stage-minutes'] ?? 20) * 60_000;
  const dir = resolve(values.enclave ?? ROOT);
  log('# bench/scale in Chromium');
  const path = positionals[0] ? resolve(positionals[0]) : ensureData(parseRows(values.rows), log).path;
  const bytes = statSync(path).size;
  log(`file        ${path} (${bytes.toLocaleString('en')} bytes); page cache warmed in ${(await warmCache(path)).toFixed(1)} s`);
  // The commit of this tree; a --enclave DIR unpacked by `git archive` has none: name its commit in DIR's name.
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  ensureBuildIn(dir, !!values.rebuild);
  const base = await startServer(4180, dir);
  const loads = [load()];
  log(`(a) the studio in headless Chromium ${chromiumVersion() ?? '?'} at ${base}${dir === ROOT ? '' : ` (from ${dir})`}`);
  const mlpEpochs = values['mlp-epochs'] ? Number(values['mlp-epochs']) : undefined;
  const b = await browserSide(base, path, { iterations, mlpEpochs, backend: values.backend, stageMs, promote: !values['no-promote'], reload: !!values['reload-before-train'] });
  loads.push(load());

  let p: PeerReport | null = null;
  let peer: { wallSeconds: number; peakRssBytes: number } | null = null;
  if (!values['no-peer']) {
    log(`(b) ${PYTHON} bench/scale/sklearn_train.py ${basename(path)} ${seed} ...`);
    const m = await measure('sklearn_train.py', PYTHON, [join(ROOT, 'bench', 'scale', 'sklearn_train.py'), path, seed]);
    p = JSON.parse(m.stdout.trim().split('\n').at(-1)!) as PeerReport;
    peer = m;
    loads.push(load());
    log(`    ${m.wallSeconds.toFixed(1)} s, peak ${gb(m.peakRssBytes)}`);
  }

  const st = (n: StageName) => b.stages.find((x) => x.stage === n);
  const ms = (n: StageName) => (st(n)?.outcome === 'done' ? st(n)!.wallMs : null);
  const survived = b.stages.length > 0 && b.stages.every((x) => x.outcome === 'done') && ms('train') !== null;
  const studioMs = survived ? (ms('import') ?? 0) + (ms('prepare') ?? 0) + (ms('train') ?? 0) + (ms('promote') ?? 0) : null;
  const ratio = (a: number | null, x: number | undefined) => (a === null || !x ? null : a / 1000 / x);
  const r = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const peerParts = p ? { import: p.read_seconds, prepare: p.split_seconds + p.prepare_seconds, train: p.fit_seconds, promote: p.score_seconds } : null;
  const timeRatio = studioMs !== null && peer ? studioMs / 1000 / peer.wallSeconds : null;
  const memRatio = peer ? b.peakRss / peer.peakRssBytes : null;
  const pssRatio = peer ? b.peakPss / peer.peakRssBytes : null;
  const accDiff = b.testAccuracy !== null && p ? b.testAccuracy - p.accuracy.test : null;

  log('\n## Report');
  log(`data        ${basename(path)}: ${b.rowsShown ?? '?'} rows shown; splits ${b.splitSizes ?? '—'}${p ? ` (peer ${p.rows.train}/${p.rows.validation}/${p.rows.test}, ${p.features} features)` : ''}`);
  log(`machine     ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; ${dir === ROOT ? `this tree (HEAD ${commit} + uncommitted work)` : `studio served from ${dir} (this tree's HEAD: ${commit})`}; ${b.userAgent ?? ''}; navigator.deviceMemory ${b.deviceMemory}`);
  log(`load avg    ${loads.join(' → ')} (1, 5, 15 min: start → after Chromium → after the peer)`);
  log(`run         ${b.run ?? '—'}`);
  if (b.scaleWarning) log(`scale note  ${b.scaleWarning.replace(/\s+/g, ' ')}`);
  if (b.died) log(`TAB DIED    ${b.died}`);
  log('');
  log('| stage | Chromium (click → done) | outcome | summed RSS at start → peak (PSS ≥) | progress / Cancel shown | longest main-thread task | pandas + scikit-learn | ratio |');
  log('|---|---|---|---|---|---|---|---|');
  const peerName: Record<StageName, string> = { import: 'read_csv', prepare: 'split + ColumnTransformer', train: 'fit (lbfgs)', promote: 'score' };
  for (const x of b.stages) {
    const pp = peerParts?.[x.stage];
    log(`| ${x.stage} | ${sec(x.wallMs)} | ${x.outcome}${x.message ? `: ${x.message.slice(0, 160)}` : ''} | ${gb(x.startRss)} → ${gb(x.memory.peakRss)} (${gb(x.memory.peakPss)}) | ${x.outcome === 'crashed' ? 'page gone' : `${x.progressShown ? 'yes' : 'no'} / ${x.cancelShown ? 'yes' : 'no'}`} | ${x.outcome === 'crashed' ? '—' : `${x.longestTaskMs.toFixed(0)} ms`} | ${pp === undefined ? '—' : `${pp.toFixed(1)} s (${peerName[x.stage]})`} | ${x.outcome === 'done' ? r(ratio(x.wallMs, pp)) : '—'} |`);
  }
  log(`| **whole** | **${studioMs === null ? 'did not finish' : sec(studioMs)}** | | **${gb(b.peakRss)} (${gb(b.peakPss)})** | | | **${peer ? `${peer.wallSeconds.toFixed(1)} s, ${gb(peer.peakRssBytes)}` : '—'}** | **time ${r(timeRatio)}, memory ${r(memRatio)} (PSS ${r(pssRatio)})** |`);
  for (const x of b.stages) if (Object.keys(x.parts).length) log(`  ${x.stage}: ${Object.entries(x.parts).map(([k, v]) => `${k} ${sec(v)}`).join(' · ')}`);
  log(`  import measure 'enclave:import': ${b.importMeasureMs === null ? '—' : sec(b.importMeasureMs)}; Chromium baseline before the import ${gb(b.baselineRss)} (peak − baseline ${gb(b.peakRss - b.baselineRss)}); at the peak: ${Object.entries(b.peakByType).map(([k, v]) => `${k} ${gb(v)}`).join(', ')}`);
  log(`accuracy    validation ${b.validationAccuracy === null ? '—' : pct(b.validationAccuracy)}, test ${b.testAccuracy === null ? '—' : pct(b.testAccuracy)} (peer: validation ${p ? pct(p.accuracy.validation) : '—'}, test ${p ? pct(p.accuracy.test) : '—'}, ${p?.n_iter ?? '—'} iterations)`);
  const goals = {
    tab_survives: survived,
    time: timeRatio !== null && timeRatio <= 1.0,
    memory: memRatio !== null && memRatio <= 1.0,
    accuracy: accDiff !== null && Math.abs(accDiff) <= 0.001,
  };
  const word = (ok: boolean) => (ok ? 'met' : 'NOT met');
  log(`goals       tab survives every stage: ${word(goals.tab_survives)} · time ratio ≤ 1.0: ${word(goals.time)} (${r(timeRatio)}) · peak ≤ the peer's: ${word(goals.memory)} (${r(memRatio)}; PSS ${r(pssRatio)}) · test accuracy within 0.1 point: ${word(goals.accuracy)} (${accDiff === null ? '—' : (accDiff * 100).toFixed(2)})`);
  log(JSON.stringify({
    file: basename(path), bytes, commit, served_from: dir, load_avg: loads, device_memory: b.deviceMemory, died: b.died,
    chromium: {
      stages: b.stages.map((x) => ({ stage: x.stage, outcome: x.outcome, message: x.message, seconds: +(x.wallMs / 1000).toFixed(2), parts_seconds: Object.fromEntries(Object.entries(x.parts).map(([k, v]) => [k, +(v / 1000).toFixed(2)])), start_rss_bytes: x.startRss, peak_rss_bytes: x.memory.peakRss, peak_pss_bytes: x.memory.peakPss, progress: x.progressShown, cancel: x.cancelShown, longest_task_ms: Math.round(x.longestTaskMs) })),
      import_measure_seconds: b.importMeasureMs === null ? null : +(b.importMeasureMs / 1000).toFixed(2),
      seconds: studioMs === null ? null : +(studioMs / 1000).toFixed(2), baseline_rss_bytes: b.baselineRss, peak_rss_bytes: b.peakRss, peak_pss_bytes: b.peakPss,
      validation_accuracy: b.validationAccuracy, test_accuracy: b.testAccuracy, run: b.run,
    },
    peer: p && peer ? { seconds: +peer.wallSeconds.toFixed(2), read_seconds: +p.read_seconds.toFixed(2), split_seconds: +p.split_seconds.toFixed(2), prepare_seconds: +p.prepare_seconds.toFixed(2), fit_seconds: +p.fit_seconds.toFixed(2), score_seconds: +p.score_seconds.toFixed(2), peak_rss_bytes: peer.peakRssBytes, test_accuracy: p.accuracy.test, validation_accuracy: p.accuracy.validation, n_iter: p.n_iter } : null,
    time_ratio: timeRatio === null ? null : +timeRatio.toFixed(3), memory_ratio: memRatio === null ? null : +memRatio.toFixed(3), pss_memory_ratio: pssRatio === null ? null : +pssRatio.toFixed(3),
    accuracy_difference_points: accDiff === null ? null : +(accDiff * 100).toFixed(3), goals_met: goals,
  }));
}

main()
  .catch((err) => {
    console.error(`bench/scale (Chromium) failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
