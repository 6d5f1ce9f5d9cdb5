/**
 * CSV that spreadsheets open safely. Text cells that start with `=`, `+`, `-`, `@`, a tab or a carriage
 * return get a leading apostrophe (OWASP's rule against formula injection), and every cell holding the
 * separator, a quote or a line break is quoted. Numbers are ours (counts, ratios) and stay numbers.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell, neutralised and quoted as needed; `decimalComma` writes 0.5 as 0,5 (French spreadsheets). */
export function csvCell(value: string | number, sep: string, decimalComma = false): string {
  if (typeof value === 'number') {
    const n = decimalComma ? String(value).replace('.', ',') : String(value);
    return n.includes(sep) ? `"${n}"` : n;
  }
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text !== value || text.includes(sep) || /["\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole document: UTF-8 with a BOM (spreadsheets then read accents), CRLF line ends. */
export function csvDocument(rows: ReadonlyArray<ReadonlyArray<string | number>>, sep: string, decimalComma = false): string {
  return `\uFEFF${rows.map((r) => r.map((c) => csvCell(c, sep, decimalComma)).join(sep)).join('\r\n')}\r\n`;
}
