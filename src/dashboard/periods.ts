/**
 * Fixed calendar buckets for the dashboards: a school year (1 September to 31 August), its three terms
 * (September–December, January–March, April–August) or a month, in Paris time. Never free start and end
 * dates: two windows that differ by one day would tell what the people of that day did.
 */

export type PeriodKind = 'year' | 'term' | 'month';

export interface Period {
  /** As in the URL: "2025-2026", "2025-2026-T2", "2026-01". */
  id: string;
  kind: PeriodKind;
  /** School year starting in September of this year. */
  schoolYear: number;
  /** Term 1–3 (term), month 1–12 (month). */
  index: number;
  /** For a month: its calendar year. */
  year: number;
  from: Date;
  until: Date;
}

const TZ = 'Europe/Paris';
const offsetFmt = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, timeZoneName: 'longOffset' });

/** The instant of midnight in Paris on a calendar day (month 1–12, possibly 13 = January next year). */
export function parisMidnight(year: number, month: number, day = 1): Date {
  const guess = Date.UTC(year, month - 1, day);
  const off = (d: number) => {
    const name = offsetFmt.formatToParts(new Date(d)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000 : 0;
  };
  return new Date(guess - off(guess - off(guess)));
}

const TERM_MONTHS: Array<[number, number]> = [[9, 13], [13, 16], [16, 21]]; // months from September (9) as 9–20

/** The school year (its September's calendar year) of an instant, in Paris time. */
export function schoolYearOf(d: Date): number {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).format(d).split('-').map(Number) as [number, number];
  return m >= 9 ? y : y - 1;
}

const monthOf = (schoolYear: number, m: number): [number, number] => (m > 12 ? [schoolYear + 1, m - 12] : [schoolYear, m]);

export function yearPeriod(schoolYear: number): Period {
  return { id: `${schoolYear}-${schoolYear + 1}`, kind: 'year', schoolYear, index: 0, year: schoolYear, from: parisMidnight(schoolYear, 9), until: parisMidnight(schoolYear + 1, 9) };
}

export function termPeriod(schoolYear: number, term: number): Period {
  const [a, b] = TERM_MONTHS[term - 1]!;
  const [fy, fm] = monthOf(schoolYear, a);
  const [uy, um] = monthOf(schoolYear, b);
  return { id: `${schoolYear}-${schoolYear + 1}-T${term}`, kind: 'term', schoolYear, index: term, year: fy, from: parisMidnight(fy, fm), until: parisMidnight(uy, um) };
}

export function monthPeriod(year: number, month: number): Period {
  const schoolYear = month >= 9 ? year : year - 1;
  return { id: `${year}-${String(month).padStart(2, '0')}`, kind: 'month', schoolYear, index: month, year, from: parisMidnight(year, month), until: parisMidnight(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1) };
}

/** Parses a period id; undefined when it is not one. */
export function parsePeriod(id: string): Period | undefined {
  let m = /^(\d{4})-(\d{4})$/.exec(id);
  if (m && Number(m[2]) === Number(m[1]) + 1) return yearPeriod(Number(m[1]));
  m = /^(\d{4})-(\d{4})-T([123])$/.exec(id);
  if (m && Number(m[2]) === Number(m[1]) + 1) return termPeriod(Number(m[1]), Number(m[3]));
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(id);
  if (m) return monthPeriod(Number(m[1]), Number(m[2]));
  return undefined;
}

/** The bucket just before, of the same kind. */
export function previousPeriod(p: Period): Period {
  if (p.kind === 'year') return yearPeriod(p.schoolYear - 1);
  if (p.kind === 'term') return p.index === 1 ? termPeriod(p.schoolYear - 1, 3) : termPeriod(p.schoolYear, p.index - 1);
  return p.index === 1 ? monthPeriod(p.year - 1, 12) : monthPeriod(p.year, p.index - 1);
}

/** The terms of a school year. */
export const termsOf = (schoolYear: number) => [1, 2, 3].map((t) => termPeriod(schoolYear, t));

/** The twelve months of a school year, September first. */
export const monthsOf = (schoolYear: number) => Array.from({ length: 12 }, (_, i) => monthPeriod(...monthOf(schoolYear, 9 + i)));

/** Every period of a school year: the year, its terms and its months (`months: false` leaves them out). */
export function periodsOf(schoolYear: number, o: { months?: boolean } = {}): Period[] {
  return [yearPeriod(schoolYear), ...termsOf(schoolYear), ...(o.months === false ? [] : monthsOf(schoolYear))];
}

/** A period's name in the page's language: "année scolaire 2025-2026", "1er trimestre 2025-2026", "janvier 2026". */
export function periodLabel(p: Period, t: (key: string, vars?: Record<string, unknown>) => string, locale: string): string {
  const years = `${p.schoolYear}-${p.schoolYear + 1}`;
  if (p.kind === 'year') return t('dashboard.period_year', { years });
  if (p.kind === 'term') return t(`dashboard.period_term_${p.index}`, { years });
  return monthName(p, locale);
}

/** "janvier 2026" / "January 2026". */
export function monthName(p: Period, locale: string): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { month: 'long', year: 'numeric', timeZone: TZ }).format(new Date(p.from.getTime() + 12 * 3600_000));
}
