import type { DbOrTx } from '../platform/db/client';
import type { DataSubject, PersonLink, PersonalTable, Purpose, Retention } from '../platform/personal-data';
import { copiesOf } from '../xapi';
import { personalTables, REGISTRY } from './registry';
import { insertAudit } from './subject.repo';
import type { PrivacyDeps } from './subject.service';
import { linkedRows } from './tables.repo';

/** One table's part of an export. */
export interface ExportedTable {
  slice: string;
  purpose: Purpose;
  retention: Retention['kind'][];
  rows: Array<Record<string, unknown>>;
}

/** Everything Instants holds about one person (RGPD art. 15), as the JSON download gives it. */
export interface PersonalExport {
  format: 'instants-personal-data/1';
  exportedAt: string;
  person: { issuer: string; sub: string; name: string | null; email: string | null; pseudonym: string };
  /** External LRSs that received copies of their statements (they hold them still). */
  forwardedTo: Array<{ destination: string | null; statements: number; firstAt: string; lastAt: string }>;
  tables: Record<string, ExportedTable>;
}

const isTheirs = (link: PersonLink, who: DataSubject, value: unknown) =>
  link.by === 'user' ? value === who.userId : link.by === 'actor' ? value === who.ifi : who.launchIds.includes(String(value));

/**
 * The person's rows of one declared table (the slice's ops, or the generic links), without withheld
 * columns. A row found through one link (an attendance they marked) names someone else through another
 * (the participant): that reference is blanked, an export never carries another person's id.
 */
export async function rowsOfTable(db: DbOrTx, t: PersonalTable, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  if (t.ops) {
    const rows = await t.ops.rows(db, who);
    return t.withheld?.length ? rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !t.withheld!.includes(k)))) : rows;
  }
  const rows = await linkedRows(db, t.table, t.links, who, t.withheld);
  return rows.map((r) => {
    const out = { ...r };
    for (const l of t.links) if (out[l.column] !== null && out[l.column] !== undefined && !isTheirs(l, who, out[l.column])) out[l.column] = null;
    return out;
  });
}

/** How many rows of each declared table concern the person (tables the registry can search only). */
export async function countRows(db: DbOrTx, who: DataSubject): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of personalTables(REGISTRY)) {
    if (!t.ops && !t.links.length) continue;
    counts[t.table] = (await rowsOfTable(db, t, who)).length;
  }
  return counts;
}

/** Where copies of the person's statements went. */
export async function forwardedTo(db: DbOrTx, who: DataSubject): Promise<PersonalExport['forwardedTo']> {
  return (await copiesOf(db, [who.ifi])).map((c) => ({ destination: c.name, statements: c.statements, firstAt: c.firstAt.toISOString(), lastAt: c.lastAt.toISOString() }));
}

/**
 * Builds the export of every declared table marked `exported`, and writes an audit line (who asked: the
 * person themselves, or an administrator). Reads and the audit line share one transaction.
 */
export async function exportPerson(deps: Pick<PrivacyDeps, 'db' | 'clock'>, who: DataSubject, askedBy: string | null): Promise<PersonalExport> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const tables: Record<string, ExportedTable> = {};
    for (const t of personalTables(REGISTRY)) {
      if (!t.exported) continue;
      tables[t.table] = { slice: t.slice, purpose: t.purpose, retention: t.retention.map((r) => r.kind), rows: await rowsOfTable(tx, t, who) };
    }
    const result: PersonalExport = {
      format: 'instants-personal-data/1',
      exportedAt: now.toISOString(),
      person: { issuer: who.issuer, sub: who.sub, name: who.name, email: who.email, pseudonym: who.pseudonym },
      forwardedTo: await forwardedTo(tx, who),
      tables,
    };
    const rows = Object.values(tables).reduce((n, t) => n + t.rows.length, 0);
    await insertAudit(tx, { action: 'person.exported', actorRef: askedBy, detail: { self: askedBy === who.userId, tables: Object.keys(tables).length, rows }, at: now });
    return result;
  });
}
