import type { FabriqueDeps } from './fabrique.access';
import type { Stage } from './fabrique.tables';
import { listMembers } from './people.repo';
import { listDeliverables, listProjects } from './projects.repo';

/** The public board (every launched user): projects by phase, read-only. */

export const BOARD_STAGES: Stage[] = ['investigation', 'construction', 'acceleration', 'transferred', 'stopped'];

/** Projects with their deliverables and the team members who agreed to be shown (first name and service only). */
export async function boardProjects(deps: Pick<FabriqueDeps, 'db'>) {
  const projects = await listProjects(deps.db, { stages: BOARD_STAGES, limit: 1000 });
  const ids = projects.map((p) => p.id);
  const [deliverables, members] = await Promise.all([listDeliverables(deps.db, ids), listMembers(deps.db, ids)]);
  return projects.map((project) => ({
    project,
    deliverables: deliverables.filter((d) => d.projectId === project.id),
    // Nobody appears on the board without having accepted and agreed to be shown.
    team: members
      .filter((m) => m.member.projectId === project.id && m.member.status === 'accepted' && m.member.shownOnBoard)
      .map((m) => ({ firstName: firstNameOf(m), service: m.service, role: m.member.role })),
    teamSize: members.filter((m) => m.member.projectId === project.id && m.member.status === 'accepted').length,
  }));
}

/** The first name of a person: the LMS's given name, else the first word of the full name. */
export function firstNameOf(p: { givenName: string | null; name: string | null }): string | null {
  return p.givenName?.trim() || p.name?.trim().split(/\s+/)[0] || null;
}
