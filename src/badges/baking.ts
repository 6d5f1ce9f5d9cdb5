import encodeChunks from 'png-chunks-encode';
import extractChunks from 'png-chunks-extract';

/**
 * Baking (Open Badges 2.0 "Badge Baking", 3.0 "File format"): the assertion or credential embedded in the
 * image itself. PNG: an iTXt chunk, keyword `openbadges` (2.0: the hosted assertion's URL) or
 * `openbadgecredential` (3.0: the credential, JSON or compact JWS), uncompressed, before IEND.
 * SVG: an `openbadges:assertion` element (2.0, `verify` attribute) or `openbadges:credential` (3.0, CDATA)
 * right after the root element's start tag.
 */
export type BakedKind = 'openbadges' | 'openbadgecredential';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(data: Buffer): boolean {
  return data.length > 8 && data.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** The data of an uncompressed iTXt chunk: keyword, NUL, flag 0, method 0, empty language and translated keyword, UTF-8 text. */
function itxt(keyword: string, text: string): Uint8Array {
  return Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]);
}

function readItxt(data: Uint8Array): { keyword: string; text: string } | undefined {
  const buf = Buffer.from(data);
  const nul = buf.indexOf(0);
  if (nul < 1 || buf.length < nul + 3) return undefined;
  const keyword = buf.subarray(0, nul).toString('latin1');
  if (buf[nul + 1] !== 0) return undefined; // compressed text is not used by badges
  const lang = buf.indexOf(0, nul + 3);
  if (lang < 0) return undefined;
  const translated = buf.indexOf(0, lang + 1);
  if (translated < 0) return undefined;
  return { keyword, text: buf.subarray(translated + 1).toString('utf8') };
}

/** A copy of the PNG with `text` baked under `keyword` (replacing an earlier one of the same keyword). */
export function bakePng(png: Buffer, keyword: BakedKind, text: string): Buffer {
  const chunks = extractChunks(png).filter((c) => !(c.name === 'iTXt' && readItxt(c.data)?.keyword === keyword));
  const end = chunks.findIndex((c) => c.name === 'IEND');
  chunks.splice(end < 0 ? chunks.length : end, 0, { name: 'iTXt', data: itxt(keyword, text) });
  return Buffer.from(encodeChunks(chunks));
}

/** What a baked PNG carries, by keyword; throws on a file that is not a readable PNG. */
export function unbakePng(png: Buffer): Partial<Record<BakedKind, string>> {
  const out: Partial<Record<BakedKind, string>> = {};
  for (const c of extractChunks(png)) {
    if (c.name !== 'iTXt') continue;
    const t = readItxt(c.data);
    if (t && (t.keyword === 'openbadges' || t.keyword === 'openbadgecredential')) out[t.keyword] = t.text;
  }
  return out;
}

const escAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** A copy of the SVG with the hosted assertion URL (2.0) or the credential (3.0) baked in. */
export function bakeSvg(svg: string, kind: BakedKind, text: string): string {
  const start = svg.search(/<svg[\s>]/);
  if (start < 0) throw new Error('not an SVG document');
  const close = svg.indexOf('>', start);
  let open = svg.slice(start, close);
  const selfClosing = open.endsWith('/');
  if (selfClosing) open = open.slice(0, -1);
  const ns = kind === 'openbadges' ? 'http://openbadges.org' : 'https://purl.imsglobal.org/ob/v3p0';
  open = open.replace(/\s+xmlns:openbadges="[^"]*"/, '') + ` xmlns:openbadges="${ns}"`;
  const element = kind === 'openbadges' ? `<openbadges:assertion verify="${escAttr(text)}"></openbadges:assertion>` : `<openbadges:credential><![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]></openbadges:credential>`;
  const rest = svg.slice(close + 1).replace(/<openbadges:(assertion|credential)\b[\s\S]*?<\/openbadges:\1>/g, '');
  return `${svg.slice(0, start)}${open}>${element}${selfClosing ? '</svg>' : rest}`;
}

/** What a baked SVG carries: the 2.0 assertion URL (or embedded JSON) and the 3.0 credential. */
export function unbakeSvg(svg: string): Partial<Record<BakedKind, string>> {
  const out: Partial<Record<BakedKind, string>> = {};
  const assertion = /<openbadges:assertion\b([^>]*)>([\s\S]*?)<\/openbadges:assertion>/.exec(svg);
  if (assertion) {
    const verify = /\sverify="([^"]*)"/.exec(assertion[1] ?? '');
    const inner = cdata(assertion[2] ?? '');
    out.openbadges = inner || (verify ? verify[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&') : '');
  }
  const credential = /<openbadges:credential\b[^>]*>([\s\S]*?)<\/openbadges:credential>/.exec(svg);
  if (credential) out.openbadgecredential = cdata(credential[1] ?? '');
  return out;
}

function cdata(s: string): string {
  const parts = [...s.matchAll(/<!\[CDATA\[([\s\S]*?)]]>/g)].map((m) => m[1]);
  return (parts.length ? parts.join('') : s).trim();
}
