/**
 * The source table the data worker holds between jobs, by its content hash: the table an import has just stored, or
 * the one a prepare or recipe preview read back. Preparing a table straight after importing it then reads nothing
 * back from storage (at 5M rows × 20 columns, 2.4 s of the prepare in a Chromium tab). One table at most: the next
 * import or load replaces it, and a large prepare lets it go once split (prepare-job.ts).
 *
 * After a large import the page replaces the data worker (its garbage goes with it) and the table moves to the new
 * one: sendSource here, receiveSource there, over a MessageChannel, its memory moved, not copied.
 */
import { releaseTable, type Column, type Table } from '../core/table.ts';

let kept: { hash: string; table: Table } | null = null;

/** Keeps `table`; a table kept before is released (jobs run one at a time here, so no other job is using it). */
export function keepSource(hash: string, table: Table): void {
  if (kept && kept.table !== table) releaseTable(kept.table);
  kept = { hash, table };
}

/** The table kept for `hash`, if that is the one kept. */
export function keptSource(hash: string): Table | null {
  return kept?.hash === hash ? kept.table : null;
}

/** Lets the kept table go; `release`: its memory at once (releaseTable), when no one else holds it. */
export function dropSource(release = false): void {
  if (release && kept) releaseTable(kept.table);
  kept = null;
}

/**
 * Posts the kept table (or null) over `port` and lets it go here. Its buffers are moved; those in shared memory are
 * copied into plain ones first, since shared memory is freed only once every thread that held it has collected it —
 * the prepare that follows releases its source part way through (at 5M rows, 0.8 GB that would otherwise stay).
 */
export function sendSource(port: MessagePort): void {
  const k = kept;
  kept = null;
  if (!k) port.postMessage(null);
  else {
    const { table, transfer } = movable(k.table);
    port.postMessage({ hash: k.hash, table }, transfer);
  }
  port.close();
}

/**
 * Keeps the table that sendSource posts on `port` (the other end), once it comes; false when null, something else or
 * nothing (within `timeoutMs`) came. What comes is checked: only a well-formed table is kept.
 */
export function receiveSource(port: MessagePort, timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      port.onmessage = null;
      port.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    port.onmessage = (e: MessageEvent) => {
      const got = e.data as { hash?: unknown; table?: unknown } | null;
      if (got && typeof got.hash === 'string' && isTable(got.table)) {
        keepSource(got.hash, got.table);
        done(true);
      } else done(false);
    };
  });
}

type Cells = Float64Array | Int32Array | Uint8Array;

/** The table with its arrays in plain memory (shared ones copied, each once), and the buffers to move. */
function movable(table: Table): { table: Table; transfer: ArrayBuffer[] } {
  const copies = new Map<Cells, Cells>();
  const transfer = new Set<ArrayBuffer>();
  const plain = <A extends Cells>(a: A): A => {
    if (!(typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer)) {
      transfer.add(a.buffer as ArrayBuffer);
      return a;
    }
    let c = copies.get(a);
    if (!c) copies.set(a, (c = a.slice()));
    transfer.add(c.buffer as ArrayBuffer);
    return c as A;
  };
  const columns = table.columns.map((c): Column =>
    c.kind === 'numeric'
      ? { kind: c.kind, name: c.name, type: c.type, values: plain(c.values), valid: plain(c.valid) }
      : { kind: c.kind, name: c.name, type: c.type, codes: plain(c.codes), dictionary: c.dictionary, valid: plain(c.valid) }
  );
  return { table: { rowCount: table.rowCount, columns }, transfer: [...transfer] };
}

function isTable(t: unknown): t is Table {
  if (!t || typeof t !== 'object') return false;
  const { rowCount, columns } = t as { rowCount?: unknown; columns?: unknown };
  if (!Number.isSafeInteger(rowCount) || (rowCount as number) < 0 || !Array.isArray(columns)) return false;
  const n = rowCount as number;
  return columns.every((c: Partial<Record<string, unknown>> | null) => {
    if (!c || typeof c.name !== 'string' || typeof c.type !== 'string' || !(c.valid instanceof Uint8Array) || c.valid.length !== n) return false;
    if (c.kind === 'numeric') return c.values instanceof Float64Array && c.values.length === n;
    return c.kind === 'string' && c.codes instanceof Int32Array && c.codes.length === n && Array.isArray(c.dictionary) && c.dictionary.every((s) => typeof s === 'string');
  });
}
