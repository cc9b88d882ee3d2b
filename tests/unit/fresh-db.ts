/** Test databases (fake-indexeddb): each test gets fresh ones, closed and deleted after it. */
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import { createDb, type EnclaveDB } from '../../src/lib/store/db.ts';

/** Call at the top of a test file; the function it returns opens a fresh database named `prefix-<uuid>`. */
export function freshDatabases(prefix: string): () => EnclaveDB {
  const open: EnclaveDB[] = [];
  afterEach(async () => {
    for (const d of open.splice(0)) {
      d.close();
      await d.delete();
    }
  });
  return () => {
    const d = createDb(`${prefix}-${crypto.randomUUID()}`);
    open.push(d);
    return d;
  };
}
