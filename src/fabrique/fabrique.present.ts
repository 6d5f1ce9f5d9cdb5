import type { FieldIssue } from '../platform/errors';
import type { Translate } from '../platform/i18n';
import { firstNameOf } from './board.service';
import type { Stage } from './fabrique.tables';
import type { DeliverableRow, ProjectRow } from './projects.repo';

/** Presenters of la Fabrique: labels, Paris dates (with "1er"), the navigation, form errors. */

const TZ = 'Europe/Paris';
const dayFormat = new Map<string, Intl.DateTimeFormat>();

/** A calendar day (`YYYY-MM-DD`) or an instant as a Paris date: "1er mars 2026", "2 March 2026". */
export function formatDay(value: string | Date | null | undefined, locale: string): string {
  if (value === null || value === undefined || value === '') return '';
  const d = typeof value === 'string' ? new Date(`${value}T12:00:00Z`) : value;
  if (Number.isNaN(d.getTime())) return '';
  const tag = locale === 'en' ? 'en-GB' : 'fr-FR';
  if (!dayFormat.has(tag)) dayFormat.set(tag, new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ }));
  const text = dayFormat.get(tag)!.format(d);
  return locale === 'en' ? text : text.replace(/^1 /, '1er ');
}

/** An instant as a Paris date and time. */
export function formatDateTime(value: Date, locale: string): string {
  const time = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: TZ }).format(value);
  return locale === 'en' ? `${formatDay(value, locale)}, ${time}` : `${formatDay(value, locale)} à ${time}`;
}

export const stageLabel = (t: Translate, stage: Stage) => t(`fabrique.stage.${stage}`);
export const STAGE_CLASS: Record<Stage, string> = {
  proposed: 'text-bg-secondary',
  declined: 'text-bg-dark',
  investigation: 'text-bg-info',
  construction: 'text-bg-primary',
  acceleration: 'text-bg-success',
  transferred: 'text-bg-success',
  stopped: 'text-bg-dark',
};

/** The time-box in words: "une semaine", "un jour par semaine pendant 8 semaines", or the custom text. */
export function timeboxText(t: Translate, p: Pick<ProjectRow, 'timeboxKind' | 'timeboxWeeks' | 'timeboxCustom'>): string {
  if (p.timeboxKind === 'week') return t('fabrique.timebox.week');
  if (p.timeboxKind === 'weekly') return t(p.timeboxWeeks === 1 ? 'fabrique.timebox.weekly_one' : 'fabrique.timebox.weekly', { weeks: p.timeboxWeeks ?? 0 });
  if (p.timeboxKind === 'custom') return p.timeboxCustom ?? '';
  return '';
}

/** The time asked by an invitation, as stored (a facilitator's invitation stores the time-box code). */
export function timeAskedText(t: Translate, text: string): string {
  if (text === 'week') return t('fabrique.timebox.week');
  const m = /^weekly:(\d+)$/.exec(text);
  if (m) return t(m[1] === '1' ? 'fabrique.timebox.weekly_one' : 'fabrique.timebox.weekly', { weeks: m[1] });
  return text;
}

/** A person as others see them: their name (never their e-mail address), or "someone" when unknown. */
export function personName(t: Translate, p: { name: string | null; givenName?: string | null } | undefined | null): string {
  return p?.name?.trim() || p?.givenName?.trim() || t('fabrique.someone');
}

export function firstName(t: Translate, p: { name: string | null; givenName: string | null }): string {
  return firstNameOf(p) ?? t('fabrique.someone');
}

/** Hours as a number in the page's language ("1,5"). */
export function formatNumber(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined) return '';
  return new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { maximumFractionDigits: 2 }).format(n);
}

/** A plural message: `key_one` for 1 (and 0 in French), `key_other` otherwise. */
export function plural(t: Translate, key: string, count: number, locale: string, vars: Record<string, unknown> = {}): string {
  const one = locale === 'en' ? count === 1 : count < 2;
  return t(`${key}_${one ? 'one' : 'other'}`, { count: formatNumber(count, locale), ...vars });
}

export function presentDeliverables(t: Translate, list: DeliverableRow[], locale: string) {
  return list.map((d) => ({ id: d.id, title: d.title, due: formatDay(d.dueOn, locale), dueOn: d.dueOn, status: d.status, statusLabel: t(`fabrique.deliverable.${d.status}`), delivered: d.status === 'delivered' }));
}

/** Impact against target: "12 / 40 (30 %)". */
export function presentImpact(t: Translate, p: Pick<ProjectRow, 'impactMeasure' | 'impactTarget' | 'impactCurrent'>, locale: string) {
  if (!p.impactMeasure) return null;
  const share = p.impactTarget && p.impactCurrent !== null ? Math.min(100, Math.round((p.impactCurrent / p.impactTarget) * 100)) : null;
  return {
    measure: p.impactMeasure,
    target: formatNumber(p.impactTarget, locale),
    current: p.impactCurrent === null ? t('fabrique.impact.not_measured') : formatNumber(p.impactCurrent, locale),
    share,
    shareText: share === null ? '' : t('fabrique.impact.share', { share }),
  };
}

/** The Fabrique's navigation; committee and directory links only for those who may use them. */
export function fabriqueNav(t: Translate, active: string, who: { committee: boolean; staffing: boolean }) {
  const items = [
    { key: 'home', href: '/fabrique' },
    { key: 'board', href: '/fabrique/board' },
    { key: 'proposals', href: '/fabrique/proposals' },
    { key: 'mine', href: '/fabrique/me/teams' },
    { key: 'entry', href: '/fabrique/me/directory' },
    ...(who.staffing ? [{ key: 'directory', href: '/fabrique/directory' }] : []),
    ...(who.committee ? [{ key: 'committee', href: '/fabrique/committee' }] : []),
  ];
  return items.map((i) => ({ href: i.href, label: t(`fabrique.nav.${i.key}`), active: i.key === active }));
}

/** The first message per field, translated (zod's own messages become a generic "invalid value"). */
export function fieldErrors(issues: FieldIssue[] | undefined, t: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues ?? []) {
    const f = issue.path.split('.')[0] || 'form';
    const field = f === 'deliverableTitle' || f === 'deliverableDue' ? 'deliverables' : f;
    if (out[field]) continue;
    out[field] = issue.message.startsWith('fabrique.') ? t(issue.message) : t('fabrique.errors.invalid');
  }
  return out;
}

/** A form field as `views/partials/fabrique/field.hbs` draws it. */
export function field(f: { kind: string; id: string; name?: string; label: string; value?: string; help?: string; required?: boolean; rows?: number; options?: Array<{ value: string; label: string; selected?: boolean }>; attrs?: string }, errors: Record<string, string>) {
  const name = f.name ?? f.id;
  const error = errors[name];
  const ids = [f.help ? `${f.id}-help` : null, error ? `${f.id}-error` : null].filter(Boolean);
  return { ...f, name, error, describedBy: ids.length ? ids.join(' ') : undefined, [`is_${f.kind}`]: true };
}

/** A posted value as a string, to show a form again with what was typed. */
export function raw(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : '';
}

export function rawList(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
