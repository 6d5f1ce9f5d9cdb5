import crypto from 'node:crypto';

/** Agents, groups and activities a statement refers to, as the index tables record them. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** The inverse functional identifier of an agent or identified group as one text, or null (anonymous group). */
export function ifiOf(agent: Json | undefined): string | null {
  if (!agent) return null;
  if (typeof agent.mbox === 'string') return `mbox:${agent.mbox.toLowerCase()}`;
  if (typeof agent.mbox_sha1sum === 'string') return `mbox_sha1sum:${agent.mbox_sha1sum.toLowerCase()}`;
  if (typeof agent.openid === 'string') return `openid:${agent.openid}`;
  if (agent.account && typeof agent.account === 'object') return `account:${String(agent.account.homePage)} ${String(agent.account.name)}`;
  return null;
}

/** The key of an actor: its IFI, or for an anonymous group a hash of its members' IFIs. */
export function actorKey(actor: Json): string {
  const ifi = ifiOf(actor);
  if (ifi) return ifi;
  const members = ((actor.member as Json[] | undefined) ?? []).map((m) => ifiOf(m) ?? '').sort();
  return `group:${crypto.createHash('sha1').update(members.join('\n')).digest('hex')}`;
}

/**
 * The key of an agent or identified group in the agent index (lrs_statement_agents): an Agent's IFI, a
 * Group's IFI prefixed with `group:`, so that the `agent` filter tells an Agent from a Group with the same
 * identifier (Communication §2.1.3: Agents or identified Groups are equal when their IFIs are, and a
 * Group matches an Agent through its members only).
 */
export function indexKeyOf(agent: Json | undefined): string | null {
  const ifi = ifiOf(agent);
  if (!ifi) return null;
  return agent?.objectType === 'Group' ? `group:${ifi}` : ifi;
}

/** The agent an IFI text stands for (for /agents and exports). */
export function agentFromIfi(ifi: string): Json {
  const i = ifi.indexOf(':');
  const kind = ifi.slice(0, i);
  const rest = ifi.slice(i + 1);
  if (kind === 'account') {
    const space = rest.indexOf(' ');
    return { account: { homePage: rest.slice(0, space), name: rest.slice(space + 1) } };
  }
  return { [kind]: rest };
}

export interface AgentRef {
  ifi: string;
  role: string;
}
export interface ActivityRef {
  id: string;
  role: string;
}
/** A name seen with an agent's identifier (for the Person object of /agents). */
export interface NameRef {
  ifi: string;
  name: string;
}

function pushAgent(out: AgentRef[], agent: Json | undefined, role: string, names?: NameRef[]): void {
  if (!agent || typeof agent !== 'object') return;
  const key = indexKeyOf(agent);
  if (key) out.push({ ifi: key, role });
  const isGroup = agent.objectType === 'Group';
  if (!isGroup && key && typeof agent.name === 'string') names?.push({ ifi: key, name: agent.name });
  if (!isGroup) return;
  for (const m of Array.isArray(agent.member) ? (agent.member as Json[]) : []) {
    const mi = ifiOf(m);
    if (!mi) continue;
    out.push({ ifi: mi, role });
    if (typeof m.name === 'string') names?.push({ ifi: mi, name: m.name });
  }
}

const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : v ? [v as Json] : []);

function collect(statement: Json, prefix: string, agents: AgentRef[], activities: ActivityRef[], names: NameRef[]): void {
  pushAgent(agents, statement.actor as Json, `${prefix}actor`, names);
  const object = statement.object as Json;
  const type = object.objectType ?? 'Activity';
  if (type === 'Agent' || type === 'Group') pushAgent(agents, object, `${prefix}object`, names);
  if (type === 'Activity') activities.push({ id: object.id as string, role: `${prefix}object` });
  const context = statement.context as Json | undefined;
  if (context) {
    pushAgent(agents, context.instructor as Json, `${prefix}instructor`, names);
    pushAgent(agents, context.team as Json, `${prefix}team`, names);
    for (const ca of asList(context.contextAgents)) pushAgent(agents, ca.agent as Json, `${prefix}context`, names);
    for (const cg of asList(context.contextGroups)) pushAgent(agents, cg.group as Json, `${prefix}context`, names);
    const ca = (context.contextActivities as Json | undefined) ?? {};
    for (const role of ['parent', 'grouping', 'category', 'other']) {
      for (const a of asList(ca[role])) activities.push({ id: a.id as string, role: `${prefix}${role}` });
    }
  }
  if (type === 'SubStatement' && !prefix) collect(object, 'sub_', agents, activities, names);
}

/** The agent and activity references of a statement, by role, and the agents' names, without duplicates. */
export function referencesOf(statement: Json): { agents: AgentRef[]; activities: ActivityRef[]; names: NameRef[] } {
  const agents: AgentRef[] = [];
  const activities: ActivityRef[] = [];
  const names: NameRef[] = [];
  pushAgent(agents, statement.authority as Json, 'authority', names);
  collect(statement, '', agents, activities, names);
  const uniq = <T>(list: T[], key: (x: T) => string) => [...new Map(list.map((x) => [key(x), x])).values()];
  return {
    agents: uniq(agents, (a) => `${a.ifi}\n${a.role}`),
    activities: uniq(activities, (a) => `${a.id}\n${a.role}`),
    names: uniq(names, (n) => `${n.ifi}\n${n.name}`),
  };
}

/** The activities with a definition in a statement (for the canonical definitions of /activities). */
export function definedActivities(statement: Json): Array<{ id: string; definition: Json }> {
  const out: Array<{ id: string; definition: Json }> = [];
  const visit = (s: Json) => {
    const object = s.object as Json;
    if ((object.objectType ?? 'Activity') === 'Activity' && object.definition) out.push({ id: object.id as string, definition: object.definition as Json });
    const ca = ((s.context as Json | undefined)?.contextActivities as Json | undefined) ?? {};
    for (const role of ['parent', 'grouping', 'category', 'other']) {
      for (const a of asList(ca[role])) if (a.definition) out.push({ id: a.id as string, definition: a.definition as Json });
    }
    if (object.objectType === 'SubStatement') visit(object);
  };
  visit(statement);
  return out;
}
