import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createCredential } from '../../src/lrs/credentials.service';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { buildSession } from '../activities/helpers';

/** Test helpers of the badges slice: a course with its organiser and session, badges created through the form, completions by check-in. */

export type Person = Awaited<ReturnType<typeof signIn>>;

/** An organiser of a fresh course and a published session of that course (no activity required: attendance completes it). */
export async function courseWithSession(t: TestApp, contextId = `course-${Math.random().toString(36).slice(2)}`) {
  const organiser = await signIn(t, { role: 'organiser', contextId });
  const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef });
  return { organiser, session, contextId };
}

/** Posts the badge form (multipart, token in the action as the page does); returns the response. */
export async function postBadgeForm(who: Person, fields: Record<string, string | string[]>, image?: { name: string; type: string; data: Buffer }, path = '/organiser/badges/new') {
  const page = await who.browser.get(path);
  const html = await page.text();
  const token = csrfTokenFrom(html);
  const form = new FormData();
  form.append('_csrf', token);
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  if (image) form.append('image', new Blob([new Uint8Array(image.data)], { type: image.type }), image.name);
  return who.browser.request(`${path}?_csrf=${encodeURIComponent(token)}`, { method: 'POST', body: form });
}

/** Creates a badge through the form and returns its id. */
export async function createBadge(who: Person, fields: Record<string, string | string[]>): Promise<string> {
  const res = await postBadgeForm(who, { name: 'Découvreuse ou découvreur OSM', description: 'A découvert OpenStreetMap.', criteria: 'Avoir achevé la session sur OpenStreetMap.', ...fields });
  expect(res.status, await res.clone().text()).to.equal(303);
  return /\/organiser\/badges\/([0-9a-f-]{36})/.exec(res.headers.get('location') ?? '')![1]!;
}

/** A participant of the course launched on the session, with a CSRF token from its check-in page. */
export async function participant(t: TestApp, sessionId: string, contextId: string, over: { email?: string | null; sub?: string } = {}) {
  const who = await signIn(t, { role: 'participant', sessionId, contextId, ...over });
  const html = await (await who.browser.get(`/sessions/${sessionId}/checkin`)).text();
  return { ...who, csrf: csrfTokenFrom(html) };
}

/** The session's check-in code, as its organiser's screen shows it. */
export async function checkinCode(organiser: Person, sessionId: string): Promise<string> {
  const html = await (await organiser.browser.get(`/organiser/sessions/${sessionId}/checkin`)).text();
  return /<p class="display-3[^>]*>([A-Z0-9]{6})<\/p>/.exec(html)![1]!;
}

/** Checks in (which completes a session without required activities). */
export async function checkIn(p: Awaited<ReturnType<typeof participant>>, sessionId: string, code: string) {
  const res = await p.browser.postForm(`/sessions/${sessionId}/checkin`, { _csrf: p.csrf, code });
  expect(res.status).to.equal(303);
}

export async function awardsOf(t: TestApp, userId: string) {
  return rows<{ id: string; badge_class_id: string; method: string; statement_id: string; revoked_at: Date | null }>(
    await t.database.db.execute(sql`select id, badge_class_id, method, statement_id, revoked_at from badge_awards where user_ref = ${userId}::uuid`),
  );
}

export async function earnedStatements(t: TestApp) {
  return rows<{ id: string; statement: Record<string, unknown> }>(
    await t.database.db.execute(sql`select id, statement from lrs_statements where verb_id = 'http://specification.openbadges.org/xapi/verbs/earned' order by seq`),
  );
}

/** A course, a session badge and one participant who earned it; optionally made public with consent. */
export async function earnedBadge(t: TestApp, o: { public?: boolean; email?: string | null } = {}) {
  const course = await courseWithSession(t);
  const badgeId = await createBadge(course.organiser, { rule_kind: 'session-completed', session_id: course.session.id, competences: ['crcn:2.3'] });
  const earner = await participant(t, course.session.id, course.contextId, { email: o.email === undefined ? 'camille.martin@ac-dijon.fr' : o.email });
  await checkIn(earner, course.session.id, await checkinCode(course.organiser, course.session.id));
  const awardId = (await awardsOf(t, earner.userId))[0]!.id;
  if (o.public) {
    const csrf = csrfTokenFrom(await (await earner.browser.get('/badges/mine')).text());
    expect((await earner.browser.postForm('/badges/mine/consent', { _csrf: csrf, public_allowed: 'yes' })).status).to.equal(303);
    expect((await earner.browser.postForm(`/badges/mine/${awardId}/visibility`, { _csrf: csrf, public: 'yes' })).status).to.equal(303);
  }
  return { ...course, badgeId, earner, awardId };
}

/** Revokes an award through the organiser's page. */
export async function revokeAward(organiser: Person, badgeId: string, awardId: string, reason: string) {
  const csrf = csrfTokenFrom(await (await organiser.browser.get(`/organiser/badges/${badgeId}`)).text());
  return organiser.browser.postForm(`/organiser/badges/${badgeId}/awards/${awardId}/revoke`, { _csrf: csrf, reason });
}

/** Posts the public verification form (anonymous visitor), with an optional file; returns status and page text. */
export async function verifyOnPage(t: TestApp, fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) {
  const visitor = new Browser(t.url);
  const html = await (await visitor.get('/badges/verify')).text();
  const csrf = csrfTokenFrom(html);
  const form = new FormData();
  form.append('_csrf', csrf);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  const res = await visitor.request(`/badges/verify?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: form });
  return { status: res.status, html: await res.text() };
}

/** Rows of a raw query, whichever engine answered. */
export const rows = <T>(r: unknown): T[] => (Array.isArray(r) ? r : ((r as { rows: T[] }).rows ?? [])) as T[];

/** An app and the Basic authorization of "another tool" writing into its LRS (all scopes). */
export async function appWithOtherTool(): Promise<{ t: TestApp; auth: string }> {
  const t = await createTestApp();
  const c = await createCredential(t.database.db, { name: 'Autre outil', scopes: ['all'] });
  return { t, auth: `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString('base64')}` };
}
