import crypto from 'node:crypto';
import { bad } from './http';

/** multipart/mixed bodies of statements with attachments (xAPI-Communication §1.5.2). */

export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary of a multipart content type, or null. */
export function boundaryOf(contentType: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** Splits a multipart body into parts; a body that is not well formed is a 400. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw bad('Malformed multipart body: boundary not found');
  const parts: Part[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw bad('Malformed multipart body: expected CRLF after a boundary');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), pos);
    if (next < 0) throw bad('Malformed multipart body: missing closing boundary');
    const headers: Record<string, string> = {};
    let contentStart: number;
    if (headerEnd >= 0 && headerEnd < next) {
      for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw bad('Malformed multipart body: bad part header');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      contentStart = headerEnd + 4;
    } else if (body.subarray(pos, pos + 2).toString() === '\r\n') {
      contentStart = pos + 2;
    } else {
      throw bad('Malformed multipart body: part without headers');
    }
    parts.push({ headers, body: body.subarray(contentStart, next) });
    pos = next + 2;
  }
  return parts;
}

/** Builds a multipart/mixed body; returns it with its content type. */
export function buildMultipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `instants-${crypto.randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = Object.entries(p.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`), p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/mixed; boundary=${boundary}` };
}

export const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
