import { z } from 'zod';

/** zod schemas of the activities slice: activity settings (stored as JSON) and every form it receives. */

const trimmed = (max: number, key: string) => z.string({ error: key }).trim().max(max, { error: key });
const required = (max: number, key: string) => trimmed(max, key).min(1, { error: key });
/** A checkbox: present ("on", "1", "true") or absent. */
const checkbox = z.preprocess((v) => v === 'on' || v === '1' || v === 'true' || v === true, z.boolean());
/** A form field that may come once or several times. */
const many = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** The four-step self-positioning scale and the CRCN level each step stands for (upper bound of its band). */
export const SCALE_STEPS = [
  { step: 1, key: 'discover', band: 'novice', level: 2 },
  { step: 2, key: 'alone', band: 'independent', level: 4 },
  { step: 3, key: 'master', band: 'advanced', level: 6 },
  { step: 4, key: 'teach', band: 'expert', level: 8 },
] as const;

export const ChoiceSchema = z.object({ id: z.string(), text: z.string(), correct: z.boolean(), feedback: z.string() });
export const QuestionSchema = z.object({
  id: z.string(),
  text: z.string(),
  competence: z.string().nullable(),
  multiple: z.boolean(),
  choices: z.array(ChoiceSchema),
});
export type QuizQuestion = z.infer<typeof QuestionSchema>;

/** Settings of each activity kind, as stored in activity_configs.settings. */
export const SettingsSchemas = {
  'self-positioning': z.object({ retrospective: z.boolean().default(true) }),
  quiz: z.object({
    title: z.string().default('Quiz'),
    masteryPercent: z.number().int().min(0).max(100).default(70),
    certainty: z.boolean().default(false),
    questions: z.array(QuestionSchema).default([]),
  }),
  needs: z.object({ askCompetence: z.boolean().default(true) }),
  satisfaction: z.object({ scaleMax: z.number().int().min(3).max(10).default(5) }),
  'follow-up': z.object({ delayDays: z.number().int().min(1).max(365).default(30) }),
} as const;
export type QuizSettings = z.infer<(typeof SettingsSchemas)['quiz']>;

/**
 * The quiz as organisers type it (the editor's import and export format), one block per question:
 * `? text [2.3]` (add `(multiple)` for several right answers), then `* right choice | feedback` or
 * `- wrong choice | feedback`. Errors are `line:N:what` or `question:N:what` (N counted from 1).
 */
export function parseQuizText(text: string): { questions: QuizQuestion[]; errors: string[] } {
  const questions: QuizQuestion[] = [];
  const errors: string[] = [];
  let current: QuizQuestion | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('?')) {
      let body = line.slice(1).trim();
      const multiple = /\(multiple\)/i.test(body);
      body = body.replace(/\(multiple\)/i, '').trim();
      const m = /\[([^\]]+)\]\s*$/.exec(body);
      const competence = m ? m[1]!.trim() : null;
      if (m) body = body.slice(0, m.index).trim();
      if (!body) errors.push(`line:${i + 1}:empty_question`);
      if (body.length > 500) errors.push(`line:${i + 1}:line_too_long`);
      current = { id: `q${questions.length + 1}`, text: body, competence, multiple, choices: [] };
      questions.push(current);
    } else if (line.startsWith('*') || line.startsWith('-')) {
      if (!current) {
        errors.push(`line:${i + 1}:choice_without_question`);
        return;
      }
      const [choice, ...feedback] = line.slice(1).split('|');
      const choiceText = (choice ?? '').trim();
      const feedbackText = feedback.join('|').trim();
      if (!choiceText) errors.push(`line:${i + 1}:empty_choice`);
      if (choiceText.length > 300 || feedbackText.length > 500) errors.push(`line:${i + 1}:line_too_long`);
      current.choices.push({ id: `c${current.choices.length + 1}`, text: choiceText, correct: line.startsWith('*'), feedback: feedbackText });
    } else {
      errors.push(`line:${i + 1}:unknown_line`);
    }
  });
  questions.forEach((q, i) => {
    const right = q.choices.filter((c) => c.correct).length;
    if (q.choices.length < 2) errors.push(`question:${i + 1}:too_few_choices`);
    else if (q.choices.length > 8) errors.push(`question:${i + 1}:too_many_choices`);
    else if (right === 0) errors.push(`question:${i + 1}:no_right_choice`);
    else if (!q.multiple && right > 1) errors.push(`question:${i + 1}:several_right_choices`);
  });
  if (questions.length > 20) errors.push('too_many_questions');
  return { questions, errors };
}

/** Writes quiz questions back in the text form `parseQuizText` reads. */
export function quizToText(questions: QuizQuestion[]): string {
  return questions
    .map((q) =>
      [
        `? ${q.text}${q.multiple ? ' (multiple)' : ''}${q.competence ? ` [${q.competence}]` : ''}`,
        ...q.choices.map((c) => `${c.correct ? '*' : '-'} ${c.text}${c.feedback ? ` | ${c.feedback}` : ''}`),
      ].join('\n'),
    )
    .join('\n\n');
}

/** The organiser's activities form. Message values are locale keys of `activities.errors.*`. */
export const ActivitiesFormSchema = z.object({
  sp_enabled: checkbox,
  sp_required: checkbox,
  sp_retrospective: checkbox,
  quiz_enabled: checkbox,
  quiz_required: checkbox,
  quiz_title: trimmed(120, 'too_long').default(''),
  quiz_mastery: z.coerce.number({ error: 'mastery' }).int({ error: 'mastery' }).min(0, { error: 'mastery' }).max(100, { error: 'mastery' }),
  quiz_certainty: checkbox,
  quiz_text: trimmed(20000, 'too_long').default(''),
  needs_enabled: checkbox,
  needs_required: checkbox,
  needs_competence: checkbox,
  satisfaction_enabled: checkbox,
  satisfaction_required: checkbox,
  followup_enabled: checkbox,
  followup_required: checkbox,
  followup_delay: z.coerce.number({ error: 'delay' }).int({ error: 'delay' }).min(1, { error: 'delay' }).max(365, { error: 'delay' }),
});
export type ActivitiesForm = z.infer<typeof ActivitiesFormSchema>;

/** One self-positioning answer: which competence, which moment, which step of the scale. */
export const PositionAnswerSchema = z.object({
  competence: required(20, 'required'),
  moment: z.enum(['before', 'after', 'then'], { error: 'required' }),
  step: z.coerce.number({ error: 'step' }).int({ error: 'step' }).min(1, { error: 'step' }).max(4, { error: 'step' }),
});

/** One quiz answer. */
export const QuizAnswerSchema = z.object({
  question: required(20, 'required'),
  choices: many(z.string().max(20)).pipe(z.array(z.string()).min(1, { error: 'choose' }).max(20)),
  certainty: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.coerce.number({ error: 'certainty' }).int().min(1, { error: 'certainty' }).max(4, { error: 'certainty' }).nullable()),
});

/** The "what next?" survey. */
export const NeedsAnswerSchema = z.object({
  topics: many(z.uuid({ error: 'topic' })).pipe(z.array(z.string()).max(30, { error: 'topic' })),
  free_text: trimmed(500, 'too_long').default(''),
  competence: trimmed(20, 'competence').default(''),
});

/** The satisfaction form (the maximum is checked against the settings). */
export const SatisfactionAnswerSchema = z.object({
  rating: z.coerce.number({ error: 'rating' }).int({ error: 'rating' }).min(1, { error: 'rating' }).max(10, { error: 'rating' }),
  comment: trimmed(2000, 'too_long').default(''),
});

export const FREQUENCIES = ['never', 'once', 'monthly', 'weekly', 'daily'] as const;
export const OBSTACLES = ['time', 'equipment', 'access', 'skills', 'need', 'other'] as const;

/** The D+30 follow-up form. */
export const FollowUpAnswerSchema = z.object({
  used_since: z.enum(['yes', 'no'], { error: 'required' }),
  frequency: z.preprocess((v) => (v === '' ? undefined : v), z.enum(FREQUENCIES, { error: 'frequency' }).optional()),
  purposes: trimmed(1000, 'too_long').default(''),
  obstacles: many(z.enum(OBSTACLES, { error: 'obstacle' })),
  obstacles_other: trimmed(500, 'too_long').default(''),
});

/** The check-in form. */
export const CheckinSchema = z.object({
  code: z.string({ error: 'code' }).trim().toUpperCase().regex(/^[A-Z0-9]{4,10}$/, { error: 'code' }),
  method: z.enum(['code', 'qr'], { error: 'code' }).default('code'),
});

/** "I can present a tool". */
export const OfferSchema = z.object({
  tool: required(120, 'tool'),
  description: required(2000, 'description'),
  competence: trimmed(20, 'competence').default(''),
});

/** A topic organisers add to the survey's list. */
export const TopicSchema = z.object({ kind: z.enum(['tool', 'theme'], { error: 'kind' }), label: required(80, 'label') });

/** Marking someone present by hand. */
export const MarkPresentSchema = z.object({ user: z.uuid({ error: 'required' }) });

export const SessionParamsSchema = z.object({ id: z.string() });
