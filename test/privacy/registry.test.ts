import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../../src/platform/db/client';
import { ROOT_DIR } from '../../src/platform/paths';
import type { PersonalDataDeclaration } from '../../src/platform/personal-data';
import { declaredTables, personalTables, REGISTRY, registryProblems } from '../../src/privacy';
import { testConfig } from '../support/app';
import { createTestDatabase } from '../support/db';

/**
 * The registry of personal data against the database catalog (issue 20): every table of the migrated
 * database is declared by the slice that owns it, what a declaration names exists, and every reference to a
 * person is tied to them by a link the registry can follow.
 */
describe('privacy: the registry of personal data', () => {
  let database: Database;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database.close());

  it('declares every table of the migrated database, each once, and only tables that exist', async () => {
    expect(await registryProblems(database.db)).to.deep.equal([]);
  });

  // What another change may leave undeclared for now is the first test's business; these compare with it.
  const added = async (registry?: readonly PersonalDataDeclaration[]) => {
    const base = new Set(await registryProblems(database.db));
    return (await registryProblems(database.db, registry)).filter((p) => !base.has(p));
  };

  it('reports a table added without a declaration, naming it', async () => {
    const base = new Set(await registryProblems(database.db));
    await database.db.execute(sql`create table undeclared_notes (id uuid primary key, user_ref uuid references lti_users (id), body text)`);
    try {
      expect((await registryProblems(database.db)).filter((p) => !base.has(p))).to.deep.equal(['undeclared_notes: no declaration in the registry of personal data (src/<slice>/personal-data.ts)']);
    } finally {
      await database.db.execute(sql`drop table undeclared_notes`);
    }
  });

  it('reports a reference to lti_users that no link follows, and a person identifier in a table declared as plain', async () => {
    const broken: PersonalDataDeclaration[] = REGISTRY.map((d) =>
      d.slice !== 'activities' && d.slice !== 'dashboard'
        ? d
        : {
            ...d,
            tables: d.tables.map((t) => {
              if (t.table === 'activity_offers' && t.personal) return { ...t, links: [] };
              if (t.table === 'dash_people') return { table: 'dash_people', personal: false as const, why: 'wrongly declared' };
              return t;
            }),
          },
    );
    expect(await added(broken)).to.have.members([
      'activity_offers.user_ref: refers to lti_users but no link of the declaration names it',
      'activity_offers.taken_up_by: refers to lti_users but no link of the declaration names it',
      "dash_people.actor: holds a person's identifier, but the table is declared as holding nothing personal",
    ]);
  });

  it('reports a declared column that is not in the table', async () => {
    const broken = REGISTRY.map((d) => (d.slice !== 'grades' ? d : { ...d, tables: d.tables.map((t) => (t.table === 'grades_scores' && t.personal ? { ...t, withheld: ['no_such_column'] } : t)) }));
    expect(await added(broken)).to.deep.equal(['grades_scores.no_such_column: declared but not a column']);
  });

  it('has a plain-language description, in French and English, for every table holding personal data, and every purpose, category, basis and recipient', () => {
    for (const locale of ['fr', 'en']) {
      const messages = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'locales', locale, 'privacy.json'), 'utf8')) as Record<string, Record<string, string>>;
      for (const t of personalTables()) {
        expect(messages.table?.[t.table], `${locale} privacy.table.${t.table}`).to.be.a('string');
        expect(messages.purpose?.[t.purpose], `${locale} privacy.purpose.${t.purpose}`).to.be.a('string');
        for (const c of t.holds) expect(messages.category?.[c], `${locale} privacy.category.${c}`).to.be.a('string');
        for (const r of t.recipients) expect(messages.recipient?.[r], `${locale} privacy.recipient.${r}`).to.be.a('string');
        expect(messages.basis?.[t.basis], `${locale} privacy.basis.${t.basis}`).to.be.a('string');
      }
    }
  });

  it('gives every table holding personal data a retention rule, with settings the configuration reads', () => {
    const config = testConfig();
    for (const t of personalTables()) {
      expect(t.retention.length, t.table).to.be.above(0);
      for (const r of t.retention) if (r.kind === 'period' || r.kind === 'custom') expect(config.retention[r.setting], `${t.table}: ${r.setting}`).to.be.a('number').above(0);
    }
  });

  it('lists nothing personal without a reason, and leaves out of the export only tables that say why', () => {
    for (const t of declaredTables()) {
      if (!t.personal) expect(t.why.length, t.table).to.be.above(0);
      // Not exported: indexes and copies of exported rows, attachment contents, counters tied to no one.
      else if (!t.exported) expect(['lrs_statement_agents', 'lrs_attachments', 'lti_login_rate'], t.table).to.include(t.table);
    }
  });
});
