/**
 * How many rows of each class go to each split: a controlled rounding of the exact counts e[c][s] = fraction[s] · n[c].
 * Every count is ⌊e⌋ or ⌈e⌉ (so each split's share of each class is within one row of exact), every class's counts add
 * up to its size, and — whenever the class constraints allow it — every split's total is within one row of
 * fraction · rows as well (largest-remainder allocation in both directions at once). The rounding is a feasible flow:
 *   source → class (exactly its leftover rows R = n − Σ⌊e⌋) → split (0 or 1 extra row, only where e is fractional;
 *   exactly 1 where e < 1, so no class is absent from a split) → sink (between ⌊C⌋ and ⌈C⌉, C = the split's
 *   fractional parts summed).
 * The fractional solution (the remainders themselves) is feasible, so an integral one exists (integral flow theorem)
 * unless a "must appear" cell conflicts; then the split bounds are widened step by step. Edges are tried in order of
 * descending remainder, so ties go to the largest remainders as classic largest-remainder rounding would.
 */
import { FlowNetwork, maxFlow } from './flow.ts';

export interface Allocation {
  /** counts[c][s]: rows of class c in split s. */
  counts: number[][];
  /** Classes that cannot appear in every split with a positive fraction (too few rows); counts are then not computed. */
  tooSmall: number[];
}

const SNAP = 1e-9;
const snap = (x: number) => (Math.abs(x - Math.round(x)) < SNAP ? Math.round(x) : x);

export function allocate(sizes: readonly number[], fractions: readonly number[]): Allocation {
  const k = sizes.length, S = fractions.length;
  const floors: number[][] = [], rem: number[][] = [], leftover: number[] = [];
  const tooSmall: number[] = [];
  const colRem = new Array<number>(S).fill(0);
  for (let c = 0; c < k; c++) {
    const f: number[] = [], r: number[] = [];
    let forced = 0;
    for (let s = 0; s < S; s++) {
      const e = snap(fractions[s] * sizes[c]);
      f.push(Math.floor(e));
      r.push(e - Math.floor(e));
      if (fractions[s] > 0 && Math.floor(e) === 0) forced++;
      colRem[s] += e - Math.floor(e);
    }
    floors.push(f);
    rem.push(r);
    leftover.push(sizes[c] - f.reduce((a, b) => a + b, 0));
    if (forced > leftover[c]) tooSmall.push(c);
  }
  if (tooSmall.length) return { counts: [], tooSmall };

  for (let widen = 0; ; widen = widen === 0 ? 1 : widen * 2) {
    const extra = roundRemainders(leftover, floors, rem, fractions, colRem.map(snap), widen);
    if (extra) return { counts: floors.map((f, c) => f.map((x, s) => x + extra[c][s])), tooSmall: [] };
    if (widen > 2 * k + 2) throw new Error('split allocation: no feasible rounding (unreachable)');
  }
}

/** 0/1 extras per cell, or null when no rounding keeps every split within `widen` rows of its fractional total. */
function roundRemainders(leftover: number[], floors: number[][], rem: number[][], fractions: readonly number[], colRem: number[], widen: number): number[][] | null {
  const k = leftover.length, S = fractions.length;
  // Nodes: 0 source, 1 sink, 2 super-source, 3 super-sink, classes 4.., splits after.
  const SRC = 0, SNK = 1, SS = 2, TT = 3, cls = (c: number) => 4 + c, spl = (s: number) => 4 + k + s;
  const net = new FlowNetwork(4 + k + S);
  const excess = new Array<number>(4 + k + S).fill(0);
  const bounded = (u: number, v: number, lo: number, hi: number) => {
    excess[v] += lo;
    excess[u] -= lo;
    return net.addEdge(u, v, hi - lo);
  };
  for (let c = 0; c < k; c++) bounded(SRC, cls(c), leftover[c], leftover[c]);
  const cell: { c: number; s: number; edge: number; lo: number }[] = [];
  for (let c = 0; c < k; c++) {
    const order = [...Array(S).keys()].filter((s) => rem[c][s] > 0).sort((a, b) => rem[c][a] - rem[c][b] || b - a);
    // Adjacency lists are walked last-added first: add the smallest remainders first so the largest are tried first.
    for (const s of order) {
      const must = fractions[s] > 0 && floors[c][s] === 0 ? 1 : 0;
      cell.push({ c, s, edge: bounded(cls(c), spl(s), must, 1), lo: must });
    }
  }
  for (let s = 0; s < S; s++) {
    const lo = Math.max(0, Math.floor(colRem[s]) - widen), hi = Math.ceil(colRem[s]) + widen;
    bounded(spl(s), SNK, lo, hi);
  }
  net.addEdge(SNK, SRC, Infinity);
  let need = 0;
  for (let v = 0; v < excess.length; v++) {
    if (excess[v] > 0) { net.addEdge(SS, v, excess[v]); need += excess[v]; }
    else if (excess[v] < 0) net.addEdge(v, TT, -excess[v]);
  }
  if (maxFlow(net, SS, TT) < need) return null;
  const extra = leftover.map(() => new Array<number>(S).fill(0));
  for (const { c, s, edge, lo } of cell) extra[c][s] = lo + net.flow(edge);
  return extra;
}
