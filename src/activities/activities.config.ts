import type { DbOrTx } from '../platform/db/client';
import { SettingsSchemas, type QuizSettings } from './activities.schema';
import { ACTIVITY_KINDS, type ActivityKind } from './activities.tables';
import { findConfigs } from './activities.repo';

/** A session's activity configuration, parsed (the JSON read back from the database goes through zod). */
export interface SessionActivities {
  selfPositioning: { required: boolean; retrospective: boolean } | null;
  quiz: ({ required: boolean } & QuizSettings) | null;
  needs: { required: boolean; askCompetence: boolean } | null;
  satisfaction: { required: boolean; scaleMax: number } | null;
  followUp: { required: boolean; delayDays: number } | null;
  /** The kinds offered, in display order, and which ones completion needs. */
  kinds: ActivityKind[];
  required: ActivityKind[];
}

/** Reads and parses the activities a session offers (a quiz kept but not offered is left out). */
export async function loadActivities(db: DbOrTx, sessionId: string): Promise<SessionActivities> {
  const rows = (await findConfigs(db, sessionId)).filter((r) => r.offered);
  const get = (kind: ActivityKind) => rows.find((r) => r.kind === kind);
  const parse = <K extends ActivityKind>(kind: K) => {
    const row = get(kind);
    if (!row) return null;
    const settings = SettingsSchemas[kind].parse(row.settings ?? {}) as object;
    return { required: row.required, ...settings };
  };
  const result = {
    selfPositioning: parse('self-positioning') as SessionActivities['selfPositioning'],
    quiz: parse('quiz') as SessionActivities['quiz'],
    needs: parse('needs') as SessionActivities['needs'],
    satisfaction: parse('satisfaction') as SessionActivities['satisfaction'],
    followUp: parse('follow-up') as SessionActivities['followUp'],
  };
  const kinds = ACTIVITY_KINDS.filter((k) => get(k));
  return { ...result, kinds, required: kinds.filter((k) => get(k)!.required) };
}

/** When the D+30 follow-up opens for a session that ends at `endsAt`. */
export function followUpOpensAt(endsAt: Date, delayDays: number): Date {
  return new Date(endsAt.getTime() + delayDays * 24 * 3600 * 1000);
}

/**
 * What the organisers' form edits: every stored row, offered or not, the stored quiz (offered or kept), and
 * the version the form carries (the last change, so a save over someone else's is detected).
 */
export async function loadConfigsForEditing(db: DbOrTx, sessionId: string) {
  const rows = await findConfigs(db, sessionId);
  const quizRow = rows.find((r) => r.kind === 'quiz');
  const quiz = quizRow ? { offered: quizRow.offered, required: quizRow.required, ...SettingsSchemas.quiz.parse(quizRow.settings ?? {}) } : null;
  const last = rows.reduce<Date | null>((max, r) => (max && max >= r.updatedAt ? max : r.updatedAt), null);
  return { rows, quiz, version: last ? last.toISOString() : 'none', lastChange: last };
}
