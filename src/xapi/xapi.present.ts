import { formatParisDateTime } from '../platform/dates';
import type { Translate } from '../platform/i18n';
import { summariseAnswer } from '../platform/remote-answer';
import type { DeadLetter, DestinationStatus } from './forwarding/operations';

/** Formats a lag in seconds for people: "42 s", "3 min 05 s", "2 h 10 min". */
export function formatLag(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
}

/** The operations page of forwarding: one row per destination, then the latest dead letters. */
export function presentAdmin(o: { statuses: DestinationStatus[]; dead: DeadLetter[]; done?: string; count: number; t: Translate; locale: string }) {
  const fmt = (d: Date | null) => (d ? formatParisDateTime(d, o.locale) : '—');
  const names = new Map(o.statuses.map((s) => [s.id, s.name]));
  return {
    title: o.t('xapi.admin_title'),
    notice: o.done === 'replayed' ? o.t('xapi.notice_replayed', { count: o.count }) : o.done === 'resent' ? o.t('xapi.notice_resent', { count: o.count }) : null,
    hasDestinations: o.statuses.length > 0,
    destinations: o.statuses.map((s) => ({
      id: s.id,
      name: s.name,
      endpoint: s.endpoint,
      version: s.version,
      state: s.enabled ? (s.pausedUntil ? o.t('xapi.state_retrying', { at: fmt(s.pausedUntil) }) : o.t('xapi.state_active')) : o.t('xapi.state_disabled'),
      filter: [...s.filter.verbs, ...s.filter.activities].join(', ') || o.t('xapi.filter_all'),
      pending: s.pending,
      lag: formatLag(s.lagSeconds),
      dead: s.dead,
      delivered: s.deliveredCount,
      lastDeliveredAt: fmt(s.lastDeliveredAt),
      lastError: s.lastError,
      lastErrorAt: fmt(s.lastErrorAt),
    })),
    deadLetters: o.dead.map((d) => ({
      id: d.id,
      destination: names.get(d.destinationId) ?? d.destinationId,
      statementId: d.statementId,
      deadAt: fmt(d.deadAt),
      status: d.remoteStatus ?? '—',
      answer: summariseAnswer(d.remoteBody ?? d.error, 500),
    })),
  };
}
