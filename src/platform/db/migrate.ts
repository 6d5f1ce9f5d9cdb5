import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../paths';
import type { Database } from './client';

/** A committed SQL migration: `migrations/NNNN_slice_name.sql`, applied once, in name order. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

// Any constant works; it only has to be the same for every instance of Instants.
const MIGRATION_LOCK_KEY = 7_305_912_001;

/** Reads the migration files in name order. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so that several instances starting
 * at once apply each migration exactly once, then refreshes the planner's statistics. Refuses to run when an
 * applied migration was edited since.
 */
export async function migrate(database: Database, migrations = readMigrations(), onApplied?: (name: string) => void): Promise<string[]> {
  const applied: string[] = [];
  await database.execInTransaction(async (exec) => {
    await exec(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await exec(`create table if not exists instants_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
    const { rows } = await exec('select name, checksum from instants_migrations');
    const done = new Map(rows.map((r) => [String(r.name), String(r.checksum)]));
    for (const m of migrations) {
      const previous = done.get(m.name);
      if (previous !== undefined) {
        if (previous !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied; write a new migration instead`);
        continue;
      }
      await exec(m.sql);
      await exec(`insert into instants_migrations (name, checksum) values ('${m.name}', '${m.checksum}')`);
      applied.push(m.name);
      onApplied?.(m.name);
    }
    // A migration may fill or reshape tables: plans must not wait for autovacuum to learn of it.
    if (applied.length) await exec('analyze');
  });
  return applied;
}
