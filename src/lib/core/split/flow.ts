/** A small max-flow (Dinic) for the split allocation: a few thousand nodes at most, integer capacities. */
export class FlowNetwork {
  readonly head: Int32Array;
  readonly to: number[] = [];
  readonly cap: number[] = [];
  readonly next: number[] = [];
  private readonly initial: number[] = [];

  constructor(readonly size: number) {
    this.head = new Int32Array(size).fill(-1);
  }

  /** Adds u → v with capacity c (and its residual twin); returns the edge id. */
  addEdge(u: number, v: number, c: number): number {
    const id = this.to.length;
    this.push(u, v, c);
    this.push(v, u, 0);
    return id;
  }

  private push(u: number, v: number, c: number): void {
    this.to.push(v);
    this.cap.push(c);
    this.initial.push(c);
    this.next.push(this.head[u]);
    this.head[u] = this.to.length - 1;
  }

  /** Flow now on edge `id`. */
  flow(id: number): number {
    return this.initial[id] - this.cap[id];
  }
}

export function maxFlow(g: FlowNetwork, s: number, t: number): number {
  const level = new Int32Array(g.size);
  const it = new Int32Array(g.size);
  const queue = new Int32Array(g.size);
  let total = 0;
  const bfs = (): boolean => {
    level.fill(-1);
    level[s] = 0;
    let qh = 0, qt = 0;
    queue[qt++] = s;
    while (qh < qt) {
      const u = queue[qh++];
      for (let e = g.head[u]; e !== -1; e = g.next[e])
        if (g.cap[e] > 0 && level[g.to[e]] < 0) {
          level[g.to[e]] = level[u] + 1;
          queue[qt++] = g.to[e];
        }
    }
    return level[t] >= 0;
  };
  const dfs = (u: number, f: number): number => {
    if (u === t) return f;
    for (; it[u] !== -1; it[u] = g.next[it[u]]) {
      const e = it[u], v = g.to[e];
      if (g.cap[e] > 0 && level[v] === level[u] + 1) {
        const d = dfs(v, Math.min(f, g.cap[e]));
        if (d > 0) {
          g.cap[e] -= d;
          g.cap[e ^ 1] += d;
          return d;
        }
      }
    }
    return 0;
  };
  while (bfs()) {
    it.set(g.head);
    for (let f = dfs(s, Infinity); f > 0; f = dfs(s, Infinity)) total += f;
  }
  return total;
}
