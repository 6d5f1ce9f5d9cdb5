import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../platform/db/client';
import type { DataSubject, PurgePreview } from '../platform/personal-data';
import { OBSTACLES } from './activities.schema';

/** Answers of the person (through their attempts), and the free-text retention of answers (src/activities/personal-data.ts). */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

export async function answersOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select to_jsonb(a) || jsonb_build_object('session_id', t.session_id, 'kind', t.kind) as row
    from activity_answers a join activity_attempts t on t.id = a.attempt_id where t.user_ref = ${who.userId} order by a.answered_at`)).map((r) => r.row);
}

export async function deleteAnswersOf(db: DbOrTx, who: DataSubject): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from activity_answers where attempt_id in (select id from activity_attempts where user_ref = ${who.userId}) returning 1) select count(*)::int as n from d`))[0]!.n;
}

// Free text in answers: the needs survey's wish, the satisfaction comment, the follow-up's purposes and the
// obstacle typed under "other" (the only obstacle outside the fixed list).
const codes = `{${OBSTACLES.join(',')}}`;
const hasFreeText = sql`((question_key = 'needs' and value->>'freeText' is not null)
  or (question_key = 'rating' and value->>'comment' is not null)
  or (question_key = 'follow-up' and (jsonb_array_length(coalesce(value->'purposes', '[]')) > 0
    or exists (select 1 from jsonb_array_elements_text(coalesce(value->'obstacles', '[]')) o where o <> all(${codes}::text[])))))`;

export async function previewFreeText(db: DbOrTx, cutoff: Date): Promise<PurgePreview> {
  const [r] = rowsOf<{ n: number; oldest: string | Date | null; newest: string | Date | null }>(
    await db.execute(sql`select count(*)::int as n, min(answered_at) as oldest, max(answered_at) as newest from activity_answers where answered_at < ${cutoff.toISOString()}::timestamptz and ${hasFreeText}`),
  );
  return { rows: r!.n, oldest: r!.oldest ? new Date(r!.oldest) : null, newest: r!.newest ? new Date(r!.newest) : null };
}

/** Blanks the free text of answers given before `cutoff` (the answer itself stays: completion depends on it). */
export async function blankFreeText(db: Db, cutoff: Date): Promise<number> {
  return rowsOf<{ n: number }>(
    await db.execute(sql`with d as (update activity_answers set value = case question_key
        when 'needs' then jsonb_set(value, '{freeText}', 'null'::jsonb)
        when 'rating' then jsonb_set(value, '{comment}', 'null'::jsonb)
        else jsonb_set(jsonb_set(value, '{purposes}', '[]'::jsonb), '{obstacles}',
          (select coalesce(jsonb_agg(o), '[]'::jsonb) from jsonb_array_elements_text(coalesce(value->'obstacles', '[]')) o where o = any(${codes}::text[])))
      end
      where answered_at < ${cutoff.toISOString()}::timestamptz and ${hasFreeText} returning 1) select count(*)::int as n from d`),
  )[0]!.n;
}
