/**
 * A remote service's answer body (Moodle's services, an external LRS) as one short line for an organiser's
 * or an administrator's page: the reason of a JSON error, the title or text of an HTML page, plain text
 * with its whitespace collapsed; never markup. Views escape it like any other text.
 */

const MAX = 200;
const JSON_REASONS = ['reason', 'error_description', 'message', 'error', 'errorMessage'] as const;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

export function summariseAnswer(body: string | null | undefined, max = MAX): string {
  const text = (body ?? '').trim();
  if (!text) return '';
  return shorten(fromJson(text) ?? (looksLikeHtml(text) ? fromHtml(text) : text), max);
}

function fromJson(text: string): string | undefined {
  if (!/^[{[]/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const parts = JSON_REASONS.map((k) => record[k]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return parts.length ? [...new Set(parts)].join(' : ') : undefined;
}

function looksLikeHtml(text: string): boolean {
  return /<(!doctype|html|head|body|title|h1|p|div|pre)[\s>]/i.test(text);
}

function fromHtml(html: string): string {
  const pick = (tag: string) => new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'i').exec(html)?.[1];
  const source = pick('title') ?? pick('h1') ?? pick('body') ?? html;
  const stripped = source.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  return stripped.replace(/&(#?\w+);/g, (m, name: string) => ENTITIES[name] ?? (/^#\d+$/.test(name) ? safeChar(Number(name.slice(1))) : m));
}

function safeChar(code: number): string {
  return code >= 32 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : ' ';
}

function shorten(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters of a remote answer are dropped
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
