import crypto from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../platform/db/client';
import { NotFoundError, ValidationError } from '../platform/errors';
import { lrsAuditLog, lrsCredentials } from './lrs.tables';

/** The xAPI scopes a credential may hold (xAPI-Communication §4.2). */
export const SCOPES = ['statements/write', 'statements/read', 'statements/read/mine', 'state', 'define', 'profile', 'all/read', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

export const CredentialInputSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(200),
  scopes: z.array(z.enum(SCOPES, { error: `expected scopes among ${SCOPES.join(', ')}` })).min(1, 'at least one scope is required'),
});
export type CredentialInput = z.infer<typeof CredentialInputSchema>;

/** A credential as listed (never its secret). */
export interface CredentialView {
  id: string;
  key: string;
  name: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
}

/** The credential of an authenticated request. */
export interface LrsCredential {
  id: string;
  key: string;
  name: string;
  scopes: Scope[];
}

const hash = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');

/** Creates a key/secret pair; the secret is returned once and kept only hashed. */
export async function createCredential(db: DbOrTx, input: CredentialInput): Promise<{ id: string; key: string; secret: string }> {
  const parsed = CredentialInputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Invalid credential', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const key = crypto.randomBytes(12).toString('hex');
  const secret = crypto.randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(lrsCredentials)
    .values({ key, secretHash: hash(secret), name: parsed.data.name, scopes: [...new Set(parsed.data.scopes)] })
    .returning({ id: lrsCredentials.id });
  await db.insert(lrsAuditLog).values({ action: 'credential.created', subject: key, detail: { name: parsed.data.name, scopes: parsed.data.scopes } });
  return { id: row!.id, key, secret };
}

/** Every credential, newest first. */
export async function listCredentials(db: DbOrTx): Promise<CredentialView[]> {
  const rows = await db.select().from(lrsCredentials).orderBy(desc(lrsCredentials.createdAt));
  return rows.map((r) => ({ id: r.id, key: r.key, name: r.name, scopes: r.scopes as Scope[], createdAt: r.createdAt, revokedAt: r.revokedAt }));
}

/** The credential with this key that is not revoked yet; NotFoundError otherwise. */
export async function findActiveCredential(db: DbOrTx, key: string): Promise<CredentialView> {
  const [r] = await db.select().from(lrsCredentials).where(and(eq(lrsCredentials.key, key), isNull(lrsCredentials.revokedAt)));
  if (!r) throw new NotFoundError(`No active LRS credential with key ${key}`);
  return { id: r.id, key: r.key, name: r.name, scopes: r.scopes as Scope[], createdAt: r.createdAt, revokedAt: r.revokedAt };
}

/** Revokes a credential given its key; NotFoundError when no active credential has it. */
export async function revokeCredential(db: DbOrTx, key: string, at = new Date()): Promise<void> {
  const done = await db
    .update(lrsCredentials)
    .set({ revokedAt: at })
    .where(and(eq(lrsCredentials.key, key), isNull(lrsCredentials.revokedAt)))
    .returning({ id: lrsCredentials.id });
  if (!done.length) throw new NotFoundError(`No active LRS credential with key ${key}`);
  await db.insert(lrsAuditLog).values({ action: 'credential.revoked', subject: key });
}

/** The active credential matching a key and secret, or null. */
export async function authenticate(db: DbOrTx, key: string, secret: string): Promise<LrsCredential | null> {
  const [row] = await db.select().from(lrsCredentials).where(and(eq(lrsCredentials.key, key), isNull(lrsCredentials.revokedAt)));
  if (!row) return null;
  const a = Buffer.from(row.secretHash, 'hex');
  const b = Buffer.from(hash(secret), 'hex');
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return null;
  return { id: row.id, key: row.key, name: row.name, scopes: row.scopes as Scope[] };
}
