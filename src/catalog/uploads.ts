import path from 'node:path';

/**
 * What organisers may upload as a resource: an allow-list by extension, each checked against the file's
 * first bytes, so a renamed HTML or script file is refused whatever name or type the browser claims.
 */

interface Allowed {
  contentType: string;
  /** Shown in the browser (PDF, images, video) or downloaded (office documents). */
  inline: boolean;
  matches: (head: Buffer) => boolean;
}

const starts = (...bytes: number[]) => (head: Buffer) => bytes.every((b, i) => head[i] === b);
const zip = starts(0x50, 0x4b, 0x03, 0x04);
const ascii = (s: string, at = 0) => (head: Buffer) => head.subarray(at, at + s.length).toString('latin1') === s;

const ALLOWED: Record<string, Allowed> = {
  pdf: { contentType: 'application/pdf', inline: true, matches: ascii('%PDF-') },
  png: { contentType: 'image/png', inline: true, matches: starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  jpg: { contentType: 'image/jpeg', inline: true, matches: starts(0xff, 0xd8, 0xff) },
  jpeg: { contentType: 'image/jpeg', inline: true, matches: starts(0xff, 0xd8, 0xff) },
  gif: { contentType: 'image/gif', inline: true, matches: ascii('GIF8') },
  webp: { contentType: 'image/webp', inline: true, matches: (h) => ascii('RIFF')(h) && ascii('WEBP', 8)(h) },
  mp4: { contentType: 'video/mp4', inline: true, matches: ascii('ftyp', 4) },
  webm: { contentType: 'video/webm', inline: true, matches: starts(0x1a, 0x45, 0xdf, 0xa3) },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', inline: false, matches: zip },
  odp: { contentType: 'application/vnd.oasis.opendocument.presentation', inline: false, matches: zip },
  ods: { contentType: 'application/vnd.oasis.opendocument.spreadsheet', inline: false, matches: zip },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', inline: false, matches: zip },
  pptx: { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', inline: false, matches: zip },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', inline: false, matches: zip },
};

/** The extensions accepted, for the form's `accept` attribute and its help text. */
export const ALLOWED_EXTENSIONS = Object.keys(ALLOWED);

/** A file name safe to store and to put in a header: no directories, no control characters, bounded. */
export function safeFilename(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).replace(/[\p{Cc}"]/gu, '').trim();
  return (base || 'fichier').slice(-150);
}

/** The stored content type of an upload, or undefined when its extension or its content is not allowed. */
export function checkUpload(filename: string, data: Buffer): { contentType: string } | undefined {
  const ext = path.extname(filename).slice(1).toLowerCase();
  const allowed = Object.hasOwn(ALLOWED, ext) ? ALLOWED[ext] : undefined;
  if (!allowed || data.length === 0 || !allowed.matches(data.subarray(0, 16))) return undefined;
  return { contentType: allowed.contentType };
}

/** Whether a stored content type is shown in the browser rather than downloaded. */
export function isInline(contentType: string): boolean {
  return Object.values(ALLOWED).some((a) => a.inline && a.contentType === contentType);
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export function contentDisposition(filename: string, inline: boolean): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
