import type { Actor } from '../lti';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import { assertCanLead, confirmedSince, isCommittee, loadProject, OPEN_PHASES, type FabriqueDeps } from './fabrique.access';
import { eventBase, recordAction } from './fabrique.events';
import type { DELIVERABLE_STATUSES, MEMBER_ROLES } from './fabrique.tables';
import { findMember, findMembership, isFindable, listMembers, membershipsOf, updateMember, upsertInvitation } from './people.repo';
import { insertProgress, listDeliverables, listProgress, setDeliverableStatus } from './projects.repo';

/** Teams: invitations through Instants (accepted or declined), time committed, roles, progress log, deliverables. */

const isOpen = (stage: string) => (OPEN_PHASES as readonly string[]).includes(stage);

/** Invites a consenting person to a project's team, with the time asked; never reveals their e-mail address. */
export async function invite(deps: FabriqueDeps, actor: Actor, projectId: string, form: { userId: string; role: (typeof MEMBER_ROLES)[number]; timeAsked: string; message: string }): Promise<void> {
  const project = await loadProject(deps, projectId);
  await assertCanLead(deps, actor, project.id);
  if (!isOpen(project.stage) && project.stage !== 'proposed') throw new ConflictError('Project closed', { messageKey: 'fabrique.errors.closed' });
  const now = deps.clock.now();
  // Only people findable right now: the directory's consent is the only way in.
  if (!(await isFindable(deps.db, form.userId, confirmedSince(now)))) throw new ValidationError('Not in the directory', [{ path: 'userId', message: 'fabrique.errors.not_findable' }], { messageKey: 'errors.validation_failed' });
  await deps.db.transaction(async (tx) => {
    const row = await upsertInvitation(tx, { projectId: project.id, userRef: form.userId, role: form.role, status: 'invited', timeAsked: form.timeAsked, message: form.message, invitedBy: actor.userId, invitedAt: now });
    if (!row) throw new ConflictError('Already invited or in the team', { messageKey: 'fabrique.errors.already_invited' });
    await recordAction(tx, deps, { projectId: project.id, actor, action: 'invited', detail: { role: form.role, timeAsked: form.timeAsked }, at: now });
  });
}

async function ownInvitation(deps: FabriqueDeps, actor: Actor, memberId: string) {
  const member = await findMember(deps.db, memberId);
  // Someone else's invitation does not exist for this person.
  if (!member || member.userRef !== actor.userId) throw new NotFoundError('No such invitation', { messageKey: 'fabrique.errors.no_invitation' });
  return { member, project: await loadProject(deps, member.projectId) };
}

/** The invited person accepts (with the hours they commit, and whether the board may show their first name and service) or declines. */
export async function respond(deps: FabriqueDeps, actor: Actor, memberId: string, form: { response: 'accept' | 'decline'; hours: number | null; shownOnBoard: boolean }, language: string): Promise<void> {
  const { member, project } = await ownInvitation(deps, actor, memberId);
  if (member.status !== 'invited') throw new ConflictError('Already answered', { messageKey: 'fabrique.errors.already_answered' });
  const now = deps.clock.now();
  const accept = form.response === 'accept';
  await deps.db.transaction(async (tx) => {
    const row = await updateMember(tx, member.id, accept ? { status: 'accepted', hoursCommitted: form.hours, shownOnBoard: form.shownOnBoard, respondedAt: now } : { status: 'declined', respondedAt: now }, 'invited');
    if (!row) throw new ConflictError('Already answered', { messageKey: 'fabrique.errors.already_answered' });
    await recordAction(tx, deps, { projectId: project.id, actor, action: accept ? 'joined' : 'invitation_declined', detail: { role: member.role }, at: now }, accept ? [{ ...eventBase(actor, project, now, language), kind: 'team-joined', role: member.role }] : []);
  });
}

/** Leaves a team (revocable like any consent). */
export async function leaveTeam(deps: FabriqueDeps, actor: Actor, memberId: string, language: string): Promise<void> {
  const { member, project } = await ownInvitation(deps, actor, memberId);
  if (member.status !== 'accepted') throw new ConflictError('Not in the team', { messageKey: 'fabrique.errors.not_member' });
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await updateMember(tx, member.id, { status: 'left', shownOnBoard: false, respondedAt: now }, 'accepted');
    await recordAction(tx, deps, { projectId: project.id, actor, action: 'left', detail: { role: member.role }, at: now }, [{ ...eventBase(actor, project, now, language), kind: 'team-left', role: member.role }]);
  });
}

/** The person changes the hours they commit, or whether the board shows them. */
export async function updateCommitment(deps: FabriqueDeps, actor: Actor, memberId: string, change: { hours?: number; shownOnBoard?: boolean }): Promise<void> {
  const { member } = await ownInvitation(deps, actor, memberId);
  if (member.status !== 'accepted') throw new ConflictError('Not in the team', { messageKey: 'fabrique.errors.not_member' });
  await updateMember(deps.db, member.id, { ...(change.hours !== undefined ? { hoursCommitted: change.hours } : {}), ...(change.shownOnBoard !== undefined ? { shownOnBoard: change.shownOnBoard } : {}) });
}

/** A line in the team's progress log (team members and the committee). */
export async function logProgress(deps: FabriqueDeps, actor: Actor, projectId: string, body: string): Promise<void> {
  const project = await loadProject(deps, projectId);
  const m = await findMembership(deps.db, project.id, actor.userId);
  if (m?.status !== 'accepted' && !(await isCommittee(deps, actor))) throw new NotFoundError('Not in this team', { messageKey: 'fabrique.errors.not_member' });
  await insertProgress(deps.db, { projectId: project.id, authorRef: actor.userId, body, at: deps.clock.now() });
}

/** Sets a deliverable's status (facilitator or committee); delivering records a statement. */
export async function setDeliverable(deps: FabriqueDeps, actor: Actor, projectId: string, deliverableId: string, status: (typeof DELIVERABLE_STATUSES)[number], language: string): Promise<void> {
  const project = await loadProject(deps, projectId);
  await assertCanLead(deps, actor, project.id);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const before = (await listDeliverables(tx, [project.id])).find((d) => d.id === deliverableId);
    const row = await setDeliverableStatus(tx, project.id, deliverableId, status, now);
    if (!row || !before) throw new NotFoundError('No such deliverable', { messageKey: 'fabrique.errors.no_deliverable' });
    if (before.status === status) return;
    const events = status === 'delivered' ? [{ ...eventBase(actor, project, now, language), kind: 'deliverable-delivered' as const, deliverable: { id: row.id, title: row.title } }] : [];
    await recordAction(tx, deps, { projectId: project.id, actor, action: 'deliverable_status', detail: { deliverable: row.title, status }, at: now }, events);
  });
}

/** A team's page: members and invitations (these and hours only to the committee, the facilitator and each person for themselves). */
export async function teamPage(deps: FabriqueDeps, actor: Actor, projectId: string) {
  const project = await loadProject(deps, projectId);
  const [members, deliverables, progress, committee] = await Promise.all([listMembers(deps.db, [project.id]), listDeliverables(deps.db, [project.id]), listProgress(deps.db, project.id), isCommittee(deps, actor)]);
  const mine = members.find((m) => m.member.userRef === actor.userId)?.member;
  const lead = committee || (mine?.role === 'facilitator' && mine.status === 'accepted');
  const inTeam = mine?.status === 'accepted';
  if (!lead && !inTeam) throw new NotFoundError('Not in this team', { messageKey: 'fabrique.errors.not_member' });
  return { project, members, deliverables, progress, committee, lead, mine };
}

/** The person's invitations and teams. */
export function myTeams(deps: Pick<FabriqueDeps, 'db'>, actor: Actor) {
  return membershipsOf(deps.db, actor.userId);
}
