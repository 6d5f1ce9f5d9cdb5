import { parse } from 'csv-parse/sync';
import { stringProblem } from '../platform/input-hygiene';
import { ValidationError, type FieldIssue } from '../platform/errors';
import { pseudonymOf } from '../xapi';
import * as repo from './people.repo';
import { refreshStatistics } from '../platform/db/statistics';
import { refreshEffective, type PeopleDeps } from './profile.service';

/**
 * The administrator's CSV import (e.g. from HR): one person per row, keyed by e-mail or by pseudonym (the
 * account name in the person's xAPI statements), with their service and job family, which must be in the
 * administrator's lists. Header names: `email` (or `courriel`) or `pseudonyme` (or `pseudonym`),
 * `service`, `famille` (or `famille_de_metiers`, `job_family`); `;` or `,` separated, UTF-8. Every bad row is
 * listed with its line number, and then nothing is imported.
 */
export const MAX_ROWS = 50_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;

/** One import problem: a message key and its variables (line, value…), carried as JSON in the issue. */
const issue = (key: string, vars: Record<string, unknown> = {}): FieldIssue => ({ path: 'file', message: JSON.stringify({ key, vars }) });

const norm = (h: string) =>
  h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
const HEADERS = {
  email: ['email', 'e_mail', 'courriel', 'mail'],
  pseudonym: ['pseudonyme', 'pseudonym', 'cle', 'cle_pseudonyme'],
  service: ['service'],
  jobFamily: ['famille', 'famille_de_metiers', 'job_family', 'famille_metiers'],
};

export interface ImportResult {
  rows: number;
  /** People already known whose values changed source or value. */
  matched: number;
}

export async function importPeople(deps: PeopleDeps, data: Buffer): Promise<ImportResult> {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter, info: true, skip_empty_lines: true, relax_column_count: true, trim: true, max_record_size: 10_000 }) as never;
  } catch (err) {
    throw new ValidationError('Unreadable CSV', [issue('people.import.unreadable', { line: (err as { lines?: number }).lines ?? null })]);
  }
  const [head, ...body] = records;
  if (!head) throw new ValidationError('Empty file', [issue('people.import.empty')]);
  const cols = head.record.map(norm);
  const find = (names: string[]) => cols.findIndex((c) => names.includes(c));
  const idx = { email: find(HEADERS.email), pseudonym: find(HEADERS.pseudonym), service: find(HEADERS.service), jobFamily: find(HEADERS.jobFamily) };
  if ((idx.email < 0) === (idx.pseudonym < 0) || (idx.service < 0 && idx.jobFamily < 0)) throw new ValidationError('Bad header', [issue('people.import.header')]);
  if (body.length === 0) throw new ValidationError('No rows', [issue('people.import.empty')]);
  if (body.length > MAX_ROWS) throw new ValidationError('Too many rows', [issue('people.import.too_many', { max: MAX_ROWS })]);

  const choices = await repo.listChoices(deps.db);
  const known = { service: new Set(choices.filter((c) => c.kind === 'service').map((c) => c.label)), jobFamily: new Set(choices.filter((c) => c.kind === 'job_family').map((c) => c.label)) };
  const keyKind = idx.email >= 0 ? ('email' as const) : ('pseudonym' as const);
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  const rows: Array<{ keyKind: 'email' | 'pseudonym'; key: string; service: string | null; jobFamily: string | null; importedAt: Date }> = [];
  const now = deps.clock.now();
  for (const { record, info } of body) {
    const line = info.lines;
    const cell = (i: number) => (i >= 0 ? (record[i] ?? '') : '');
    const bad = [cell(idx.email), cell(idx.pseudonym), cell(idx.service), cell(idx.jobFamily)].find((v) => stringProblem(v) || v.length > 200);
    if (bad !== undefined) {
      issues.push(issue('people.import.bad_text', { line }));
      continue;
    }
    let key = keyKind === 'email' ? cell(idx.email).toLowerCase() : cell(idx.pseudonym).toLowerCase();
    if (keyKind === 'email' && !EMAIL.test(key)) issues.push(issue('people.import.bad_email', { line, value: key.slice(0, 80) }));
    if (keyKind === 'pseudonym' && !/^[0-9a-f]{64}$/.test(key)) issues.push(issue('people.import.bad_pseudonym', { line }));
    if (seen.has(key)) issues.push(issue('people.import.duplicate', { line, first: seen.get(key) }));
    else seen.set(key, line);
    const service = cell(idx.service) || null;
    const jobFamily = cell(idx.jobFamily) || null;
    if (service && !known.service.has(service)) issues.push(issue('people.import.unknown_service', { line, value: service }));
    if (jobFamily && !known.jobFamily.has(jobFamily)) issues.push(issue('people.import.unknown_job_family', { line, value: jobFamily }));
    if (!service && !jobFamily) issues.push(issue('people.import.no_value', { line }));
    key = key.slice(0, 200);
    rows.push({ keyKind, key, service, jobFamily, importedAt: now });
  }
  if (issues.length) throw new ValidationError('Bad rows', issues.slice(0, 200));

  const keys = new Set(rows.map((r) => r.key));
  const users = (await repo.listUsers(deps.db)).filter((u) => (keyKind === 'email' ? u.email !== null && keys.has(u.email.trim().toLowerCase()) : keys.has(pseudonymOf(deps.pseudonymKey, u.issuer, u.sub))));
  await repo.upsertImports(deps.db, rows, async (tx) => {
    for (const u of users) await refreshEffective(deps, { userId: u.id, issuer: u.issuer, sub: u.sub }, tx);
  });
  // Up to MAX_ROWS rows at once: the planner learns of them now, not when autovacuum gets there.
  await refreshStatistics(deps.db, ['people_imports', 'lti_users']);
  return { rows: rows.length, matched: users.length };
}
