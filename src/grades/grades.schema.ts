import { z } from 'zod';

export const SessionParamsSchema = z.object({ id: z.uuid({ error: 'expected a session id' }) });

export const ScoreModeSchema = z.object({ mode: z.enum(['completion', 'quiz'], { error: 'choose completion or quiz' }) });

export const RosterQuerySchema = z.object({ filter: z.enum(['all', 'not_launched', 'not_attended', 'not_completed']).default('all') });
