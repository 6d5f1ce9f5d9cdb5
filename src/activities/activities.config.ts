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

/** Reads and parses the activities of a session. */
export async function loadActivities(db: DbOrTx, sessionId: string): Promise<SessionActivities> {
  const rows = await findConfigs(db, sessionId);
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
