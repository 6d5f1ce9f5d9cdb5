import type { Actor } from '../lti';
import { ConflictError, ForbiddenError, ValidationError, type FieldIssue } from '../platform/errors';
import { CompetenceSchema, type Competence, type FrameworkForm } from './catalog.schema';
import { listCompetences, listFrameworks, upsertFramework, usedCodes } from './frameworks.repo';
import type { CatalogDeps } from './sessions.service';
import type { Upload } from './resources.service';

/** Competence frameworks: the shipped CRCN, and frameworks of the same shape imported by an administrator. */

export const MAX_COMPETENCES = 200;

/** Frameworks with their competences grouped by domain, for the frameworks page and the session form. */
export async function listFrameworksWithCompetences(deps: Pick<CatalogDeps, 'db'>) {
  const [frameworks, competences] = await Promise.all([listFrameworks(deps.db), listCompetences(deps.db)]);
  return frameworks.map((f) => ({ ...f, competences: competences.filter((c) => c.frameworkId === f.id) }));
}

/** Splits CSV text (comma or semicolon, RFC 4180 quotes) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === sep) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

function issue(line: number | null, key: string, vars: Record<string, unknown> = {}): FieldIssue {
  return { path: 'file', message: JSON.stringify({ key, vars: { ...vars, line } }) };
}

/**
 * Reads the competences of a framework file: CSV with a header `code,domain,title` (or `;`), or JSON (an
 * array of `{ code, domain, title }` or `{ competences: [...] }`). Every problem is reported with its line.
 */
export function parseFrameworkFile(filename: string, data: Buffer): { competences: Competence[]; issues: FieldIssue[] } {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const issues: FieldIssue[] = [];
  let records: Array<{ line: number; value: unknown }>;
  if (/\.json$/i.test(filename)) {
    try {
      const parsed = JSON.parse(text) as unknown;
      const list = Array.isArray(parsed) ? parsed : (parsed as { competences?: unknown })?.competences;
      if (!Array.isArray(list)) return { competences: [], issues: [issue(null, 'catalog.import.json_shape')] };
      records = list.map((value, i) => ({ line: i + 1, value }));
    } catch {
      return { competences: [], issues: [issue(null, 'catalog.import.json_invalid')] };
    }
  } else if (/\.csv$/i.test(filename)) {
    const rows = parseCsv(text);
    const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
    const idx = { code: header.indexOf('code'), domain: header.indexOf('domain'), title: header.indexOf('title') };
    if (idx.code < 0 || idx.domain < 0 || idx.title < 0) return { competences: [], issues: [issue(1, 'catalog.import.csv_header')] };
    records = rows.slice(1).map((r, i) => ({ line: i + 2, value: { code: r[idx.code] ?? '', domain: r[idx.domain] ?? '', title: r[idx.title] ?? '' } }));
  } else {
    return { competences: [], issues: [issue(null, 'catalog.import.file_type')] };
  }
  if (records.length === 0) issues.push(issue(null, 'catalog.import.empty'));
  if (records.length > MAX_COMPETENCES) issues.push(issue(null, 'catalog.import.too_many', { max: MAX_COMPETENCES }));
  const competences: Competence[] = [];
  const seen = new Set<string>();
  for (const { line, value } of records.slice(0, MAX_COMPETENCES)) {
    const parsed = CompetenceSchema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      issues.push(issue(line, 'catalog.import.invalid_row', { field: String(first.path[0] ?? '') }));
      continue;
    }
    if (seen.has(parsed.data.code)) {
      issues.push(issue(line, 'catalog.import.duplicate', { code: parsed.data.code }));
      continue;
    }
    seen.add(parsed.data.code);
    competences.push(parsed.data);
  }
  return { competences, issues: issues.slice(0, 20) };
}

/**
 * Imports (or replaces) a framework from an uploaded file; administrators only. A re-import may not drop
 * codes that sessions target (409 listing them).
 */
export async function importFramework(deps: CatalogDeps, actor: Actor, form: FrameworkForm, upload: Upload | undefined): Promise<number> {
  if (!actor.isAdmin) throw new ForbiddenError('Administrator role required');
  if (!upload) throw new ValidationError('No file', [{ path: 'file', message: 'catalog.errors.file_required' }]);
  const { competences, issues } = parseFrameworkFile(upload.originalname, upload.buffer);
  if (issues.length) throw new ValidationError('Invalid framework file', issues);
  await deps.db.transaction(async (tx) => {
    const used = await usedCodes(tx, form.id);
    const missing = used.filter((code) => !competences.some((c) => c.code === code));
    if (missing.length) {
      throw new ConflictError(`Codes in use cannot be removed: ${missing.join(', ')}`, { messageKey: 'catalog.import.codes_in_use', details: [{ path: 'file', message: missing.join(', ') }] });
    }
    await upsertFramework(tx, { id: form.id, title: form.title, source: null }, competences);
  });
  return competences.length;
}
