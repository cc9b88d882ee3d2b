/**
 * Where a JSON text goes wrong, for error messages. JSON.parse reports positions differently in each engine (and
 * Safari not at all), so after it fails we scan the text ourselves. Iterative, so deep nesting cannot overflow.
 */

export interface JsonProblem {
  /** 0-based offset into the text. */
  offset: number;
  line: number;
  column: number;
  /** What is wrong, for a person ("expected ',' or '}' after a value"). */
  message: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WS = /[ \t\n\r]*/y;

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) { line++; start = i + 1; }
  return { line, column: offset - start + 1 };
}

function describe(text: string, i: number): string {
  if (i >= text.length) return 'the end of the file';
  const c = text[i];
  return c === '\n' || c === '\r' ? 'a line break' : `'${c}'`;
}

/** The first syntax problem in `text`, or null when it is valid JSON. */
export function findJsonError(text: string): JsonProblem | null {
  const stack: string[] = []; // '{' or '['
  const at = (offset: number, message: string): JsonProblem => ({ offset, ...lineColumn(text, offset), message });
  let i = 0;
  const ws = () => { WS.lastIndex = i; WS.exec(text); i = WS.lastIndex; };
  // Either a value (or, in an object, a key) is expected next, or a value just ended.
  let expectValue = true;
  let expectKey = false;
  for (;;) {
    ws();
    if (expectValue || expectKey) {
      const c = text[i];
      if (i >= text.length) {
        const top = stack[stack.length - 1];
        return at(i, top ? `the file ends before a '${top}' is closed` : 'there is no JSON value');
      }
      if (expectKey) {
        if (c === '}' && lastSignificant(text, i) === '{') { stack.pop(); i++; expectKey = false; expectValue = false; continue; }
        if (c !== '"') return at(i, `expected a property name in double quotes but found ${describe(text, i)}`);
      } else if (c === ']' && lastSignificant(text, i) === '[') { stack.pop(); i++; expectValue = false; continue; }
      if (c === '"') {
        const start = i++;
        for (;;) {
          if (i >= text.length) return at(start, 'a string starting here is never closed');
          const ch = text.charCodeAt(i);
          if (ch === 34) { i++; break; }
          if (ch < 32) return at(i, 'a string contains a raw line break or control character (use \\n)');
          if (ch === 92) {
            const e = text[i + 1];
            if (e === 'u') {
              if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return at(i, 'invalid \\u escape in a string');
              i += 6;
            } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
            else return at(i, 'invalid escape in a string');
          } else i++;
        }
        if (expectKey) {
          ws();
          if (text[i] !== ':') return at(i, `expected ':' after a property name but found ${describe(text, i)}`);
          i++;
          expectKey = false;
          expectValue = true; // the property's value comes next
          continue;
        }
      } else if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        if (c === '{') { expectKey = true; expectValue = false; }
        continue;
      } else if (c !== undefined && (c === '-' || (c >= '0' && c <= '9'))) {
        NUMBER.lastIndex = i;
        if (!NUMBER.exec(text)) return at(i, 'invalid number');
        i = NUMBER.lastIndex;
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else return at(i, `expected a value but found ${describe(text, i)}`);
      expectValue = false;
      continue;
    }
    // A value just ended.
    const top = stack[stack.length - 1];
    const c = text[i];
    if (top === undefined) return i >= text.length ? null : at(i, `unexpected ${describe(text, i)} after the end of the JSON value`);
    const close = top === '{' ? '}' : ']';
    if (c === ',') { i++; if (top === '{') expectKey = true; else expectValue = true; continue; }
    if (c === close) { stack.pop(); i++; continue; }
    if (i >= text.length) return at(i, `the file ends before a '${top}' is closed`);
    return at(i, `expected ',' or '${close}' after a value but found ${describe(text, i)}`);
  }
}

/** The last non-whitespace character before i (to tell '[]' from '[1,]'). */
function lastSignificant(text: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && ' \t\n\r'.includes(text[j])) j--;
  return text[j] ?? '';
}

/**
 * How deep `text` nests objects and arrays (brackets outside strings), stopping once past `limit`. Iterative: for
 * engines whose JSON.parse recurses and fails on deep input, this tells that failure from a syntax error.
 */
export function nestingDepth(text: string, limit = Infinity): number {
  let depth = 0, max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) { // a string: skip to its closing quote
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
