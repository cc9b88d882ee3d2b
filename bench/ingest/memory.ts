/**
 * Memory of a process tree on Linux, sampled from /proc: the summed resident set (VmRSS) of every process whose
 * command line contains a marker (Chromium's --user-data-dir) and of all their descendants, every `intervalMs`.
 *
 * Summed RSS over-counts: pages shared between Chromium's processes (the binary, fonts, shared memory between the
 * renderer and the GPU/browser processes) are counted once per process. PSS (proportional set size, from
 * /proc/PID/smaps_rollup) splits shared pages between their users and so sums correctly; it is costlier to read, so
 * it is sampled only every `pssEvery`-th tick, and its peak is a lower bound of the true peak PSS.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface Proc { pid: number; ppid: number; cmd: string }

export interface MemorySample {
  t: number;
  rss: number;
  /** RSS summed per Chromium process type ('browser' for the main process, else its --type=). */
  byType: Record<string, number>;
  processes: number;
}

export interface MemoryStats {
  /** Peak summed RSS in bytes, and the breakdown by process type at that moment. */
  peakRss: number;
  peakByType: Record<string, number>;
  peakPss: number;
  samples: number;
  maxProcesses: number;
}

function readProcs(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // pid (comm) state ppid ...: comm may contain spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ');
      out.push({ pid: Number(name), ppid, cmd });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

/** The processes whose command line contains `marker`, and all their descendants. */
export function processTree(marker: string): Proc[] {
  const procs = readProcs();
  const children = new Map<number, Proc[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const seen = new Set<number>();
  const stack = procs.filter((p) => p.cmd.includes(marker));
  const tree: Proc[] = [];
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    tree.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return tree;
}

function statusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function processType(cmd: string): string {
  const m = /--type=([\w-]+)/.exec(cmd);
  if (!m) return cmd.includes('chrom') ? 'browser' : 'other';
  const sub = /--utility-sub-type=([\w.-]+)/.exec(cmd);
  return sub ? `utility:${sub[1].split('.').pop()}` : m[1];
}

export function sampleTree(marker: string): MemorySample & { pids: number[] } {
  const tree = processTree(marker);
  const byType: Record<string, number> = {};
  let rss = 0;
  for (const p of tree) {
    const r = statusKb(p.pid, 'VmRSS');
    rss += r;
    const type = processType(p.cmd);
    byType[type] = (byType[type] ?? 0) + r;
  }
  return { t: performance.now(), rss, byType, processes: tree.length, pids: tree.map((p) => p.pid) };
}

/** Samples the tree until stop(); `reset()` starts a new peak window (e.g. after the baseline). */
export class TreeSampler {
  private timer: NodeJS.Timeout | null = null;
  private tick = 0;
  private stats: MemoryStats = TreeSampler.empty();
  last: MemorySample | null = null;

  constructor(private marker: string, private intervalMs = 100, private pssEvery = 10) {}

  private static empty(): MemoryStats {
    return { peakRss: 0, peakByType: {}, peakPss: 0, samples: 0, maxProcesses: 0 };
  }

  sampleNow(): MemorySample {
    const s = sampleTree(this.marker);
    const st = this.stats;
    st.samples++;
    st.maxProcesses = Math.max(st.maxProcesses, s.processes);
    if (s.rss > st.peakRss) { st.peakRss = s.rss; st.peakByType = s.byType; }
    if (this.tick++ % this.pssEvery === 0) {
      let pss = 0;
      for (const pid of s.pids) pss += pssBytes(pid);
      st.peakPss = Math.max(st.peakPss, pss);
    }
    this.last = s;
    return s;
  }

  start(): this {
    this.sampleNow();
    this.timer = setInterval(() => this.sampleNow(), this.intervalMs);
    return this;
  }

  reset(): void {
    this.stats = TreeSampler.empty();
    this.tick = 0;
  }

  /** Stops sampling (one last sample first) and returns the stats since the last reset. */
  stop(): MemoryStats {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sampleNow();
    return this.stats;
  }

  read(): MemoryStats {
    return { ...this.stats };
  }
}
