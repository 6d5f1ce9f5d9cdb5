import { compactVerify, importX509 } from 'jose';
import type { Json } from './ifi';
import { bad } from './http';
import { sameStatement } from './statement.normalise';

/** Signed statements (xAPI-Data §2.6): the signature attachment is a JWS of the statement as it was signed. */

export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];

const decode = (part: string, what: string): Json => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Json;
  } catch {
    throw bad(`The statement signature is malformed: its ${what} is not base64url JSON`);
  }
};

/**
 * Checks each signature of a statement: a JWS (compact) with an RS256/384/512 algorithm, whose payload is the
 * statement without its signature attachment, verified with the x5c certificate when the header carries one.
 */
export async function checkSignatures(statement: Json, parts: Map<string, Buffer>): Promise<void> {
  const attachments = Array.isArray(statement.attachments) ? (statement.attachments as Json[]) : [];
  const signatures = attachments.filter((a) => a.usageType === SIGNATURE_USAGE);
  for (const sig of signatures) {
    if (sig.contentType !== 'application/octet-stream') throw bad('A signature attachment must have the content type application/octet-stream');
    const jws = parts.get(String(sig.sha2).toLowerCase())?.toString('utf8').trim() ?? '';
    const pieces = jws.split('.');
    if (pieces.length !== 3 || pieces.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw bad('The statement signature is not a compact JWS');
    const header = decode(pieces[0]!, 'header');
    if (!ALGORITHMS.includes(String(header.alg))) throw bad('The statement signature must use RS256, RS384 or RS512');
    const payload = decode(pieces[1]!, 'payload');
    const rest = attachments.filter((a) => a.usageType !== SIGNATURE_USAGE);
    const { attachments: _a, ...unsigned } = statement;
    const original = rest.length ? { ...unsigned, attachments: rest } : unsigned;
    const { attachments: payloadAttachments, ...payloadRest } = payload;
    const payloadRestAttachments = Array.isArray(payloadAttachments) ? (payloadAttachments as Json[]).filter((a) => a.usageType !== SIGNATURE_USAGE) : [];
    const signed = payloadRestAttachments.length ? { ...payloadRest, attachments: payloadRestAttachments } : payloadRest;
    if (!sameStatement(signed, original)) throw bad('The statement signature does not match the statement');
    if (Array.isArray(header.x5c) && header.x5c.length) {
      try {
        const pem = `-----BEGIN CERTIFICATE-----\n${String(header.x5c[0])}\n-----END CERTIFICATE-----`;
        await compactVerify(jws, await importX509(pem, String(header.alg)));
      } catch {
        throw bad('The statement signature does not verify with its x5c certificate');
      }
    }
  }
}
