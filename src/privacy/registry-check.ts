import type { DbOrTx } from '../platform/db/client';
import type { PersonalDataDeclaration } from '../platform/personal-data';
import { declaredTables, REGISTRY } from './registry';
import { catalogColumns, catalogTables, userForeignKeys } from './tables.repo';

/** Columns whose name says they hold a person's identifier, wherever they are. */
const IDENTIFIER_COLUMN = /^(actor|actor_ifi|ifi|agent_ifi|email)$/;

/**
 * What is wrong between the registry and the database catalog: a table without a declaration (or declared
 * twice, or declared but absent), a declared column that does not exist, a reference to lti_users or an
 * identifier column in a table declared as holding nothing personal or not tied to the person by a link.
 */
export async function registryProblems(db: DbOrTx, registry: readonly PersonalDataDeclaration[] = REGISTRY): Promise<string[]> {
  const problems: string[] = [];
  const tables = await catalogTables(db);
  const columns = new Map<string, Set<string>>();
  for (const c of await catalogColumns(db)) columns.set(c.table, (columns.get(c.table) ?? new Set()).add(c.column));
  const declared = declaredTables(registry);
  const byName = new Map<string, (typeof declared)[number]>();
  for (const d of declared) {
    if (byName.has(d.table)) problems.push(`${d.table}: declared twice (${byName.get(d.table)!.slice} and ${d.slice})`);
    byName.set(d.table, d);
  }
  for (const t of tables) if (!byName.has(t)) problems.push(`${t}: no declaration in the registry of personal data (src/<slice>/personal-data.ts)`);
  for (const d of declared) {
    const cols = columns.get(d.table);
    if (!cols) {
      problems.push(`${d.table}: declared by ${d.slice} but not in the database`);
      continue;
    }
    if (!d.personal) continue;
    const named = [...d.links.map((l) => l.column), ...(d.withheld ?? []), ...d.retention.flatMap((r) => (r.kind === 'period' ? [r.column] : []))];
    for (const c of named) if (!cols.has(c)) problems.push(`${d.table}.${c}: declared but not a column`);
  }
  for (const fk of await userForeignKeys(db)) {
    const d = byName.get(fk.table);
    if (!d) continue;
    if (!d.personal) problems.push(`${fk.table}.${fk.column}: refers to lti_users, but the table is declared as holding nothing personal`);
    else if (!d.ops && !d.links.some((l) => l.column === fk.column)) problems.push(`${fk.table}.${fk.column}: refers to lti_users but no link of the declaration names it`);
  }
  for (const [table, cols] of columns) {
    const d = byName.get(table);
    if (!d) continue;
    for (const c of cols) if (IDENTIFIER_COLUMN.test(c) && !d.personal) problems.push(`${table}.${c}: holds a person's identifier, but the table is declared as holding nothing personal`);
  }
  return problems;
}
