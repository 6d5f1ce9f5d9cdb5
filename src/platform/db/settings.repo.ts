import { eq } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { instantsSettings } from './platform.tables';

/** Facts about the database itself: whether (since when) a production instance uses it. */

const PRODUCTION_SINCE = 'production_since';

/** Records, once, that a production instance started on this database. */
export async function markProductionDatabase(db: DbOrTx, at: Date): Promise<void> {
  await db.insert(instantsSettings).values({ name: PRODUCTION_SINCE, value: at.toISOString() }).onConflictDoNothing();
}

/** When a production instance first started on this database, or null if none ever did. */
export async function productionSince(db: DbOrTx): Promise<Date | null> {
  const [row] = await db.select({ value: instantsSettings.value }).from(instantsSettings).where(eq(instantsSettings.name, PRODUCTION_SINCE));
  return typeof row?.value === 'string' ? new Date(row.value) : null;
}
