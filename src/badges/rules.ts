import { z } from 'zod';
import { calendarDate } from '../platform/input-hygiene';

/**
 * The rules that award a badge, all computed from the learning records (statements in the LRS, whoever
 * sent them): a session completed, N sessions completed (of a series, in a period, or both), a gain on a
 * competence between the self-positionings before and after a session, joining the team of N Fabrique
 * projects, presenting N distinct sessions (`hosted` statements on a session: an "I can present" offer an
 * organiser took up, or another tool's record), or by hand only (`manual`).
 */
const uuid = z.uuid();
// Real calendar days (no year 0, no 30 February): a stored rule is read back through this schema too.
const day = calendarDate();

export const RuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('session-completed'), sessionId: uuid }),
  z
    .object({
      kind: z.literal('sessions-count'),
      count: z.number().int().min(1).max(100),
      seriesId: uuid.nullable(),
      from: day.nullable(),
      to: day.nullable(),
    })
    .refine((r) => !(r.from && r.to) || r.from <= r.to, { path: ['to'], message: 'period_reversed' }),
  z.object({ kind: z.literal('positioning-gain'), framework: z.string().min(1).max(64), code: z.string().min(1).max(32), gain: z.number().int().min(1).max(7) }),
  z.object({ kind: z.literal('fabrique-joined'), count: z.number().int().min(1).max(20) }),
  z.object({ kind: z.literal('presented'), count: z.number().int().min(1).max(20) }),
  z.object({ kind: z.literal('manual') }),
]);
export type Rule = z.infer<typeof RuleSchema>;
export type RuleKind = Rule['kind'];
export const RULE_KINDS: RuleKind[] = ['session-completed', 'sessions-count', 'positioning-gain', 'fabrique-joined', 'presented', 'manual'];

/** The session and series a rule names, kept beside it so the pages of a session or a series list its badges. */
export function ruleTargets(rule: Rule): { sessionId: string | null; seriesId: string | null } {
  if (rule.kind === 'session-completed') return { sessionId: rule.sessionId, seriesId: null };
  if (rule.kind === 'sessions-count') return { sessionId: null, seriesId: rule.seriesId };
  return { sessionId: null, seriesId: null };
}
