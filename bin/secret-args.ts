/**
 * Join codes, tokens and federation ids are base64url: they may begin with "-", which node:util's parseArgs takes for
 * an option ("--token -x…" is "ambiguous"). Written as "--token=-x…" they are plain values: this joins such options
 * to their next argument before parsing.
 */
export function glueValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (names.includes(a) && i + 1 < args.length) out.push(`${a}=${args[++i]}`);
    else out.push(a);
  }
  return out;
}
