/** A string column's dictionary: a code per distinct text in order of first appearance, and what its type needs. */
export class Dictionary {
  private readonly codes = new Map<string, number>();
  /** The texts, by code. */
  readonly list: string[] = [];
  /** Total length of the distinct texts, and how many hold a space (for stringType). */
  totalLength = 0;
  withSpace = 0;

  /** The code of `s`, a new one when it is new. */
  code(s: string): number {
    let code = this.codes.get(s);
    if (code === undefined) {
      code = this.list.length;
      this.codes.set(s, code);
      this.list.push(s);
      this.totalLength += s.length;
      if (s.includes(' ')) this.withSpace++;
    }
    return code;
  }
}
