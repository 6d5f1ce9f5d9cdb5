import { csvDocument } from '../platform/csv';
import type { Translate } from '../platform/i18n';
import type { Compared, overview } from './dashboard.service';
import type { FiltersInput } from './dashboard.schema';
import { monthName, periodLabel, type Period } from './periods';

/**
 * Page models: every chart comes with a table of the same data and a one-sentence summary; every table
 * can be downloaded as CSV. Presenters get released figures only (null: hidden), from the services.
 */

export interface Cell {
  text: string;
  csv: string | number;
  href?: string;
  numeric?: boolean;
}
export interface Table {
  id: string;
  caption: string;
  headers: string[];
  rows: Cell[][];
  csvUrl: string;
}
export interface Chart {
  id: string;
  type: 'bar' | 'line';
  labels: string[];
  datasets: Array<{ label: string; data: Array<number | null>; axis?: 'y2' }>;
  summary: string;
  percent?: boolean;
  yTitle?: string;
  y2Title?: string;
}
export interface Section {
  id: string;
  heading: string;
  intro?: string;
  /** Plain-language explanations of the statistics of the section: what it means, when to trust it. */
  explain?: Array<{ term: string; text: string }>;
  chart?: Chart;
  table?: Table;
  empty?: string;
}

export interface Fmt {
  t: Translate;
  locale: string;
  minGroup: number;
  minGroupText: number;
  /** The page's URL with its query, for CSV links. */
  url: (params: Record<string, string>) => string;
}

const intl = (f: Fmt) => (f.locale === 'en' ? 'en-GB' : 'fr-FR');
export const pct = (f: Fmt, v: number | null) => (v === null ? '' : new Intl.NumberFormat(intl(f), { style: 'percent', maximumFractionDigits: 0 }).format(v));
export const dec = (f: Fmt, v: number | null, digits = 2) => (v === null ? '' : new Intl.NumberFormat(intl(f), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v));
export const int = (f: Fmt, v: number) => new Intl.NumberFormat(intl(f)).format(v);
export const dateText = (f: Fmt, d: Date) => new Intl.DateTimeFormat(intl(f), { dateStyle: 'medium', timeZone: 'Europe/Paris' }).format(d);

/** A message with a real plural: `key_one` or `key_other` by the locale's rules (French: 0 and 1 are singular). */
export const tn = (f: Fmt, key: string, count: number, vars: Record<string, unknown> = {}) =>
  f.t(`${key}_${new Intl.PluralRules(intl(f)).select(count) === 'one' ? 'one' : 'other'}`, { count: int(f, count), ...vars });

/** A figure the disclosure layer withheld: fewer than the threshold, or hidden so that another cannot be worked out. */
export const hidden = (f: Fmt, _min = f.minGroup): Cell => ({ text: f.t('dashboard.hidden_short'), csv: f.t('dashboard.hidden_short') });
/** A released count: the number, or "fewer than N" / "hidden" when the layer withheld it. */
export const count = (f: Fmt, v: number | null, min?: number): Cell => (v === null ? hidden(f, min) : { text: int(f, v), csv: v, numeric: true });
export const ratio = (f: Fmt, v: number | null): Cell => (v === null ? hidden(f) : { text: pct(f, v), csv: Number(v.toFixed(4)), numeric: true });
export const decimal = (f: Fmt, v: number | null, digits = 2): Cell => (v === null ? { text: '—', csv: '' } : { text: dec(f, v, digits), csv: Number(v.toFixed(4)), numeric: true });
export const text = (v: string, href?: string): Cell => ({ text: v, csv: v, ...(href ? { href } : {}) });

export function table(f: Fmt, id: string, caption: string, headers: string[], rows: Cell[][]): Table {
  return { id, caption, headers, rows, csvUrl: f.url({ format: 'csv', table: id }) };
}

/** The explanations of a section from locale keys `dashboard.explain_<key>` (term) and `..._text`. */
export const explain = (f: Fmt, ...keys: string[]) => keys.map((k) => ({ term: f.t(`dashboard.explain_${k}`), text: f.t(`dashboard.explain_${k}_text`, { n: f.minGroup }) }));

/** Renders a table as CSV (platform/csv: formulas neutralised, BOM, semicolons and decimal commas in French). */
export function toCsv(t: Table, locale: string): string {
  return csvDocument([t.headers, ...t.rows.map((r) => r.map((c) => c.csv))], locale === 'fr' ? ';' : ',', locale === 'fr');
}

export interface Kpi {
  label: string;
  value: string;
  previous: string;
  trend: string;
  trendClass: string;
}

function kpi(f: Fmt, label: string, c: Compared, show: (v: number | null) => string): Kpi {
  // A change that rounds to 0 % reads as stable, never "↘ -0 %".
  const rounded = c.trend === null ? null : Math.round(c.trend * 100);
  const dir = rounded === null ? '' : rounded > 0 ? '↗' : rounded < 0 ? '↘' : '→';
  return {
    label,
    value: c.current === null ? f.t('dashboard.hidden_short') : show(c.current),
    previous: c.previous === null ? f.t('dashboard.no_previous') : f.t('dashboard.previous_value', { value: show(c.previous) }),
    trend: rounded === null ? '' : rounded === 0 ? `${dir} ${f.t('dashboard.trend_stable')}` : `${dir} ${rounded > 0 ? '+' : '−'}${pct(f, Math.abs(rounded) / 100)}`,
    trendClass: rounded === null || rounded === 0 ? '' : rounded > 0 ? 'text-success' : 'text-danger',
  };
}

type OverviewData = Extract<Awaited<ReturnType<typeof overview>>, { tooFew: false }>;

const sessionHref = (key: string, id: string | null) => `/organiser/dashboard/sessions/${encodeURIComponent(id ?? key)}`;

export function presentOverview(f: Fmt, d: OverviewData) {
  const t = f.t;
  const kpis = [
    kpi(f, t('dashboard.kpi_sessions'), d.kpis.sessionsHeld, (v) => int(f, v!)),
    kpi(f, t('dashboard.kpi_attendees'), d.kpis.attendees, (v) => int(f, v!)),
    kpi(f, t('dashboard.kpi_attendance'), d.kpis.attendanceRate, (v) => pct(f, v)),
    kpi(f, t('dashboard.kpi_completion'), d.kpis.completionRate, (v) => pct(f, v)),
    kpi(f, t('dashboard.kpi_satisfaction'), d.kpis.satisfaction, (v) => `${dec(f, v, 1)} / 5`),
  ];
  const serviceRows = d.services.map((s) => [text(s.service || t('dashboard.service_unknown')), count(f, s.people), s.previous === undefined ? text('—') : count(f, s.previous)]);
  const shownServices = d.services.filter((s) => s.people !== null && s.service !== '');
  const noService = d.services.find((s) => s.service === '');
  const sections: Section[] = [];
  if (d.dim === 'all') {
    const anyHidden = d.services.some((s) => s.people === null);
    const top = anyHidden ? undefined : [...shownServices].sort((a, b) => b.people! - a.people!)[0];
    sections.push({
      id: 'reach',
      heading: t('dashboard.reach_heading'),
      intro: noService ? t('dashboard.reach_no_service', { people: noService.people === null ? t('dashboard.hidden_short') : int(f, noService.people) }) : undefined,
      chart: {
        id: 'reach',
        type: 'bar',
        labels: serviceRows.map((r) => r[0]!.text),
        datasets: [1, 2].map((col) => ({ label: t(col === 1 ? 'dashboard.col_people' : 'dashboard.col_previous'), data: serviceRows.map((r) => (typeof r[col]!.csv === 'number' ? (r[col]!.csv as number) : null)) })),
        summary: top ? tn(f, 'dashboard.reach_summary', shownServices.length, { top: top.service, people: int(f, top.people!) }) : tn(f, 'dashboard.reach_summary_hidden', shownServices.length),
      },
      table: table(f, 'reach', t('dashboard.reach_heading'), [t('dashboard.col_service'), t('dashboard.col_people'), t('dashboard.col_previous')], serviceRows),
    });
  }
  if (d.months.length) {
    sections.push({
      id: 'months',
      heading: t('dashboard.months_heading'),
      chart: { id: 'months', type: 'line', labels: d.months.map((m) => monthName(m.month, f.locale)), datasets: [{ label: t('dashboard.col_attendees'), data: d.months.map((m) => m.people) }], summary: monthSummary(f, d.months) },
      table: table(f, 'months', t('dashboard.months_heading'), [t('dashboard.col_month'), t('dashboard.col_attendees')], d.months.map((m) => [text(monthName(m.month, f.locale)), count(f, m.people)])),
    });
  }
  sections.push(
    d.sessions === null
      ? { id: 'sessions', heading: t('dashboard.sessions_heading'), empty: t('dashboard.sessions_group_hidden') }
      : {
          id: 'sessions',
          heading: t('dashboard.sessions_heading'),
          table: table(
            f,
            'sessions',
            t('dashboard.sessions_heading'),
            [t('dashboard.col_session'), t('dashboard.col_date'), t('dashboard.col_attendees'), t('dashboard.col_completion'), t('dashboard.col_satisfaction')],
            d.sessions.map((s) => [text(s.title ?? s.sessionKey, sessionHref(s.sessionKey, s.sessionId)), text(dateText(f, s.heldAt)), count(f, s.attendees), ratio(f, s.completionRate), decimal(f, s.satisfaction, 1)]),
          ),
          empty: d.sessions.length ? undefined : t('dashboard.none'),
        },
  );
  return { kpis, sections };
}

function monthSummary(f: Fmt, months: Array<{ month: Period; people: number | null }>): string {
  const known = months.filter((m) => m.people !== null);
  if (!known.length) return f.t('dashboard.months_summary_none');
  if (known.length < months.length) return tn(f, 'dashboard.months_summary_hidden', months.length);
  const best = known.reduce((a, b) => (b.people! > a.people! ? b : a));
  return tn(f, 'dashboard.months_summary', months.length, { best: monthName(best.month, f.locale), people: int(f, best.people!) });
}

export interface Choices {
  periods: Period[];
  series: Array<{ key: string; title: string | null }>;
  courses: Array<{ key: string; title: string | null }>;
  services: string[];
  jobFamilies: string[];
  sessions: Array<{ key: string; id: string | null; title: string | null; heldAt: Date }>;
}

/** The filter form's model: current values and choices (periods by school year, sessions with their date). */
export function presentFilters(f: Fmt, input: Partial<FiltersInput>, current: Period, choices: Choices, o: { months: boolean }) {
  const opt = (list: Array<{ key: string; title: string | null }>, value: string | undefined) => list.map((x) => ({ value: x.key, label: x.title ?? x.key, selected: x.key === value }));
  const years = [...new Set(choices.periods.map((p) => p.schoolYear))].sort((a, b) => b - a);
  return {
    periodGroups: years.map((y) => ({
      label: f.t('dashboard.period_year', { years: `${y}-${y + 1}` }),
      options: choices.periods.filter((p) => p.schoolYear === y && (o.months || p.kind !== 'month')).map((p) => ({ value: p.id, label: periodLabel(p, f.t, f.locale), selected: p.id === current.id })),
    })),
    series: opt(choices.series, input.series),
    courses: opt(choices.courses, input.course),
    services: choices.services.map((s) => ({ value: s, label: s, selected: s === input.service })),
    jobFamilies: choices.jobFamilies.map((s) => ({ value: s, label: s, selected: s === input.job })),
    sessions: choices.sessions.map((s) => ({ value: s.id ?? s.key, label: `${dateText(f, s.heldAt)} — ${s.title ?? s.key}` })),
    anyLabel: f.t('dashboard.filter_any'),
  };
}
