import type { Translate } from '../platform/i18n';
import { FREQUENCIES, OBSTACLES, SCALE_STEPS } from './activities.schema';
import type { ActivityKind } from './activities.tables';
import { renderDescription } from './catalog.port';
import { CHECKIN_MARGIN_MS } from './checkin.service';
import type { ActivityState, OfferOutcome, ParticipantView } from './participant.service';

/** Turns participant views into what the templates show (no rows reach a template). */

/** Moves focus to the message a send produced (`[data-announce]`: saved, refused), so that it is read out. */
export const ANNOUNCE_SCRIPTS = ['/assets/js/activities-announce.js'];

/** The page scripts of activity forms: unsent answers kept across a reload (public/js/activities-drafts.js), and the message after a send focused. */
export const DRAFT_SCRIPTS = ['/assets/js/activities-drafts.js', ...ANNOUNCE_SCRIPTS];

/** Field → message, shown next to the field. */
export type FieldErrors = Record<string, string>;

export const ACTIVITY_PATHS: Record<ActivityKind, string> = {
  'self-positioning': 'positioning',
  quiz: 'quiz',
  needs: 'needs',
  satisfaction: 'satisfaction',
  'follow-up': 'follow-up',
};

/** The navigation of participant pages. */
export function participantNav(t: Translate, sessionId: string | null, active: string) {
  return [
    ...(sessionId ? [{ href: `/sessions/${sessionId}`, label: t('activities.nav.session'), active: active === 'session' }] : []),
    { href: '/me/sessions', label: t('activities.nav.my_sessions'), active: active === 'my-sessions' },
    { href: '/me/offers', label: t('activities.nav.offers'), active: active === 'offers' },
    { href: '/me/profile', label: t('people.nav.profile'), active: false },
    { href: '/fabrique', label: t('fabrique.nav.home'), active: false },
  ];
}

/** A message with a link in place of its `{name}` placeholder: the text either side of it (the template escapes both and the link's label). */
function aroundPlaceholder(t: Translate, key: string, name: string): { before: string; after: string } {
  const marker = `{${name}}`;
  const text = t(key, { [name]: marker });
  const at = text.indexOf(marker);
  return at < 0 ? { before: text, after: '' } : { before: text.slice(0, at), after: text.slice(at + marker.length) };
}

/** "Mes propositions": each offer of the person with what became of it (the session linked when they may open it). */
export function presentMyOffers(t: Translate, offers: Array<{ tool: string; description: string; createdAt: Date; outcome: OfferOutcome }>) {
  return offers.map((o) => ({
    tool: o.tool,
    description: o.description,
    createdAt: o.createdAt,
    session:
      o.outcome.kind === 'taken-up' ? { href: `/sessions/${o.outcome.session.id}`, title: o.outcome.session.title, ...aroundPlaceholder(t, 'activities.offers.mine_taken_up', 'session') } : null,
    status:
      o.outcome.kind === 'open'
        ? t('activities.offers.mine_open')
        : o.outcome.kind === 'taken-up-draft'
          ? t('activities.offers.mine_taken_up_draft')
          : o.outcome.kind === 'taken-up-deleted'
            ? t('activities.offers.mine_taken_up_deleted')
            : null,
  }));
}

function sessionHeader(t: Translate, v: ParticipantView) {
  const s = v.session;
  return {
    id: s.id,
    title: s.title,
    tool: s.tool,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    place: s.place,
    format: t(`activities.format.${s.format}`),
    remoteUrl: s.format !== 'in_person' ? s.remoteUrl : null,
    seriesTitle: s.seriesTitle,
    cancelled: s.status === 'cancelled',
    draft: s.status === 'draft',
    competences: s.competences.map((c) => ({ code: c.code, title: c.title })),
  };
}

function activityLine(t: Translate, sessionId: string, st: ActivityState) {
  return {
    label: t(`activities.kind.${st.kind}`),
    href: `/sessions/${sessionId}/${ACTIVITY_PATHS[st.kind]}`,
    required: st.required,
    status: t(`activities.status.${st.status}`),
    statusClass: st.status === 'done' ? 'text-bg-success' : st.status === 'in-progress' ? 'text-bg-warning' : 'text-bg-secondary',
    open: st.status !== 'not-open',
    opensAt: st.opensAt,
  };
}

/** The participant's session page. */
export function presentSessionPage(t: Translate, v: ParticipantView) {
  const header = sessionHeader(t, v);
  return {
    title: v.session.title,
    nav: participantNav(t, v.session.id, 'session'),
    session: header,
    descriptionHtml: renderDescription(v.session.descriptionMd),
    resources: v.resources.map((r) => ({
      href: `/sessions/${v.session.id}/resources/${r.id}`,
      title: r.title,
      type: t(`activities.resource_type.${r.type}`),
      description: r.description,
      minutes: r.estimatedMinutes,
      opened: r.opened,
    })),
    activities: v.states.map((st) => activityLine(t, v.session.id, st)),
    attendance: v.attendance,
    checkinHref: `/sessions/${v.session.id}/checkin`,
    canAct: v.session.status === 'published',
    // Past its window, a session offers no check-in (the code would be refused anyway).
    canCheckIn: v.session.status === 'published' && v.now.getTime() <= v.session.endsAt.getTime() + CHECKIN_MARGIN_MS,
    completedAt: v.completedAt,
    followUpOpen: v.states.some((st) => st.kind === 'follow-up' && (st.status === 'todo' || st.status === 'in-progress')),
    followUpHref: `/sessions/${v.session.id}/follow-up`,
  };
}

function stateOf(v: ParticipantView, kind: ActivityKind): ActivityState {
  return v.states.find((s) => s.kind === kind)!;
}

/** A posted field as a list (one ticked box arrives as a string, several as an array). */
const listOf = (value: unknown): string[] => (value === undefined || value === '' ? [] : (Array.isArray(value) ? value : [value]).map(String));

const stepLabel = (t: Translate, step: number) => t(`activities.scale.${SCALE_STEPS[step - 1]!.key}`);

/** The self-positioning page: one small form per competence and moment, answered ones shown as saved. */
export function presentPositioning(t: Translate, v: ParticipantView, errors: Record<string, FieldErrors> = {}, values: Record<string, unknown> = {}, sent?: string) {
  const st = stateOf(v, 'self-positioning');
  const started = v.now >= v.session.startsAt;
  const moments = started ? ['after', ...(v.activities.selfPositioning!.retrospective ? ['then'] : [])] : ['before'];
  const steps = SCALE_STEPS.map((s) => ({ value: s.step, label: t(`activities.scale.${s.key}`), band: t(`activities.band.${s.band}`) }));
  return {
    title: `${t('activities.kind.self-positioning')} · ${v.session.title}`,
    scripts: DRAFT_SCRIPTS,
    nav: participantNav(t, v.session.id, ''),
    session: sessionHeader(t, v),
    started,
    done: st.status === 'done',
    canAct: v.session.status === 'published',
    previous: started
      ? v.session.competences
          .filter((c) => st.answers.has(`before:${c.code}`))
          .map((c) => ({ code: c.code, answer: stepLabel(t, (st.answers.get(`before:${c.code}`) as { step: number }).step) }))
      : [],
    items: v.session.competences.flatMap((c) =>
      moments.map((m) => {
        const key = `${m}:${c.code}`;
        const saved = st.answers.get(key) as { step: number } | undefined;
        // The form sent with an error is shown again with the step that was ticked.
        const ticked = errors[key] ? String(values.step ?? '') : '';
        return {
          id: `sp-${m}-${c.code.replace(/\W/g, '-')}`,
          competence: c.code,
          competenceTitle: c.title,
          moment: m,
          question: t(`activities.positioning.question_${m}`, { competence: `${c.code} ${c.title}` }),
          saved: saved ? stepLabel(t, saved.step) : null,
          announce: Boolean(saved) && sent === key,
          steps: steps.map((s) => ({ ...s, checked: String(s.value) === ticked })),
          error: errors[key] ? (errors[key].step ?? Object.values(errors[key])[0]) : undefined,
        };
      }),
    ),
  };
}

/** The quiz page: answered questions with their feedback, the others as forms. */
export function presentQuiz(t: Translate, v: ParticipantView, errors: Record<string, FieldErrors> = {}, values: Record<string, unknown> = {}, sent?: string) {
  // The question sent with an error comes back with what was ticked and chosen.
  const ticked = new Set(listOf(values.choices));
  const refused = (id: string) => errors[`q:${id}`] !== undefined;
  const st = stateOf(v, 'quiz');
  const quiz = v.activities.quiz!;
  const result = st.result as { raw: number; max: number; passed: boolean } | null;
  return {
    title: `${quiz.title} · ${v.session.title}`,
    scripts: DRAFT_SCRIPTS,
    nav: participantNav(t, v.session.id, ''),
    session: sessionHeader(t, v),
    quizTitle: quiz.title,
    mastery: quiz.masteryPercent,
    certainty: quiz.certainty,
    canAct: v.session.status === 'published',
    certaintyLevels: [1, 2, 3, 4].map((n) => ({ value: n, label: t(`activities.quiz.certainty_${n}`) })),
    result: result ? { raw: result.raw, max: result.max, passed: result.passed } : null,
    // Once the quiz is finished, questions added afterwards are not shown (they are not asked: see answerQuiz).
    questions: quiz.questions.filter((q) => !result || st.answers.has(`q:${q.id}`)).map((q, i) => {
      const saved = st.answers.get(`q:${q.id}`) as { choices: string[]; success: boolean; certainty: number | null; correct?: string[] } | undefined;
      return {
        id: q.id,
        choicesId: `q-${q.id}-choices`,
        certaintyId: `q-${q.id}-certainty`,
        number: i + 1,
        text: q.text,
        multiple: q.multiple,
        competence: q.competence,
        choices: q.choices.map((c) => ({
          id: c.id,
          text: c.text,
          chosen: saved?.choices.includes(c.id) ?? false,
          checked: refused(q.id) && ticked.has(c.id),
          correct: saved?.correct ? saved.correct.includes(c.id) : c.correct,
          feedback: saved && (saved.choices.includes(c.id) || (saved.correct ? saved.correct.includes(c.id) : c.correct)) ? c.feedback : '',
        })),
        saved: saved ? { success: saved.success, certainty: saved.certainty ? t(`activities.quiz.certainty_${saved.certainty}`) : null } : null,
        announce: Boolean(saved) && sent === `q:${q.id}`,
        certaintyLevels: [1, 2, 3, 4].map((n) => ({ value: n, label: t(`activities.quiz.certainty_${n}`), selected: refused(q.id) && String(values.certainty ?? '') === String(n) })),
        errors: errors[`q:${q.id}`] ?? {},
        hasErrors: refused(q.id),
      };
    }),
  };
}

/** The "what next?" survey page. */
export function presentNeeds(
  t: Translate,
  v: ParticipantView,
  choices: { topics: Array<{ id: string; kind: string; label: string }>; competences: Array<{ code: string; title: string }> },
  errors: FieldErrors = {},
  values: Record<string, unknown> = {},
  sent?: string,
) {
  const st = stateOf(v, 'needs');
  const saved = st.answers.get('needs') as { topics: string[]; freeText: string | null; competence: string | null } | undefined;
  const chosen = new Set(saved?.topics ?? listOf(values.topics));
  const topic = (k: string) => choices.topics.filter((x) => x.kind === k).map((x) => ({ ...x, checked: chosen.has(x.id) }));
  return {
    title: `${t('activities.kind.needs')} · ${v.session.title}`,
    scripts: DRAFT_SCRIPTS,
    nav: participantNav(t, v.session.id, ''),
    session: sessionHeader(t, v),
    canAct: v.session.status === 'published',
    saved: Boolean(saved),
    announce: Boolean(saved) && sent === 'form',
    tools: topic('tool'),
    themes: topic('theme'),
    askCompetence: v.activities.needs!.askCompetence,
    competences: choices.competences.map((c) => ({ ...c, selected: (saved?.competence ?? values.competence) === c.code })),
    freeText: saved?.freeText ?? (values.free_text as string | undefined) ?? '',
    errors,
    hasErrors: Object.keys(errors).length > 0,
  };
}

/** The satisfaction page. */
export function presentSatisfaction(t: Translate, v: ParticipantView, errors: FieldErrors = {}, values: Record<string, unknown> = {}, sent?: string) {
  const st = stateOf(v, 'satisfaction');
  const saved = st.answers.get('rating') as { rating: number; comment: string | null } | undefined;
  const max = v.activities.satisfaction!.scaleMax;
  const rating = saved?.rating ?? Number(values.rating ?? 0);
  return {
    title: `${t('activities.kind.satisfaction')} · ${v.session.title}`,
    scripts: DRAFT_SCRIPTS,
    nav: participantNav(t, v.session.id, ''),
    session: sessionHeader(t, v),
    canAct: v.session.status === 'published',
    saved: Boolean(saved),
    announce: Boolean(saved) && sent === 'form',
    max,
    ratings: Array.from({ length: max }, (_, i) => ({ value: i + 1, checked: rating === i + 1 })),
    comment: saved?.comment ?? (values.comment as string | undefined) ?? '',
    errors,
    hasErrors: Object.keys(errors).length > 0,
  };
}

/** The D+30 follow-up page. */
export function presentFollowUp(t: Translate, v: ParticipantView, errors: FieldErrors = {}, values: Record<string, unknown> = {}, sent?: string) {
  const st = stateOf(v, 'follow-up');
  const saved = st.answers.get('follow-up') as { usedSince: boolean; frequency: string | null; purposes: string[]; obstacles: string[] } | undefined;
  const obstacles = new Set(listOf(values.obstacles));
  return {
    title: `${t('activities.kind.follow-up')} · ${v.session.title}`,
    scripts: DRAFT_SCRIPTS,
    nav: participantNav(t, v.session.id, ''),
    session: sessionHeader(t, v),
    canAct: v.session.status === 'published',
    open: st.status !== 'not-open',
    opensAt: st.opensAt,
    announce: Boolean(saved) && sent === 'form',
    saved: saved
      ? {
          usedSince: saved.usedSince,
          frequency: saved.frequency ? t(`activities.follow_up.frequency_${saved.frequency}`) : null,
          purposes: saved.purposes.join(' ; '),
          obstacles: saved.obstacles.map((o) => ((OBSTACLES as readonly string[]).includes(o) ? t(`activities.follow_up.obstacle_${o}`) : o)).join(' ; '),
        }
      : null,
    usedYes: values.used_since === 'yes',
    usedNo: values.used_since === 'no',
    frequencies: FREQUENCIES.map((f) => ({ value: f, label: t(`activities.follow_up.frequency_${f}`), selected: values.frequency === f })),
    obstacles: OBSTACLES.map((o) => ({ value: o, label: t(`activities.follow_up.obstacle_${o}`), checked: obstacles.has(o) })),
    purposes: (values.purposes as string | undefined) ?? '',
    obstaclesOther: (values.obstacles_other as string | undefined) ?? '',
    errors,
    hasErrors: Object.keys(errors).length > 0,
  };
}
