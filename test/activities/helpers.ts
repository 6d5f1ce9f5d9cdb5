import { sql } from 'drizzle-orm';
import { activityConfigs, activityNeedTopics } from '../../src/activities/activities.tables';
import { catalogResources, catalogSessionCompetences, catalogSessions } from '../../src/catalog/catalog.tables';
import type { DbOrTx } from '../../src/platform/db/client';

/** Test data for the activities slice: catalogue sessions (rows as the catalog slice stores them) and activity settings. */

export interface SessionOverrides {
  title?: string;
  status?: 'draft' | 'published' | 'cancelled' | 'archived';
  startsAt?: Date;
  endsAt?: Date;
  ownerContextRef?: string | null;
  competences?: string[];
  descriptionMd?: string;
  resources?: Array<{ title: string; url: string; type?: 'link' | 'video' | 'slides' | 'document' }>;
}

/** Inserts a published session (now → now + 45 min by default) targeting CRCN 2.3 and 3.2, with one link resource. */
export async function buildSession(db: DbOrTx, o: SessionOverrides = {}) {
  const startsAt = o.startsAt ?? new Date(Date.now() - 5 * 60 * 1000);
  const endsAt = o.endsAt ?? new Date(startsAt.getTime() + 45 * 60 * 1000);
  const [session] = await db
    .insert(catalogSessions)
    .values({
      title: o.title ?? 'Découvrir OpenStreetMap',
      tool: 'OpenStreetMap',
      descriptionMd: o.descriptionMd ?? 'Une **carte** libre.',
      startsAt,
      endsAt,
      place: 'Hall du rectorat',
      status: o.status ?? 'published',
      ownerContextRef: o.ownerContextRef ?? null,
    })
    .returning();
  const codes = o.competences ?? ['2.3', '3.2'];
  if (codes.length) await db.insert(catalogSessionCompetences).values(codes.map((code, position) => ({ sessionId: session!.id, frameworkId: 'crcn', code, position })));
  const resources = o.resources ?? [{ title: 'Le site OpenStreetMap', url: 'https://www.openstreetmap.org/' }];
  const rows = resources.length
    ? await db
        .insert(catalogResources)
        .values(resources.map((r, position) => ({ sessionId: session!.id, type: r.type ?? 'link', title: r.title, url: r.url, position })))
        .returning()
    : [];
  return { session: session!, resources: rows };
}

export const QUIZ_SETTINGS = {
  title: 'Quiz OpenStreetMap',
  masteryPercent: 50,
  certainty: true,
  questions: [
    {
      id: 'q1',
      text: 'Qui peut modifier OpenStreetMap ?',
      competence: '2.3',
      multiple: false,
      choices: [
        { id: 'c1', text: "Tout le monde", correct: true, feedback: 'Oui : une carte collaborative.' },
        { id: 'c2', text: "Seulement l'IGN", correct: false, feedback: "Non : c'est un projet libre." },
      ],
    },
    {
      id: 'q2',
      text: 'Quelles licences ?',
      competence: '3.2',
      multiple: true,
      choices: [
        { id: 'c1', text: 'ODbL', correct: true, feedback: '' },
        { id: 'c2', text: 'Copyright', correct: false, feedback: '' },
        { id: 'c3', text: 'Données ouvertes', correct: true, feedback: '' },
      ],
    },
  ],
};

/** Configures activities for a session (all kinds by default, none required). */
export async function configure(db: DbOrTx, sessionId: string, list: Array<{ kind: 'self-positioning' | 'quiz' | 'needs' | 'satisfaction' | 'follow-up'; required?: boolean; settings?: unknown }>) {
  await db.insert(activityConfigs).values(list.map((c) => ({ sessionId, kind: c.kind, required: c.required ?? false, settings: c.settings ?? (c.kind === 'quiz' ? QUIZ_SETTINGS : {}) })));
}

export async function addTopics(db: DbOrTx) {
  return db
    .insert(activityNeedTopics)
    .values([
      { kind: 'tool', label: 'Tchap' },
      { kind: 'theme', label: 'Données personnelles' },
    ])
    .returning();
}

/** Statements stored for a verb (short name: "attended", "answered"…). */
export async function countStatements(db: DbOrTx, verbEnd?: string): Promise<number> {
  const result = await db.execute(
    verbEnd ? sql`select count(*)::int as n from lrs_statements where verb_id like ${'%/' + verbEnd}` : sql`select count(*)::int as n from lrs_statements`,
  );
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
}

/** Rows of a table for a quick "nothing changed" check. */
export async function countRows(db: DbOrTx, table: string): Promise<number> {
  const result = await db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
}
