import type { Actor } from '../lti';
import { ConflictError } from '../platform/errors';
import { isCommittee, loadProject, type FabriqueDeps } from './fabrique.access';
import { eventBase, recordAction } from './fabrique.events';
import type { ProposalForm } from './fabrique.schema';
import { addSupport, findProjectByCreationKey, hasSupported, insertComment, insertProject, listComments, listDeliverables, listHistory, listProjects, listReviews, similarProjects, supportCounts } from './projects.repo';
import { findMembership } from './people.repo';

/** Proposals: anyone launched proposes, supports ("me too") and comments; similar titles are suggested while typing. */

/** Creates a proposal (once per form, by its creation key); returns its id. */
export async function createProposal(deps: FabriqueDeps, actor: Actor, form: ProposalForm, language: string): Promise<string> {
  const now = deps.clock.now();
  const fromNeed = form.needLabel ? { type: form.needType || 'free-text', label: form.needLabel, key: form.needKey || null } : null;
  try {
    return await deps.db.transaction(async (tx) => {
      const already = form.creationKey ? await findProjectByCreationKey(tx, form.creationKey) : undefined;
      if (already) return already.id;
      const row = await insertProject(tx, {
        title: form.title,
        problem: form.problem,
        beneficiaries: form.beneficiaries,
        services: form.services,
        outcome: form.outcome,
        timeNeeded: form.timeNeeded,
        fromNeed,
        proposerRef: actor.userId,
        creationKey: form.creationKey ?? null,
        createdAt: now,
        updatedAt: now,
      });
      await recordAction(tx, deps, { projectId: row.id, actor, action: 'proposed', detail: fromNeed ? { need: fromNeed.label } : {}, at: now }, [
        { ...eventBase(actor, row, now, language), kind: 'project-proposed', fromNeed: fromNeed !== null },
      ]);
      return row.id;
    });
  } catch (err) {
    // The same form posted twice at once: the loser of the unique creation key finds the winner's proposal.
    const winner = form.creationKey ? await findProjectByCreationKey(deps.db, form.creationKey) : undefined;
    if (winner) return winner.id;
    throw err;
  }
}

/** "Me too" on a proposal still awaiting the committee (once per person; not on one's own). */
export async function supportProposal(deps: FabriqueDeps, actor: Actor, projectId: string, language: string): Promise<void> {
  const project = await loadProject(deps, projectId);
  if (project.stage !== 'proposed') throw new ConflictError('Only proposals awaiting a decision can be supported', { messageKey: 'fabrique.errors.support_closed' });
  if (project.proposerRef === actor.userId) throw new ConflictError('Own proposal', { messageKey: 'fabrique.errors.own_support' });
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    if (!(await addSupport(tx, project.id, actor.userId, now))) return;
    await recordAction(tx, deps, { projectId: project.id, actor, action: 'supported', at: now }, [{ ...eventBase(actor, project, now, language), kind: 'project-supported' }]);
  });
}

/** A comment of a colleague, or a question of the committee (shown as such to the proposer). */
export async function commentOn(deps: FabriqueDeps, actor: Actor, projectId: string, form: { body: string; question: boolean }): Promise<void> {
  const project = await loadProject(deps, projectId);
  const question = form.question && (await isCommittee(deps, actor));
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await insertComment(tx, { projectId: project.id, authorRef: actor.userId, kind: question ? 'question' : 'comment', body: form.body, createdAt: now });
    if (question) await recordAction(tx, deps, { projectId: project.id, actor, action: 'asked', reason: form.body, at: now });
  });
}

/** Proposals and projects whose title resembles the one being typed (nothing under 4 characters). */
export function similarTitles(deps: Pick<FabriqueDeps, 'db'>, title: string) {
  const t = title.trim();
  if (t.length < 4) return Promise.resolve([]);
  return similarProjects(deps.db, t, 5);
}

/** Proposals awaiting a decision, and the actor's own proposals whatever their stage. */
export async function listProposals(deps: Pick<FabriqueDeps, 'db'>, actor: Actor) {
  const [open, mine] = await Promise.all([listProjects(deps.db, { stages: ['proposed'] }), listProjects(deps.db, { proposerRef: actor.userId })]);
  const counts = await supportCounts(deps.db, [...open, ...mine].map((p) => p.id));
  return { open, mine, counts };
}

/** Everything a project's page shows; the history only to the committee, the proposer and the team. */
export async function projectPage(deps: Pick<FabriqueDeps, 'db'>, actor: Actor, projectId: string) {
  const project = await loadProject(deps, projectId);
  const [committee, membership, supported, counts, comments, deliverables, reviews] = await Promise.all([
    isCommittee(deps, actor),
    findMembership(deps.db, project.id, actor.userId),
    hasSupported(deps.db, project.id, actor.userId),
    supportCounts(deps.db, [project.id]),
    listComments(deps.db, project.id),
    listDeliverables(deps.db, [project.id]),
    listReviews(deps.db, project.id),
  ]);
  const insider = committee || project.proposerRef === actor.userId || membership?.status === 'accepted';
  const history = insider ? await listHistory(deps.db, project.id) : [];
  return { project, committee, membership, supported, supports: counts.get(project.id) ?? 0, comments, deliverables, reviews, history, insider, isProposer: project.proposerRef === actor.userId };
}
