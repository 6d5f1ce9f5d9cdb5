import type { Config } from '../platform/config';
import { formatParisDateTime, formatParisDay } from '../platform/dates';
import type { Translate } from '../platform/i18n';
import type { PersonalTable, Purpose, Retention } from '../platform/personal-data';
import type { HeldCopies } from '../xapi';
import type { PersonalExport } from './export.service';
import { personalTables, REGISTRY } from './registry';
import { unitOf, type RetentionItem } from './retention.service';
import type { PersonRow } from './subject.repo';

/** Presenters of the privacy pages: registry entries and rows turned into the sentences and tables shown. */

/** A retention rule in words: "24 mois", "tant que vous utilisez Instants"… */
export function retentionText(r: Retention, config: Config, t: Translate): string {
  if (r.kind === 'period' || r.kind === 'custom') {
    const duration = t(`privacy.unit.${unitOf(r.setting)}`, { count: config.retention[r.setting] });
    return t(r.setting === 'freeTextMonths' ? 'privacy.retention.blank' : 'privacy.retention.period', { duration });
  }
  return t(`privacy.retention.${r.kind}`);
}

const list = (items: string[]) => [...new Set(items)].join(' ; ');

/** "Vos données": each kind of data Instants may hold, why, for how long, who sees it, and how many items the person has. */
export function presentMe(counts: Record<string, number>, copies: HeldCopies[], config: Config, t: Translate, locale: string) {
  const rows = personalTables(REGISTRY)
    .filter((d) => !d.unlinked)
    .map((d) => ({
      table: d.table,
      label: t(`privacy.table.${d.table}`),
      purpose: t(`privacy.purpose.${d.purpose}`),
      retention: list(d.retention.map((r) => retentionText(r, config, t))),
      recipients: d.recipients.length ? list(d.recipients.map((r) => t(`privacy.recipient.${r}`))) : t('privacy.me.only_you'),
      count: counts[d.table] ?? 0,
      countText: t('privacy.me.items', { count: counts[d.table] ?? 0 }),
    }));
  return {
    held: rows.filter((r) => r.count > 0),
    others: rows.filter((r) => r.count === 0),
    destinations: copies.map((c) => ({
      name: c.name ?? t('privacy.me.removed_destination'),
      statements: t('privacy.me.statements', { count: c.statements }),
      period: t('privacy.me.between', { first: formatParisDay(c.firstAt, locale), last: formatParisDay(c.lastAt, locale) }),
    })),
    contact: config.privacyContact,
  };
}

/** The register of processing (RGPD art. 30): one entry per purpose, with what each one covers. */
export function presentRegister(destinations: Array<{ name: string; endpoint: string; enabled: boolean }>, config: Config, t: Translate) {
  const byPurpose = new Map<Purpose, Array<PersonalTable & { slice: string }>>();
  for (const d of personalTables(REGISTRY)) byPurpose.set(d.purpose, [...(byPurpose.get(d.purpose) ?? []), d]);
  return {
    entries: [...byPurpose].map(([purpose, tables]) => ({
      purpose: t(`privacy.purpose.${purpose}`),
      basis: list(tables.map((d) => t(`privacy.basis.${d.basis}`))),
      categories: list(tables.flatMap((d) => d.holds.map((c) => t(`privacy.category.${c}`)))),
      recipients: list(tables.flatMap((d) => d.recipients.map((r) => t(`privacy.recipient.${r}`)))) || t('privacy.register.no_recipient'),
      tables: tables.map((d) => ({
        table: d.table,
        slice: d.slice,
        label: t(`privacy.table.${d.table}`),
        retention: list(d.retention.map((r) => retentionText(r, config, t))),
        erasure: list(d.erasure.map((e) => t(`privacy.erasure.${e}`))) || t('privacy.erasure.none'),
        exported: t(d.exported ? 'privacy.register.exported' : 'privacy.register.not_exported'),
      })),
    })),
    destinations: destinations.map((d) => ({ name: d.name, endpoint: d.endpoint, state: t(d.enabled ? 'privacy.register.enabled' : 'privacy.register.disabled') })),
    departures: t(config.departures.erase ? 'privacy.register.departures_erase' : 'privacy.register.departures_flag', { duration: t('privacy.unit.days', { count: config.departures.days }) }),
    contact: config.privacyContact,
  };
}

/** A person found by the administrator's search. */
export function presentPersonRow(p: PersonRow, t: Translate, locale: string) {
  return {
    id: p.id,
    name: p.name ?? t('privacy.admin.no_name'),
    email: p.email ?? '—',
    issuer: p.issuer,
    sub: p.sub,
    lastLaunch: p.last_launch ? formatParisDateTime(new Date(p.last_launch), locale) : '—',
  };
}

/** What the administrator sees before erasing: the rows per table that would go, and the copies elsewhere. */
export function presentPerson(p: PersonRow, courses: Array<{ title: string | null; context_id: string; last: Date }>, counts: Record<string, number>, copies: HeldCopies[], t: Translate, locale: string) {
  const tables = personalTables(REGISTRY)
    .filter((d) => (counts[d.table] ?? 0) > 0)
    .map((d) => ({ label: t(`privacy.table.${d.table}`), table: d.table, count: counts[d.table]!, how: list(d.erasure.map((e) => t(`privacy.erasure.${e}`))) }));
  return {
    person: presentPersonRow(p, t, locale),
    courses: courses.map((c) => ({ title: c.title ?? c.context_id, last: formatParisDay(new Date(c.last), locale) })),
    tables,
    copies: copies.map((c) => ({ name: c.name ?? t('privacy.me.removed_destination'), statements: t('privacy.me.statements', { count: c.statements }) })),
  };
}

/** The erasure report: what went (per table) and what remains at other LRSs. */
export function presentReport(
  at: Date,
  detail: { reason?: string; tables?: Record<string, number>; statements?: number },
  requests: Array<{ destinationName: string; statements: number; status: string; settledAt: Date | null }>,
  t: Translate,
  locale: string,
) {
  return {
    at: formatParisDateTime(at, locale),
    reason: t(`privacy.report.reason_${detail.reason === 'departure' ? 'departure' : 'request'}`),
    tables: Object.entries(detail.tables ?? {}).map(([table, n]) => ({ label: t(`privacy.table.${table}`), table, count: n })),
    total: Object.values(detail.tables ?? {}).reduce((a, b) => a + b, 0),
    requests: requests.map((r) => ({ name: r.destinationName, statements: t('privacy.me.statements', { count: r.statements }), status: t(`privacy.report.status_${r.status}`), remains: r.status !== 'done' })),
  };
}

/** The dry run: each rule with its cutoff and what would go. */
export function presentRetention(items: RetentionItem[], t: Translate, locale: string) {
  return items.map((i) => ({
    label: t(`privacy.table.${i.table}`),
    table: i.table,
    rule: t(i.action === 'blank' ? 'privacy.retention.blank' : 'privacy.retention.period', { duration: t(`privacy.unit.${i.unit}`, { count: i.value }) }),
    cutoff: formatParisDateTime(i.cutoff, locale),
    rows: t('privacy.retention.rows', { count: i.rows }),
    span: i.oldest && i.newest ? t('privacy.me.between', { first: formatParisDay(i.oldest, locale), last: formatParisDay(i.newest, locale) }) : '',
  }));
}

const MAX_ROWS = 50;
const cell = (v: unknown) => {
  const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

/** The readable summary of an export (the HTML download): each table with up to 50 rows; the JSON has them all. */
export function presentExportSummary(data: PersonalExport, t: Translate, locale: string) {
  const tables = personalTables(REGISTRY)
    .filter((d) => data.tables[d.table]?.rows.length)
    .map((d) => {
      const rows = data.tables[d.table]!.rows;
      const columns = [...new Set(rows.slice(0, MAX_ROWS).flatMap((r) => Object.keys(r)))];
      return {
        label: t(`privacy.table.${d.table}`),
        table: d.table,
        purpose: t(`privacy.purpose.${d.purpose}`),
        count: t('privacy.me.items', { count: rows.length }),
        more: rows.length > MAX_ROWS ? t('privacy.export.more', { count: rows.length - MAX_ROWS }) : null,
        columns,
        rows: rows.slice(0, MAX_ROWS).map((r) => columns.map((c) => cell(r[c]))),
      };
    });
  return {
    at: formatParisDateTime(new Date(data.exportedAt), locale),
    person: data.person,
    destinations: data.forwardedTo.map((f) => ({ name: f.destination ?? t('privacy.me.removed_destination'), statements: t('privacy.me.statements', { count: f.statements }) })),
    tables,
  };
}
