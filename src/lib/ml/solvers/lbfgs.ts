/**
 * L-BFGS in float64 (Nocedal & Wright, algorithms 7.4 and 3.5/3.6): a two-loop recursion over the last `m` steps and a
 * strong-Wolfe line search (c1 1e-4, c2 0.9) with safeguarded cubic interpolation. It stops as scipy's L-BFGS-B does
 * for scikit-learn: max |gradient| ≤ gtol, or a relative decrease of the objective ≤ ftol, or maxIter iterations.
 * The objective is async so that a large one can yield to the event loop (and throw on cancel) while it evaluates.
 */
import { EnclaveError } from '../../core/errors.ts';

/** f(x), writing ∇f(x) into `g`. */
export type Objective = (x: Float64Array, g: Float64Array) => Promise<number>;

export interface LbfgsOptions {
  maxIter: number;
  /** History pairs kept (scipy's default 10). */
  m?: number;
  /** Stop when max |∇f| ≤ gtol (scikit-learn passes its `tol`, 1e-4). */
  gtol?: number;
  /** Stop when (f_k − f_k+1) / max(|f_k|, |f_k+1|, 1) ≤ ftol (scipy's factr 1e7 · eps). */
  ftol?: number;
  /** Objective evaluations allowed per line search (scipy's maxls 20). */
  maxLineSearch?: number;
  /** After each accepted step: iteration number (from 1), its f and x. May yield or throw (cancel). */
  onIteration?: (iteration: number, f: number, x: Float64Array) => void | Promise<void>;
}

export type StopReason = 'gtol' | 'ftol' | 'max-iter' | 'line-search';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** Iterations taken (accepted steps). */
  iterations: number;
  reason: StopReason;
  /** Max |∇f| at x. */
  gradMax: number;
}

const C1 = 1e-4;
const C2 = 0.9;

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

interface Point {
  a: number;
  f: number;
  /** Directional derivative ∇f(x + a·d) · d. */
  dg: number;
  x: Float64Array;
  g: Float64Array;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db); NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/** A step along d satisfying the strong Wolfe conditions, or null when none was found within `maxEvals`. */
async function lineSearch(fg: Objective, x: Float64Array, f0: number, dg0: number, d: Float64Array, a1: number, maxEvals: number): Promise<Point | null> {
  let evals = 0;
  const at = async (a: number): Promise<Point> => {
    evals++;
    const xa = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) xa[i] = x[i] + a * d[i];
    const g = new Float64Array(x.length);
    const f = await fg(xa, g);
    return { a, f, dg: dot(g, d), x: xa, g };
  };
  const wolfe = (p: Point) => Math.abs(p.dg) <= -C2 * dg0;
  const armijo = (p: Point) => p.f <= f0 + C1 * p.a * dg0;
  // Zoom between lo (sufficient decrease, lowest f so far) and hi; they may be in either order.
  const zoom = async (lo: Point | null, loA: number, loF: number, loDg: number, hi: { a: number; f: number; dg: number }): Promise<Point | null> => {
    while (evals < maxEvals) {
      const [left, right] = loA < hi.a ? [loA, hi.a] : [hi.a, loA];
      const width = right - left;
      if (width <= 1e-16 * Math.max(1, right)) break;
      let a = cubicMin(loA, loF, loDg, hi.a, hi.f, hi.dg);
      if (!(a > left + 0.1 * width && a < right - 0.1 * width)) a = (left + right) / 2;
      const p = await at(a);
      if (!Number.isFinite(p.f) || !armijo(p) || p.f >= loF) hi = p;
      else {
        if (wolfe(p)) return p;
        if (p.dg * (hi.a - loA) >= 0) hi = { a: loA, f: loF, dg: loDg };
        lo = p;
        [loA, loF, loDg] = [p.a, p.f, p.dg];
      }
    }
    // Out of evaluations: a point with sufficient decrease still makes progress (scipy accepts likewise).
    return lo;
  };
  let prev = { a: 0, f: f0, dg: dg0 };
  let prevPoint: Point | null = null;
  let a = a1;
  while (evals < maxEvals) {
    const p = await at(a);
    if (!Number.isFinite(p.f) || !armijo(p) || (evals > 1 && p.f >= prev.f)) return zoom(prevPoint, prev.a, prev.f, prev.dg, p);
    if (wolfe(p)) return p;
    if (p.dg >= 0) return zoom(p, p.a, p.f, p.dg, prev);
    prev = p;
    prevPoint = p;
    a *= 2;
  }
  return prevPoint;
}

export async function lbfgs(fg: Objective, x0: Float64Array, opts: LbfgsOptions): Promise<LbfgsResult> {
  const m = opts.m ?? 10;
  const gtol = opts.gtol ?? 1e-5;
  const ftol = opts.ftol ?? 1e7 * Number.EPSILON;
  const maxLs = opts.maxLineSearch ?? 20;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(x.length);
  let f = await fg(x, g);
  if (!Number.isFinite(f)) throw new EnclaveError('non-finite', `The objective is ${f} at the starting point.`, { value: String(f) });
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  let iterations = 0;
  let reason: StopReason = 'max-iter';
  if (maxAbs(g) <= gtol) return { x, f, iterations, reason: 'gtol', gradMax: maxAbs(g) };
  while (iterations < opts.maxIter) {
    // Two-loop recursion: d = −H g, H0 = (sᵀy / yᵀy) I from the newest pair.
    const d = g.map((v) => -v);
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], d);
      for (let i = 0; i < d.length; i++) d[i] -= alpha[j] * Y[j][i];
    }
    if (S.length) {
      const last = S.length - 1;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < d.length; i++) d[i] *= gamma;
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], d);
      for (let i = 0; i < d.length; i++) d[i] += S[j][i] * (alpha[j] - beta);
    }
    let dg0 = dot(g, d);
    if (!(dg0 < 0)) {
      // Not a descent direction (curvature lost to rounding): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < d.length; i++) d[i] = -g[i];
      dg0 = dot(g, d);
    }
    // The first step is scaled to unit length (the size of a step is unknown until there is curvature).
    const a1 = S.length ? 1 : Math.min(1, 1 / Math.sqrt(-dg0));
    const p = await lineSearch(fg, x, f, dg0, d, a1, maxLs);
    if (!p) {
      if (S.length === 0) {
        reason = 'line-search';
        break;
      }
      S.length = Y.length = rho.length = 0;
      continue;
    }
    const s = p.x.map((v, i) => v - x[i]);
    const y = p.g.map((v, i) => v - g[i]);
    const sy = dot(s, y);
    // Keep a pair only with positive curvature, so H stays positive definite.
    if (sy > Number.EPSILON * dot(y, y)) {
      if (S.length === m) (S.shift(), Y.shift(), rho.shift());
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const fPrev = f;
    [x, g, f] = [p.x, p.g, p.f];
    iterations++;
    await opts.onIteration?.(iterations, f, x);
    if (maxAbs(g) <= gtol) {
      reason = 'gtol';
      break;
    }
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) {
      reason = 'ftol';
      break;
    }
  }
  return { x, f, iterations, reason, gradMax: maxAbs(g) };
}
