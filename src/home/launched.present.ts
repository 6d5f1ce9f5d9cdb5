import { formatWhen, statusBadge, type CatalogSession } from '../catalog';
import type { Actor } from '../lti';
import type { Translate } from '../platform/i18n';
import type { organiserHome, participantHome } from './home.service';

/** Turns the home's data into what `views/home/launched.hbs` shows (no rows reach the template). */

type Organiser = Awaited<ReturnType<typeof organiserHome>>;
type Participant = Awaited<ReturnType<typeof participantHome>>;

function line(s: CatalogSession, t: Translate, locale: string, href: string) {
  return { id: s.id, title: s.title, href, when: formatWhen(s.startsAt, s.endsAt, locale), place: s.place, status: statusBadge(t, s.status) };
}

const greeting = (actor: Actor, t: Translate) => (actor.name ? t('home.me.hello_name', { name: actor.name }) : t('home.me.hello'));

/** A participant's home. */
export function presentParticipantHome(v: Participant, actor: Actor, t: Translate, locale: string) {
  return {
    title: t('home.me.title'),
    greeting: greeting(actor, t),
    participant: true,
    current: v.current ? line(v.current, t, locale, `/sessions/${v.current.id}`) : null,
    upcoming: v.upcoming.map((r) => ({ ...line(r.session, t, locale, `/sessions/${r.session.id}`), attended: r.attended })),
    past: v.past.map((r) => ({
      ...line(r.session, t, locale, `/sessions/${r.session.id}`),
      completed: r.completed,
      followUp: r.followUpOpen ? `/sessions/${r.session.id}/follow-up` : null,
    })),
    suggestions: v.suggestions.map((s) => line(s, t, locale, `/sessions/${s.id}`)),
  };
}

/** An organiser's (or an administrator's) home. */
export function presentOrganiserHome(v: Organiser, actor: Actor, t: Translate, locale: string) {
  const manage = (s: CatalogSession) => line(s, t, locale, `/organiser/sessions/${s.id}`);
  const attention = v.drafts.length + v.thisWeek.length + v.failedGrades.length + v.pendingRegistrations + (v.unboundActivity ? 1 : 0);
  return {
    title: t('home.me.title'),
    greeting: greeting(actor, t),
    organiser: true,
    isAdmin: actor.isAdmin,
    contextTitle: actor.contextTitle,
    canCreate: actor.isAdmin || Boolean(actor.contextRef),
    current: v.current ? manage(v.current) : null,
    unboundActivity: v.unboundActivity,
    nothingToDo: attention === 0,
    drafts: v.drafts.map(manage),
    moreDrafts: v.draftCount > v.drafts.length ? t('home.organiser.more_drafts', { count: v.draftCount }) : null,
    thisWeek: v.thisWeek.map((s) => ({ ...manage(s), checkin: s.status === 'published' ? `/organiser/sessions/${s.id}/checkin` : null })),
    failedGrades: v.failedGrades.map((f) => ({ ...manage(f.session), grades: `/organiser/sessions/${f.session.id}/grades`, refused: t('home.organiser.refused_count', { count: f.count }) })),
    next: v.next.map(manage),
    noSessions: v.sessionCount === 0,
    pendingRegistrations: v.pendingRegistrations ? t('home.organiser.pending_registrations', { count: v.pendingRegistrations }) : null,
  };
}
