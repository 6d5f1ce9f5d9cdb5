import type { Translate } from '../platform/i18n';
import type { FieldIssue } from '../platform/errors';
import type { Rule } from './rules';
import type { Verification } from './verify.service';

/** Presenters of the badges slice: Paris dates (with "1er"), rule sentences, navigation, verification outcome. */

/** An instant or a calendar day as a Paris date: "1er mars 2026", "2 March 2026". */
export function parisDate(value: Date | string, locale: string): string {
  const date = typeof value === 'string' ? new Date(`${value}T12:00:00Z`) : value;
  const text = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' }).format(date);
  return locale === 'en' ? text : text.replace(/^1 /, '1er ');
}

/** A message with a real plural: `key_one` or `key_other` by the locale's plural rules (French: 0 and 1 are "one"). */
export function plural(t: Translate, locale: string, key: string, count: number, vars: Record<string, unknown> = {}): string {
  const form = new Intl.PluralRules(locale === 'en' ? 'en' : 'fr').select(count) === 'one' ? 'one' : 'other';
  return t(`${key}_${form}`, { count, ...vars });
}

/** The rule as a sentence for the pages. */
export function describeRule(t: Translate, rule: Rule, names: { session?: string | null; series?: string | null; competence?: string | null }, locale: string): string {
  if (rule.kind === 'session-completed') return t('badges.rules.session_completed_text', { session: names.session ?? '' });
  if (rule.kind === 'positioning-gain') return plural(t, locale, 'badges.rules.positioning_gain_text', rule.gain, { competence: names.competence ?? `${rule.framework} ${rule.code}` });
  if (rule.kind === 'manual') return t('badges.rules.manual_text');
  if (rule.kind === 'fabrique-joined') return plural(t, locale, 'badges.rules.fabrique_joined_text', rule.count);
  if (rule.kind === 'presented') return plural(t, locale, 'badges.rules.presented_text', rule.count);
  const parts = [plural(t, locale, 'badges.rules.sessions_count_text', rule.count)];
  if (rule.seriesId) parts.push(t('badges.rules.in_series', { series: names.series ?? '' }));
  if (rule.from && rule.to) parts.push(t('badges.rules.between', { from: parisDate(rule.from, locale), to: parisDate(rule.to, locale) }));
  else if (rule.from) parts.push(t('badges.rules.since', { from: parisDate(rule.from, locale) }));
  else if (rule.to) parts.push(t('badges.rules.until', { to: parisDate(rule.to, locale) }));
  return parts.join(' ');
}

/** Field errors, translated: the first per field (zod's own messages become "invalid value"). */
export function fieldErrors(issues: FieldIssue[] | undefined, t: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues ?? []) {
    const field = issue.path.split('.')[0] || 'form';
    if (!out[field]) out[field] = issue.message.startsWith('badges.') ? t(issue.message) : t('badges.errors.invalid');
  }
  return out;
}

/** The verification outcome for the page. */
export function presentVerification(t: Translate, v: Verification, locale: string) {
  return {
    valid: v.valid,
    headline: t(v.valid ? 'badges.verify.valid' : 'badges.verify.invalid'),
    format: v.format ? t(`badges.verify.formats.${v.format}`) : null,
    problems: v.problems.map((p) => t(`badges.verify.problems.${p}`)),
    badge: v.badge?.name ?? null,
    issuer: v.issuer ?? null,
    recipient: v.recipient ? `${v.recipient.hash} (${t(`badges.verify.recipient_types.${v.recipient.type}`)}, ${t('badges.verify.salt')} ${v.recipient.salt})` : null,
    issuedOn: v.issuedOn ? parisDate(v.issuedOn, locale) : null,
    revoked: v.problems.includes('revoked'),
    revocationReason: v.revocationReason ?? null,
    emailMatches: v.emailMatches === undefined ? null : t(v.emailMatches ? 'badges.verify.email_matches' : 'badges.verify.email_differs'),
  };
}
