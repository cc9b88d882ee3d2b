/** Test helper: a Map-backed localStorage for Node, installed for the duration of `fn`. Not a test file. */
export function fakeLocalStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() { return m.size; },
    key: (i: number) => [...m.keys()][i] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, String(v)),
    removeItem: (k: string) => void m.delete(k),
    clear: () => m.clear()
  };
}

export async function withLocalStorage<T>(fn: () => T | Promise<T>): Promise<T> {
  const previous = globalThis.localStorage;
  globalThis.localStorage = fakeLocalStorage();
  try {
    return await fn();
  } finally {
    globalThis.localStorage = previous;
  }
}
