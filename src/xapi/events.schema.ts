import { z } from 'zod';
import type { LearningEvent } from './events';

/**
 * zod mirror of the LearningEvent contract (events.ts): what recordEvents accepts. An event that fails here
 * would make an invalid or misleading statement, so it is refused before anything is written.
 */

const text = z.string().trim().min(1, 'must not be empty');
const id = z.string().min(1, 'must not be empty').max(200).regex(/^[^\s/?#]+$/, 'must not contain spaces, "/", "?" or "#"');
const url = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL (e.g. https://www.openstreetmap.org)' });
const competence = z.strictObject({ framework: id, code: id, title: text });

const SessionSchema = z.strictObject({
  id,
  title: text,
  tool: text.nullable(),
  seriesId: id.nullable(),
  seriesTitle: text.nullable(),
  course: z.strictObject({ issuer: url, contextId: text, title: text.nullable() }).nullable(),
  competences: z.array(competence),
});

const base = {
  id: z.uuid({ error: 'expected a UUID' }).optional(),
  actor: z.strictObject({ issuer: url, sub: text.max(255), service: text.max(200).nullish(), jobFamily: text.max(200).nullish() }),
  session: SessionSchema,
  at: z.date({ error: 'expected a Date' }).refine((d) => !Number.isNaN(d.getTime()), 'expected a valid date'),
  language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/, 'expected a language tag (e.g. fr or en)'),
};

export const LearningEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('launched') }),
  z.strictObject({ ...base, kind: z.literal('attended'), method: z.enum(['code', 'qr', 'manual']) }),
  z.strictObject({
    ...base,
    kind: z.literal('resource-opened'),
    resource: z.strictObject({ id, title: text, type: z.enum(['link', 'video', 'slides', 'document']), url }),
  }),
  z
    .strictObject({
      ...base,
      kind: z.literal('question-answered'),
      quiz: z.strictObject({ id, title: text }),
      question: z.strictObject({
        id,
        text,
        interactionType: z.literal('choice'),
        choices: z.array(z.strictObject({ id, text })).min(2, 'a choice question needs at least two choices'),
        correct: z.array(id).min(1, 'at least one correct choice'),
        competence: text.nullable(),
      }),
      response: z.array(id),
      success: z.boolean(),
      certainty: z.int().min(1).max(4).nullable(),
    })
    .superRefine((e, ctx) => {
      const ids = new Set(e.question.choices.map((c) => c.id));
      if (ids.size !== e.question.choices.length) ctx.addIssue({ code: 'custom', path: ['question', 'choices'], message: 'choice ids must be unique' });
      e.question.correct.forEach((c, i) => ids.has(c) || ctx.addIssue({ code: 'custom', path: ['question', 'correct', i], message: `"${c}" is not one of the choices` }));
      e.response.forEach((c, i) => ids.has(c) || ctx.addIssue({ code: 'custom', path: ['response', i], message: `"${c}" is not one of the choices` }));
    }),
  z
    .strictObject({
      ...base,
      kind: z.literal('quiz-completed'),
      quiz: z.strictObject({ id, title: text, masteryScore: z.number().min(0).max(1) }),
      score: z.strictObject({ raw: z.number().min(0), max: z.number().positive() }),
      passed: z.boolean(),
      durationSeconds: z.number().min(0).nullable(),
    })
    .refine((e) => e.score.raw <= e.score.max, { path: ['score', 'raw'], message: 'raw must not exceed max' }),
  z.strictObject({ ...base, kind: z.literal('self-positioned'), competence, level: z.int().min(1).max(8), moment: z.enum(['before', 'after', 'then']) }),
  z.strictObject({
    ...base,
    kind: z.literal('need-expressed'),
    need: z
      .strictObject({ type: z.enum(['tool', 'theme', 'competence', 'free-text']), id: id.nullable(), label: text.max(2000) })
      .refine((n) => n.type === 'free-text' || n.id !== null, { path: ['id'], message: 'required unless the need is free text' }),
  }),
  z
    .strictObject({ ...base, kind: z.literal('rated'), rating: z.strictObject({ value: z.number().min(0), max: z.number().positive() }), comment: z.string().max(5000).nullable() })
    .refine((e) => e.rating.value <= e.rating.max, { path: ['rating', 'value'], message: 'must not exceed max' }),
  z.strictObject({
    ...base,
    kind: z.literal('follow-up-completed'),
    usedSince: z.boolean(),
    frequency: text.nullable(),
    purposes: z.array(text),
    obstacles: z.array(text),
  }),
  z.strictObject({ ...base, kind: z.literal('session-completed'), score: z.strictObject({ scaled: z.number().min(0).max(1) }).nullable() }),
  z.strictObject({ ...base, kind: z.literal('session-presented') }),
]);

/** A voiding event (events.ts `VoidingEvent`): the target a statement id. */
export const VoidingEventSchema = z.strictObject({
  id: base.id,
  actor: base.actor,
  target: z.uuid({ error: 'expected the UUID of the statement to void' }),
  at: base.at,
  language: base.language,
});

// What the schema accepts is a LearningEvent (it is stricter: ranges, known choices, URLs).
export const asLearningEvent = (e: z.infer<typeof LearningEventSchema>): LearningEvent => e;
