import { and, asc, desc, eq, like, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { activityAnswers, activityAttempts, activityOffers } from './activities.tables';

/** A person's own history in the activities, read by la Fabrique to suggest skills to that same person. */

/** The level from which a self-positioning counts as high (CRCN 5–8: Avancé and Expert). */
export const HIGH_LEVEL = 5;

/** The person's offers to present, and their highest after-session self-positioning per competence code when high. */
export async function personalHistoryOf(db: DbOrTx, userRef: string) {
  const offers = await db
    .select({ tool: activityOffers.tool, competence: activityOffers.competence, createdAt: activityOffers.createdAt })
    .from(activityOffers)
    .where(eq(activityOffers.userRef, userRef))
    .orderBy(desc(activityOffers.createdAt))
    .limit(50);
  const level = sql<number>`max((${activityAnswers.value}->>'level')::int)`;
  const code = sql<string>`substr(${activityAnswers.questionKey}, 7)`;
  const positionings = await db
    .select({ code, level })
    .from(activityAnswers)
    .innerJoin(activityAttempts, eq(activityAttempts.id, activityAnswers.attemptId))
    .where(and(eq(activityAttempts.userRef, userRef), eq(activityAttempts.kind, 'self-positioning'), like(activityAnswers.questionKey, 'after:%')))
    .groupBy(code)
    .having(sql`${level} >= ${HIGH_LEVEL}`)
    .orderBy(asc(code));
  return { offers, highPositionings: positionings.map((p) => ({ code: p.code, level: Number(p.level) })) };
}
