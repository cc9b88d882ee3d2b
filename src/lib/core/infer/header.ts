/** Header names made safe for a table: empty names filled in, duplicates numbered (as pandas does). */

/**
 * Header names made safe: empty names become "column_N", duplicates get a ".1", ".2" suffix (as pandas does).
 * Returns the problems found so a reader can tell the person what it renamed.
 */
export function normaliseHeader(raw: string[]): { names: string[]; renamed: { from: string; to: string; index: number }[] } {
  const names: string[] = [];
  const renamed: { from: string; to: string; index: number }[] = [];
  const seen = new Map<string, number>();
  const taken = new Set(raw.map((s) => s.trim()));
  raw.forEach((r, i) => {
    let name = r.trim();
    if (name === '') {
      name = `column_${i + 1}`;
      while (taken.has(name)) name += '_';
    }
    if (seen.has(name)) {
      let k = seen.get(name)!;
      let candidate: string;
      do candidate = `${name}.${k++}`; while (taken.has(candidate) || seen.has(candidate));
      seen.set(name, k);
      name = candidate;
    }
    seen.set(name, seen.get(name) ?? 1);
    if (name !== r) renamed.push({ from: r, to: name, index: i });
    names.push(name);
  });
  return { names, renamed };
}
