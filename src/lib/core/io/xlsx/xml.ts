/**
 * Just enough XML for the parts of a workbook: attributes of a tag into a Map, element text with entities and
 * OOXML's _xHHHH_ escapes decoded. Tags are found with regular expressions over the part's text; there is no DTD,
 * no external entity, nothing resolved, so a hostile part can only be refused as malformed.
 */
import { invalidXlsx } from './zip.ts';

const ATTR = /([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The attributes of a start tag's text (the part between the name and '>'), values decoded; a Map, keyed by name. */
export function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(tag); m; m = ATTR.exec(tag)) out.set(m[1], decodeText(m[2] ?? m[3] ?? ''));
  return out;
}

const NAMED = new Map([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]]);

/** XML text with its entities (&amp; &#233; &#xE9;) and OOXML's _x000D_ escapes decoded. */
export function decodeText(s: string): string {
  if (s.indexOf('&') >= 0) {
    s = s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (all, e: string) => {
      if (e[0] !== '#') return NAMED.get(e) ?? all;
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    });
  }
  if (s.indexOf('_x') >= 0) s = s.replace(/_x([0-9a-fA-F]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return s;
}

/** The text of every <t> in `xml` joined, leaving out phonetic runs (<rPh>): a shared or inline rich string. */
export function richText(xml: string): string {
  const body = xml.indexOf('<rPh') >= 0 ? xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '') : xml;
  let out = '';
  const T = /<t(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/t>)/g;
  for (let m = T.exec(body); m; m = T.exec(body)) out += decodeText(m[1] ?? '');
  return out;
}

/** A part's bytes as text; a part that is not UTF-8 XML is refused. */
export function partText(bytes: Uint8Array | undefined, path: string, root: string): string {
  if (!bytes) throw invalidXlsx(`its part ${path} is missing.`, { part: path });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidXlsx(`its part ${path} is not UTF-8 text.`, { part: path });
  }
  if (!new RegExp(`<(?:\\w+:)?${root}[\\s>/]`).test(text)) throw invalidXlsx(`its part ${path} has no <${root}> element (it is damaged).`, { part: path });
  return text;
}
