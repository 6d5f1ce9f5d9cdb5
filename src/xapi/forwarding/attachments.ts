import { buildMultipart, findAttachments } from '../../lrs';
import type { DbOrTx } from '../../platform/db/client';

/**
 * Attachments of forwarded statements (Communication §1.5.2.s3.b3: an LRS MUST NOT push statements into
 * another LRS without the attachment data it received). The body is built here, not by @xapi/xapi, whose
 * createMultiPart() puts no CRLF before the next delimiter, so two or more attachments come out malformed.
 */

export interface AttachmentPart {
  sha2: string;
  contentType: string;
  content: Buffer;
}

type WithAttachments = { attachments?: Array<{ sha2?: unknown }> };

const hashesOf = (statements: unknown[]): string[] => [
  ...new Set(
    statements.flatMap((s) => {
      const list = (s as WithAttachments | null)?.attachments;
      return Array.isArray(list) ? list.map((a) => String(a?.sha2 ?? '').toLowerCase()).filter(Boolean) : [];
    }),
  ),
];

/** The stored contents of the attachments these statements declare, by hash (fileUrl-only ones have none). */
export async function loadAttachmentParts(db: DbOrTx, statements: unknown[]): Promise<Map<string, AttachmentPart>> {
  const hashes = hashesOf(statements);
  if (!hashes.length) return new Map();
  return new Map((await findAttachments(db, hashes)).map((a) => [a.sha2, a]));
}

/**
 * The multipart/mixed body of a batch (RFC 2046, Communication §1.5.2.s2.b2): the statements as JSON first,
 * then one part per SHA-2 the batch declares and the store holds, with X-Experience-API-Hash and
 * Content-Transfer-Encoding: binary; null when the batch carries no attachment data.
 */
export function multipartBatch(statements: unknown[], parts: Map<string, AttachmentPart>): { body: Buffer; contentType: string } | null {
  const carried = hashesOf(statements).flatMap((h) => (parts.has(h) ? [parts.get(h)!] : []));
  if (!carried.length) return null;
  return buildMultipart([
    { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(statements)) },
    ...carried.map((p) => ({ headers: { 'Content-Type': p.contentType, 'Content-Transfer-Encoding': 'binary', 'X-Experience-API-Hash': p.sha2 }, body: p.content })),
  ]);
}
