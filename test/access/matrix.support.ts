import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { activityNeedTopics } from '../../src/activities/activities.tables';
import { catalogFiles, catalogResources, catalogSeries, catalogSessionOrganisers, catalogSessions } from '../../src/catalog/catalog.tables';
import { createCredential } from '../../src/lrs/credentials.service';
import type { TestApp } from '../support/app';
import { csrfTokenFrom, type Browser } from '../support/http';
import type { AccessFixture } from './fixture';
import type { Person } from './matrix.expected';

/** What the matrix adds to the access fixture so that every route parameter names a real row of course A. */
export interface MatrixData {
  sessionId: string;
  resource: typeof catalogResources.$inferSelect;
  series: typeof catalogSeries.$inferSelect;
  fileId: string;
  topicId: string;
  credentialKey: string;
  courseC: string;
}

/** A UUID that names nothing, for parameters of slices whose rows the matrix does not build. */
export const NOTHING = '00000000-0000-4000-8000-000000000000';

export async function addMatrixData(t: TestApp, f: AccessFixture): Promise<MatrixData> {
  const db = t.database.db;
  const [series] = await db.insert(catalogSeries).values({ title: 'Série du cours A', ownerContextRef: f.contexts.A }).returning();
  await db.update(catalogSessions).set({ seriesId: series!.id }).where(eq(catalogSessions.id, f.published.id));
  const pdf = Buffer.from('%PDF-1.4\n% matrice\n');
  const [file] = await db
    .insert(catalogFiles)
    .values({ filename: 'support.pdf', contentType: 'application/pdf', sizeBytes: pdf.length, sha256: crypto.createHash('sha256').update(pdf).digest('hex'), data: pdf })
    .returning();
  await db.insert(catalogResources).values({ sessionId: f.published.id, type: 'document', title: 'Support PDF', fileId: file!.id, position: 1 });
  const [resource] = await db.select().from(catalogResources).where(eq(catalogResources.id, f.published.resourceId));
  const [topic] = await db.insert(activityNeedTopics).values({ kind: 'tool', label: 'Outil de la matrice' }).returning();
  const credential = await createCredential(db, { name: 'Matrice', scopes: ['statements/read'] });
  // Course C co-organises nothing; the owner may still try to remove it (a 400 for the owner, refused for others).
  return { sessionId: f.published.id, resource: resource!, series: series!, fileId: file!.id, topicId: topic!.id, credentialKey: credential.key, courseC: f.contexts.C };
}

/** Puts back what an allowed cell may have deleted (a resource, the series) or changed (the session's status), so that every cell meets the same rows. */
export async function restoreMatrixData(t: TestApp, d: MatrixData): Promise<void> {
  const db = t.database.db;
  await db.insert(catalogResources).values(d.resource).onConflictDoNothing();
  await db.insert(catalogSeries).values(d.series).onConflictDoNothing();
  await db.update(catalogSessions).set({ status: 'published', seriesId: d.series.id }).where(eq(catalogSessions.id, d.sessionId));
  await db.delete(catalogSessionOrganisers).where(eq(catalogSessionOrganisers.sessionId, d.sessionId));
}

/** A route path with its parameters filled from the matrix data (the session of course A unless the route names something else). */
export function paramsOf(path: string, d: MatrixData): string {
  const id = /^\/(organiser\/)?series\//.test(path) ? d.series.id : path.startsWith('/files/') ? d.fileId : /^\/(organiser\/|organiser\/dashboard\/)?sessions\//.test(path) ? d.sessionId : NOTHING;
  const values: Record<string, string> = { id, rid: d.resource.id, resourceId: d.resource.id, topicId: d.topicId, key: d.credentialKey, course: d.courseC };
  return path.replace(/:(\w+)/g, (_m, name: string) => values[name] ?? NOTHING);
}

/** A CSRF token per person for the app's forms (from a page with a form) and for /lti's own forms (from the binding page, organisers only). */
export async function tokensOf(browsers: Record<Person, Browser>): Promise<Record<Person, { app: string; lti: string }>> {
  const out = {} as Record<Person, { app: string; lti: string }>;
  for (const [person, browser] of Object.entries(browsers) as Array<[Person, Browser]>) {
    const page = await browser.get(person === 'anonymous' ? '/demo' : '/me/offers');
    const app = csrfTokenFrom(await page.text());
    const bind = await browser.get('/lti/bind');
    const lti = bind.status === 200 ? csrfTokenFrom(await bind.text()) : '';
    out[person] = { app, lti };
  }
  return out;
}
