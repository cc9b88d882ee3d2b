import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', ...args], { encoding: 'utf8' });

describe('enclave profile FILE', () => {
  it('prints the schema and profile of the penguins as JSON, with the statistics pandas gives', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bin/enclave.ts', 'profile', 'static/samples/penguins.csv'], { encoding: 'utf8' }));
    expect(out).toMatchObject({ file: 'penguins.csv', format: 'csv', delimiter: ',', rows: 344, columnCount: 7, duplicateRows: 0, missingCells: 18 });
    expect(out.hash).toMatch(/^[0-9a-f]{64}$/);
    const byName = Object.fromEntries(out.columns.map((c: { name: string }) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(['Species', 'Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
    expect(out.columns.map((c: { missing: number }) => c.missing)).toEqual([0, 0, 2, 2, 2, 2, 10]);
    expect(byName['Species']).toMatchObject({ type: 'categorical', distinct: 3, top: [{ value: 'Adelie', count: 152 }, { value: 'Gentoo', count: 124 }, { value: 'Chinstrap', count: 68 }] });
    // pandas 1.5.3: df['Body Mass (g)'].mean(), .std(), .quantile([.05,.25,.5,.75,.95])
    const mass = byName['Body Mass (g)'];
    expect(mass.type).toBe('integer');
    expect(mass.mean).toBeCloseTo(4201.754385964912, 9);
    expect(mass.std).toBeCloseTo(801.9545356980954, 9);
    expect(mass.quantiles).toEqual({ p5: 3150, p25: 3550, p50: 4050, p75: 4750, p95: 5650 });
    expect(mass.histogram.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(342);
    expect(out.correlations.columns).toHaveLength(4);
  });

  it('exits 2 with a coded JSON error for a missing file, and for an unknown command', () => {
    const missing = run('profile', 'no/such/file.csv');
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stderr).error.code).toBe('not-found');
    const unknown = run('frobnicate');
    expect(unknown.status).toBe(2);
    expect(JSON.parse(unknown.stderr).error.code).toBe('invalid-argument');
  });
});

describe('enclave prepare FILE --recipe R --target COL', () => {
  it('splits 60/20/20 stratified on the target, fits on train, and prints sizes, fitted state and the validation report', () => {
    const r = run('prepare', 'static/samples/penguins.csv', '--recipe', 'tests/fixtures/penguins-recipe.json', '--target', 'Species', '--seed', '42');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.split).toMatchObject({ method: 'stratified', seed: 42, fractions: [0.6, 0.2, 0.2] });
    expect(out.sizes.train + out.sizes.validation + out.sizes.test).toBe(344);
    // Class shares within one row of exact: Adelie 152, Gentoo 124, Chinstrap 68 at 60/20/20.
    for (const c of out.validation.comparison.target.classes) {
      const total = c.counts.train + c.counts.validation + c.counts.test;
      expect(Math.abs(c.counts.train - 0.6 * total)).toBeLessThanOrEqual(1);
      expect(Math.abs(c.counts.validation - 0.2 * total)).toBeLessThanOrEqual(1);
      expect(Math.abs(c.counts.test - 0.2 * total)).toBeLessThanOrEqual(1);
    }
    expect(out.columns.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['Island=Biscoe', 'Island=Dream', 'Island=Torgersen', 'Sex=FEMALE', 'Sex=MALE']));
    expect(out.fitted.steps).toHaveLength(4);
    expect(out.validation.blocking).toEqual([]);
  });

  it('gives the same output for the same seed, and a coded error for a recipe naming a missing column', () => {
    const a = run('prepare', 'static/samples/penguins.csv', '--recipe', 'tests/fixtures/penguins-recipe.json', '--target', 'Species', '--seed', '7');
    const b = run('prepare', 'static/samples/penguins.csv', '--recipe', 'tests/fixtures/penguins-recipe.json', '--target', 'Species', '--seed', '7');
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const bad = run('prepare', 'static/samples/penguins.csv', '--recipe', 'tests/fixtures/bad-recipe.json', '--target', 'Species');
    expect(bad.status).toBe(2);
    const err = JSON.parse(bad.stderr).error;
    expect(err.code).toBe('invalid-recipe');
    expect(err.message).toMatch(/Step 1 \(scale\)/);
    expect(err.message).toMatch(/Body Mas\b/);
  });
});

describe('--seed: a whole number from 0 to 2³² − 1', () => {
  const refused = (r: ReturnType<typeof run>, text: string) => {
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error).toEqual({ code: 'invalid-argument', message: `--seed must be a whole number from 0 to 4294967295; got "${text}".`, detail: { seed: null } });
  };

  it('prepare refuses an empty seed and one past 2³² − 1 (which would repeat seed 0 and seed 42), and accepts 0 and 2³² − 1', () => {
    for (const text of ['', '4294967338', '-1', '1.5', '1e3']) refused(run('prepare', 'static/samples/penguins.csv', '--target', 'Species', `--seed=${text}`), text);
    for (const seed of [0, 4294967295]) {
      const r = run('prepare', 'static/samples/penguins.csv', '--recipe', 'tests/fixtures/penguins-recipe.json', '--target', 'Species', '--seed', String(seed));
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).split.seed).toBe(seed);
    }
  });

  it('train refuses them too, before any training starts', () => {
    for (const text of ['', '4294967338', '-1']) refused(run('train', 'static/samples/penguins.csv', '--target', 'Species', `--seed=${text}`), text);
  });
});

describe('enclave prepare / train: rows without a target, and columns no model could use', () => {
  const movies = 'node_modules/vega-datasets/data/movies.json';

  it('prepare leaves out the 213 movies without an IMDB Rating before the split and says so in its JSON', () => {
    const r = run('prepare', movies, '--recipe', 'tests/fixtures/movies-recipe.json', '--target', 'IMDB Rating', '--seed', '42');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    // python3: sum(r['IMDB Rating'] is None for r in json.load(open(movies))) == 213, of 3201
    expect(out.rows).toBe(3201);
    expect(out.split).toMatchObject({ method: 'random', rowCount: 2988, excluded: { missingTarget: 213 } });
    expect(out.sizes.train + out.sizes.validation + out.sizes.test).toBe(2988);
  });

  it('prepare refuses a recipe that leaves columns no model can use, naming each with its fix', () => {
    const r = run('prepare', 'static/samples/penguins.csv', '--target', 'Species');
    expect(r.status).toBe(2);
    const err = JSON.parse(r.stderr).error;
    expect(err.code).toBe('invalid-recipe');
    expect(err.message).toContain('"Island" (categorical): one-hot (or ordinal) encode it, or drop it');
    expect(err.message).toContain('"Sex" (categorical)');
    expect(err.message).toMatch(/"Beak Length \(mm\)" has missing values \(.*\): add an impute step/);
  });

  it('train without a recipe drops an identifier and free text, turns a date into parts, and warns of each in its JSON', () => {
    const r = run('train', 'tests/fixtures/customers-with-ids.csv', '--target', 'label', '--algorithm', 'knn', '--seed', '3');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.features).not.toContain('customer_id');
    expect(out.features).not.toContain('comment');
    expect(out.features).toEqual(expect.arrayContaining(['signup_year', 'signup_month', 'signup_weekday', 'size']));
    expect(out.warnings).toEqual([
      '"customer_id" looks like an identifier: left out of the features.',
      '"comment" is free text: left out of the features (a recipe can encode it).',
      '"signup" is a date: the model sees its year, month and weekday.',
    ]);
    expect(out.rows).toMatchObject({ total: 150 });
  }, 60_000);

  it('train on movies.json predicts the IMDB Rating from the 2,988 rows that have one, dropping names and free text', () => {
    const r = run('train', movies, '--target', 'IMDB Rating', '--algorithm', 'linear');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ task: 'regression', excluded: { missingTarget: 213 } });
    expect(out.rows.total).toBe(3201);
    expect(out.rows.train + out.rows.validation + out.rows.test).toBe(2988);
    expect(out.warnings[0]).toBe('213 rows without a value for IMDB Rating were left out before the split.');
    for (const name of ['Title', 'Distributor', 'Director']) {
      expect(out.features).not.toContain(name);
      expect(out.warnings.some((w: string) => w.startsWith(`"${name}" is free text`))).toBe(true);
    }
  }, 60_000);
});

describe('enclave drift REFERENCE CURRENT', () => {
  // The example: target shares 50/50 in reference, 70/30 in current.
  const args = ['drift', 'tests/fixtures/drift-reference.csv', 'tests/fixtures/drift-current.csv'];
  it('PSI is 0.16946 and drifts at 0.1', () => {
    const c = JSON.parse(run(...args, '--test', 'psi').stdout).columns[0];
    expect(c).toMatchObject({ test: 'psi', threshold: 0.1, drifted: true, referenceSize: 100, currentSize: 100 });
    expect(c.statistic).toBeCloseTo(0.16946, 5);
  });
  it('Jensen–Shannon distance (natural log) is 0.14493 and drifts at 0.1', () => {
    const c = JSON.parse(run(...args, '--test', 'jensenshannon').stdout).columns[0];
    expect(c).toMatchObject({ test: 'jensenshannon', logBase: 'e', threshold: 0.1, drifted: true });
    expect(c.statistic).toBeCloseTo(0.14493, 5);
  });
  it('by default picks the test as Evidently does (binary category, ≤ 1000 rows: z-test)', () => {
    const out = JSON.parse(run(...args).stdout);
    expect(out.columns[0]).toMatchObject({ test: 'z', threshold: 0.05, drifted: true });
    expect(out.datasetDrift).toBe(true);
  });
});
