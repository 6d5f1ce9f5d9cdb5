import type { Actor } from '../lti';
import { ConflictError, ForbiddenError, ValidationError, type FieldIssue } from '../platform/errors';
import { parseCalendarDate } from '../platform/input-hygiene';
import { assertCanLead, confirmedSince, loadProject, type FabriqueDeps } from './fabrique.access';
import { eventBase, recordAction } from './fabrique.events';
import type { FramingForm, ReviewForm } from './fabrique.schema';
import type { Stage } from './fabrique.tables';
import { facilitatorCandidates, findMembership, listCommittee, nameToCommittee, removeFromCommittee, upsertInvitation, usersByIds } from './people.repo';
import { dueDeliverables, insertReview, listDeliverables, listProjects, replaceDeliverables, updateProject, type ProjectRow } from './projects.repo';

/** The steering committee's work: decisions on proposals, framing, phase reviews, its home, its members. */

const stale = () => new ConflictError('The project changed since the form was shown', { messageKey: 'fabrique.errors.stale' });

/** Selects (the project enters investigation) or declines a proposal, with the reason shown to the proposer. */
export async function decideProposal(deps: FabriqueDeps, actor: Actor, projectId: string, form: { decision: 'select' | 'decline'; reason: string; version: number }, language: string): Promise<Stage> {
  const project = await loadProject(deps, projectId);
  if (project.proposerRef === actor.userId) throw new ForbiddenError('A proposer cannot decide on their own proposal', { messageKey: 'fabrique.errors.own_proposal' });
  if (project.stage !== 'proposed') throw new ConflictError('Already decided', { messageKey: 'fabrique.errors.already_decided' });
  const now = deps.clock.now();
  const stage: Stage = form.decision === 'select' ? 'investigation' : 'declined';
  await deps.db.transaction(async (tx) => {
    const row = await updateProject(tx, project.id, { stage, decisionReason: form.reason, decidedAt: now, updatedAt: now }, form.version);
    if (!row) throw stale();
    await recordAction(tx, deps, { projectId: project.id, actor, action: form.decision === 'select' ? 'selected' : 'declined', reason: form.reason, at: now }, [
      { ...eventBase(actor, project, now, language), kind: form.decision === 'select' ? 'project-selected' : 'project-declined', reason: form.reason },
    ]);
  });
  return stage;
}

const CLOSED: Stage[] = ['declined', 'transferred', 'stopped'];

/** Validates the framing of a project (before or after selection); the facilitator named is invited to facilitate. */
export async function frameProject(deps: FabriqueDeps, actor: Actor, projectId: string, form: FramingForm, language: string): Promise<void> {
  const project = await loadProject(deps, projectId);
  if (CLOSED.includes(project.stage)) throw new ConflictError('A closed project cannot be framed', { messageKey: 'fabrique.errors.closed' });
  const now = deps.clock.now();
  const issues: FieldIssue[] = [];
  const deliverables = form.deliverableTitle.map((title, i) => ({ title: title.trim(), dueOn: (form.deliverableDue[i] ?? '').trim() })).filter((d) => d.title !== '' || d.dueOn !== '');
  for (const d of deliverables) {
    if (d.title === '' || d.title.length > 300) issues.push({ path: 'deliverables', message: 'fabrique.errors.deliverable_title' });
    else if (!parseCalendarDate(d.dueOn)) issues.push({ path: 'deliverables', message: 'fabrique.errors.deliverable_date' });
  }
  if (deliverables.length === 0) issues.push({ path: 'deliverables', message: 'fabrique.errors.deliverable_none' });
  if (form.facilitatorId) {
    const candidates = await facilitatorCandidates(deps.db, confirmedSince(now));
    if (!candidates.some((c) => c.id === form.facilitatorId)) issues.push({ path: 'facilitatorId', message: 'fabrique.errors.choice' });
  }
  if (issues.length) throw new ValidationError('Invalid framing', issues, { messageKey: 'errors.validation_failed' });
  const existing = await listDeliverables(deps.db, [project.id]);
  await deps.db.transaction(async (tx) => {
    const row = await updateProject(
      tx,
      project.id,
      {
        objectives: form.objectives,
        resources: form.resources,
        timeboxKind: form.timeboxKind,
        timeboxWeeks: form.timeboxKind === 'weekly' ? form.timeboxWeeks : null,
        timeboxCustom: form.timeboxKind === 'custom' ? form.timeboxCustom : null,
        facilitatorRef: form.facilitatorId ?? null,
        impactMeasure: form.impactMeasure,
        impactTarget: form.impactTarget,
        nextReviewOn: form.nextReviewOn ?? project.nextReviewOn,
        framedAt: now,
        updatedAt: now,
      },
      form.version,
    );
    if (!row) throw stale();
    // A deliverable kept under the same title keeps its status.
    await replaceDeliverables(
      tx,
      project.id,
      deliverables.map((d) => {
        const old = existing.find((e) => e.title === d.title);
        return { title: d.title, dueOn: d.dueOn, status: old?.status ?? 'planned', deliveredAt: old?.deliveredAt ?? null };
      }),
    );
    if (form.facilitatorId && form.facilitatorId !== project.facilitatorRef) {
      const current = await findMembership(tx, project.id, form.facilitatorId);
      if (!current || current.status === 'declined' || current.status === 'left') {
        await upsertInvitation(tx, { projectId: project.id, userRef: form.facilitatorId, role: 'facilitator', status: 'invited', timeAsked: timeboxText(form), message: '', invitedBy: actor.userId, invitedAt: now });
      }
    }
    await recordAction(tx, deps, { projectId: project.id, actor, action: 'framed', detail: { deliverables: deliverables.length, timebox: form.timeboxKind }, at: now }, [{ ...eventBase(actor, project, now, language), kind: 'project-framed' }]);
  });
}

function timeboxText(form: FramingForm): string {
  return form.timeboxKind === 'custom' ? form.timeboxCustom : form.timeboxKind === 'weekly' ? `weekly:${form.timeboxWeeks}` : 'week';
}

/** The phase changes a review may decide; staying in the phase is always allowed for a project under way. */
export const NEXT_STAGES: Partial<Record<Stage, Stage[]>> = {
  investigation: ['investigation', 'construction', 'stopped'],
  construction: ['construction', 'acceleration', 'transferred', 'stopped'],
  acceleration: ['acceleration', 'transferred', 'stopped'],
};

/** A dated phase review: the decision, its note, a post-mortem when stopping, the next review date. */
export async function holdReview(deps: FabriqueDeps, actor: Actor, projectId: string, form: ReviewForm, language: string): Promise<Stage> {
  const project = await loadProject(deps, projectId);
  const allowed = NEXT_STAGES[project.stage];
  if (!allowed) throw new ConflictError('No review for this stage', { messageKey: 'fabrique.errors.no_review' });
  if (!allowed.includes(form.to)) throw new ValidationError('Not a next phase', [{ path: 'to', message: 'fabrique.errors.transition' }], { messageKey: 'errors.validation_failed' });
  const now = deps.clock.now();
  const closing = form.to === 'stopped' || form.to === 'transferred';
  await deps.db.transaction(async (tx) => {
    const row = await updateProject(
      tx,
      project.id,
      {
        stage: form.to,
        nextReviewOn: closing ? null : (form.nextReviewOn ?? null),
        postmortem: form.to === 'stopped' ? form.postmortem : project.postmortem,
        transferredTo: form.to === 'transferred' ? form.transferredTo : project.transferredTo,
        updatedAt: now,
      },
      form.version,
    );
    if (!row) throw stale();
    await insertReview(tx, { projectId: project.id, heldOn: form.heldOn, fromStage: project.stage, toStage: form.to, note: form.note, decidedBy: actor.userId, createdAt: now });
    const changed = form.to !== project.stage;
    await recordAction(tx, deps, { projectId: project.id, actor, action: changed ? 'phase_changed' : 'reviewed', reason: form.note, detail: { from: project.stage, to: form.to, heldOn: form.heldOn }, at: now }, changed ? [{ ...eventBase(actor, project, now, language), kind: 'project-phase-changed', from: project.stage, to: form.to, note: form.note }] : []);
  });
  return form.to;
}

/** The measured value of a project's impact measure (committee or facilitator). */
export async function updateImpact(deps: FabriqueDeps, actor: Actor, projectId: string, value: number | null): Promise<void> {
  const project = await loadProject(deps, projectId);
  await assertCanLead(deps, actor, project.id);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await updateProject(tx, project.id, { impactCurrent: value, updatedAt: now });
    await recordAction(tx, deps, { projectId: project.id, actor, action: 'impact_measured', detail: { value }, at: now });
  });
}

/** Paris calendar day of an instant, `YYYY-MM-DD`. */
export function parisDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The committee's home: proposals to decide, reviews and deliverables due within a week (or late), its members. */
export async function committeeHome(deps: Pick<FabriqueDeps, 'db' | 'clock'>) {
  const now = deps.clock.now();
  const today = parisDay(now);
  const horizon = parisDay(new Date(now.getTime() + 7 * 86_400_000));
  const [proposals, open, deliverables, members] = await Promise.all([
    listProjects(deps.db, { stages: ['proposed'] }),
    listProjects(deps.db, { stages: ['investigation', 'construction', 'acceleration'] }),
    dueDeliverables(deps.db, horizon),
    listCommittee(deps.db),
  ]);
  const reviews = open.filter((p) => p.nextReviewOn !== null && p.nextReviewOn <= horizon).sort((a, b) => (a.nextReviewOn! < b.nextReviewOn! ? -1 : 1));
  const unframed = open.filter((p) => !p.framedAt);
  return { today, proposals, reviews, deliverables, members, unframed };
}

/** An administrator names a person to the committee, or removes them. */
export async function setCommitteeMember(deps: Pick<FabriqueDeps, 'db' | 'clock'>, actor: Actor, userId: string, member: boolean): Promise<void> {
  if (!actor.isAdmin) throw new ForbiddenError('Administrator role required', { messageKey: 'errors.admin_only' });
  if (member) {
    if (!(await usersByIds(deps.db, [userId])).has(userId)) throw new ValidationError('Unknown person', [{ path: 'userId', message: 'fabrique.errors.choice' }], { messageKey: 'errors.validation_failed' });
    await nameToCommittee(deps.db, userId, actor.userId, deps.clock.now());
  } else await removeFromCommittee(deps.db, userId);
}

export type { ProjectRow };
