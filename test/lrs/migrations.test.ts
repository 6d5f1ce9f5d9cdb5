import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { storeStatements } from '../../src/lrs';
import { migrate, readMigrations } from '../../src/platform/db/migrate';
import type { Database } from '../../src/platform/db/client';
import { createTestDatabase } from '../support/db';

const rows = async <T>(database: Database, query: ReturnType<typeof sql>) => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;

/**
 * Migrations 0210 and 0211 on statements stored before them: identified groups get their own key in the
 * agent index, names are gathered for /agents, and single contextActivities become arrays (Data §2.4.6.2).
 */
describe('lrs: migrations 0210–0211 on statements stored before them', () => {
  let database: Database;
  const group = { objectType: 'Group', mbox: 'mailto:equipe@ac-dijon.fr', member: [{ mbox: 'mailto:ana@ac-dijon.fr', name: 'Ana' }, { mbox: 'mailto:equipe@ac-dijon.fr' }] };
  const statement = {
    id: '11111111-2222-4333-8444-555555555555',
    actor: group,
    verb: { id: 'http://adlnet.gov/expapi/verbs/attended' },
    object: { id: 'https://instants.ac-dijon.fr/sessions/1' },
    context: { instructor: { mbox: 'mailto:prof@ac-dijon.fr', name: 'Prof' }, contextActivities: { parent: { id: 'https://instants.ac-dijon.fr/series/1' }, grouping: [{ id: 'https://instants.ac-dijon.fr/g' }] } },
    timestamp: '2026-01-05T10:00:00.000Z',
  };

  before(async () => {
    database = await createTestDatabase({ empty: true });
    const all = readMigrations();
    await migrate(database, all.filter((m) => m.name < '0210'));
    const stored = { ...statement, stored: '2026-01-05T10:00:00.000Z', authority: { objectType: 'Agent', account: { homePage: 'urn:instants', name: 'instants' } }, version: '1.0.0' };
    // The rows as the LRS wrote them before 0210: the group's own IFI indexed like an Agent's.
    await database.db.execute(sql`insert into lrs_statements (id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type, object_activity_id)
      values (${statement.id}, ${JSON.stringify(stored)}::jsonb, ${stored.stored}, ${stored.timestamp}, '1.0.0', ${statement.verb.id}, 'mbox:mailto:equipe@ac-dijon.fr', 'Activity', ${statement.object.id})`);
    await database.db.execute(sql`insert into lrs_statement_agents (statement_seq, ifi, role, stored)
      select seq, x.ifi, x.role, stored from lrs_statements, (values ('mbox:mailto:equipe@ac-dijon.fr', 'actor'), ('mbox:mailto:ana@ac-dijon.fr', 'actor'),
        ('mbox:mailto:prof@ac-dijon.fr', 'instructor'), ('account:urn:instants instants', 'authority')) as x(ifi, role)`);
    await migrate(database, all);
  });
  after(async () => database.close());

  it("indexes the group's own IFI as group:…, keeps its members' plain IFIs (one of them equal to the group's)", async () => {
    const index = await rows<{ ifi: string; role: string }>(database, sql`select ifi, role from lrs_statement_agents order by role, ifi`);
    expect(index).to.deep.equal([
      { ifi: 'group:mbox:mailto:equipe@ac-dijon.fr', role: 'actor' },
      { ifi: 'mbox:mailto:ana@ac-dijon.fr', role: 'actor' },
      { ifi: 'mbox:mailto:equipe@ac-dijon.fr', role: 'actor' },
      { ifi: 'account:urn:instants instants', role: 'authority' },
      { ifi: 'mbox:mailto:prof@ac-dijon.fr', role: 'instructor' },
    ]);
  });

  it('gathers the names seen with each Agent identifier', async () => {
    const names = await rows<{ ifi: string; name: string }>(database, sql`select ifi, name from lrs_agent_names order by ifi`);
    expect(names).to.deep.equal([
      { ifi: 'mbox:mailto:ana@ac-dijon.fr', name: 'Ana' },
      { ifi: 'mbox:mailto:prof@ac-dijon.fr', name: 'Prof' },
    ]);
  });

  it('stores every contextActivities value as an array, and a resend of the original still compares equal (no 409)', async () => {
    const [row] = await rows<{ statement: { context: { contextActivities: Record<string, unknown> } } }>(database, sql`select statement from lrs_statements`);
    expect(row!.statement.context.contextActivities).to.deep.equal({ parent: [{ id: 'https://instants.ac-dijon.fr/series/1' }], grouping: [{ id: 'https://instants.ac-dijon.fr/g' }] });
    expect(await storeStatements(database.db, [statement], { version: '1.0.3' })).to.deep.equal([statement.id]);
    expect((await rows<{ n: number }>(database, sql`select count(*)::int as n from lrs_statements`))[0]!.n).to.equal(1);
  });
});
