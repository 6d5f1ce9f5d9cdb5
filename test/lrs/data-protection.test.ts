import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { erasePerson, exportPerson, personIfi, purgeBefore } from '../../src/lrs/privacy.service';
import { ValidationError } from '../../src/platform/errors';
import { aStatement, client, json, startLrs, type LrsTestApp } from './support';

const run = promisify(execFile);

/** Data-protection operations of the LRS (GDPR access, erasure, retention), each written to the audit log. */
describe('lrs: data protection (export, erase, purge)', () => {
  let t: LrsTestApp;
  const jeanne = { mbox: `mailto:jeanne-${process.pid}@ac-dijon.fr` };
  const paul = { mbox: `mailto:paul-${process.pid}@ac-dijon.fr` };
  const ids: Record<string, string> = {};
  before(async () => {
    t = await startLrs();
    t.clock.set('2020-01-01T00:00:00Z');
    ids.old = (await client(t).sendStatement({ statement: aStatement({ actor: paul }) as never })).data[0]!;
    t.clock.set('2026-11-01T00:00:00Z');
    ids.jeanne = (await client(t).sendStatement({ statement: aStatement({ actor: jeanne }) as never })).data[0]!;
    ids.about = (await client(t).sendStatement({ statement: aStatement({ actor: paul, context: { instructor: jeanne } }) as never })).data[0]!;
    ids.paul = (await client(t).sendStatement({ statement: aStatement({ actor: paul }) as never })).data[0]!;
    await t.xapi(`/activities/state?activityId=${encodeURIComponent('http://a.fr/x')}&agent=${encodeURIComponent(JSON.stringify(jeanne))}&stateId=s`, { method: 'PUT', ...json({ page: 1 }) });
  });
  after(async () => t.close());
  const log = async () => ((await t.database.db.execute(sql`select action, subject, detail from lrs_audit_log order by id`)) as unknown as { rows: Array<{ action: string; subject: string; detail: Record<string, number> }> }).rows;

  it('exports every statement naming the person in any role, and their documents, and logs it', async () => {
    const data = await exportPerson(t.database.db, personIfi(JSON.stringify(jeanne)));
    expect(data.statements.map((s) => s.id)).to.have.members([ids.jeanne, ids.about]);
    expect(data.documents).to.have.length(1);
    expect(data.documents[0]!.content).to.equal('{"page":1}');
    const last = (await log()).pop()!;
    expect(last.action).to.equal('person.exported');
    expect(last.subject).to.not.contain('jeanne');
  });

  it('refuses an agent that is not valid JSON or not an Agent, changing nothing', () => {
    expect(() => personIfi('jeanne')).to.throw(ValidationError);
    expect(() => personIfi('{"mbox":"jeanne"}')).to.throw(ValidationError);
  });

  it('purges statements stored before the cutoff only, and logs how many', async () => {
    const n = await purgeBefore(t.database.db, new Date('2025-01-01T00:00:00Z'));
    expect(n).to.equal(1);
    expect((await t.xapi(`/statements?statementId=${ids.old}`)).status).to.equal(404);
    expect((await t.xapi(`/statements?statementId=${ids.paul}`)).status).to.equal(200);
    expect((await log()).pop()).to.include({ action: 'statements.purged' });
  });

  it('erases the person: their statements in any role and their documents; others stay', async () => {
    const done = await erasePerson(t.database.db, personIfi(JSON.stringify(jeanne)));
    expect(done).to.deep.equal({ statements: 2, documents: 1 });
    expect((await t.xapi(`/statements?statementId=${ids.jeanne}`)).status).to.equal(404);
    expect((await t.xapi(`/statements?statementId=${ids.about}`)).status).to.equal(404);
    expect((await t.xapi(`/statements?statementId=${ids.paul}`)).status).to.equal(200);
    const again = await exportPerson(t.database.db, personIfi(JSON.stringify(jeanne)));
    expect(again.statements).to.deep.equal([]);
    expect((await log()).map((r) => r.action)).to.include('person.erased');
  });

  const namesOf = async (ifi: string) =>
    ((await t.database.db.execute(sql`select name from lrs_agent_names where ifi = ${ifi}`)) as unknown as { rows: Array<{ name: string }> }).rows.map((r) => r.name);
  const personOf = async (agent: unknown) => (await (await t.xapi(`/agents?agent=${encodeURIComponent(JSON.stringify(agent))}`)).json()) as { name?: string[] };

  it('erasing a person also forgets the names seen with their identifier (the Person object of /agents)', async () => {
    const louise = { mbox: `mailto:louise-${process.pid}@ac-dijon.fr` };
    await client(t).sendStatement({ statement: aStatement({ actor: { ...louise, name: 'Louise Michel' } }) as never });
    await client(t).sendStatement({ statement: aStatement({ actor: paul, context: { instructor: { ...louise, name: 'L. Michel' } } }) as never });
    expect((await personOf(louise)).name).to.have.members(['Louise Michel', 'L. Michel']);
    await erasePerson(t.database.db, personIfi(JSON.stringify(louise)));
    expect(await namesOf(personIfi(JSON.stringify(louise)))).to.deep.equal([]);
    expect((await personOf(louise)).name).to.equal(undefined);
  });

  it('a retention purge forgets the names of agents that no remaining statement names, and keeps the others', async () => {
    const ancien = { mbox: `mailto:ancien-${process.pid}@ac-dijon.fr` };
    const recent = { mbox: `mailto:recent-${process.pid}@ac-dijon.fr` };
    t.clock.set('2021-01-01T00:00:00Z');
    await client(t).sendStatement({ statement: aStatement({ actor: { ...ancien, name: 'Ancien Agent' } }) as never });
    t.clock.set('2026-11-02T00:00:00Z');
    await client(t).sendStatement({ statement: aStatement({ actor: { ...recent, name: 'Agent Récent' } }) as never });
    expect(await namesOf(personIfi(JSON.stringify(ancien)))).to.deep.equal(['Ancien Agent']);
    await purgeBefore(t.database.db, new Date('2025-01-01T00:00:00Z'));
    expect(await namesOf(personIfi(JSON.stringify(ancien)))).to.deep.equal([]);
    expect((await personOf(recent)).name).to.deep.equal(['Agent Récent']);
  });

  it('runs as a CLI: credentials create and list, erase refusing without --yes (exit 64)', async function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-lrs-cli-'));
    const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', NODE_ENV: 'test', DATABASE_URL: (t.database as { url?: string }).url ?? '' };
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/lrs.cli.ts', ...args], { env });
    try {
      const created = await cli('credentials', 'create', '--name', 'CLI', '--scope', 'statements/read');
      const key = /key\t([0-9a-f]+)/.exec(created.stdout)![1]!;
      expect((await cli('credentials', 'list')).stdout).to.contain(key).and.to.contain('statements/read');
      const refused = await cli('erase', '--agent', JSON.stringify(paul)).catch((e: { code: number; stderr: string }) => e);
      expect((refused as { code: number }).code).to.equal(64);
      expect((refused as { stderr: string }).stderr).to.contain('--yes');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
