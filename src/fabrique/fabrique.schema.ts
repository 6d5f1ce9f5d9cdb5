import { z } from 'zod';
import { calendarDate } from '../platform/input-hygiene';
import { MEMBER_ROLES, STAGES, TIMEBOX_KINDS } from './fabrique.tables';

/** Forms of la Fabrique. Messages are locale keys (`fabrique.errors.*`), shown beside their fields. */

const E = {
  required: 'fabrique.errors.required',
  tooLong: 'fabrique.errors.too_long',
  choice: 'fabrique.errors.choice',
  number: 'fabrique.errors.number',
  date: 'fabrique.errors.date',
  tooMany: 'fabrique.errors.too_many',
};

const clean = (s: string) => s.replace(/\r\n/g, '\n').trim();
const text = (max: number) => z.string({ error: E.required }).transform(clean).pipe(z.string().max(max, { error: E.tooLong }));
const required = (max: number) => text(max).pipe(z.string().min(1, { error: E.required }));
const optional = (max: number) =>
  z
    .string({ error: E.required })
    .optional()
    .transform((s) => clean(s ?? ''))
    .pipe(z.string().max(max, { error: E.tooLong }));
const list = (maxItems: number, maxLength: number) =>
  optional(4000)
    .transform((s) => [...new Set(s.split(/[,;\n]/).map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(z.string().max(maxLength, { error: E.tooLong })).max(maxItems, { error: E.tooMany }));
const uuid = z.string({ error: E.choice }).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: E.choice }).transform((s) => s.toLowerCase());
const optionalUuid = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined))
  .pipe(uuid.optional());
const number = (min: number, max: number) =>
  optional(20)
    .transform((s) => (s === '' ? null : s.replace(',', '.')))
    .pipe(z.string().regex(/^-?\d+(\.\d+)?$/, { error: E.number }).transform(Number).pipe(z.number().min(min, { error: E.number }).max(max, { error: E.number })).nullable());
const date = z.string({ error: E.required }).trim().min(1, { error: E.required }).pipe(calendarDate(E.date));
const optionalDate = optional(10)
  .transform((s) => (s === '' ? null : s))
  .pipe(calendarDate(E.date).nullable());
const checkbox = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => v !== undefined && v !== '' && v !== 'false');
const many = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const version = z.string({ error: E.required }).regex(/^\d{1,9}$/, { error: E.required }).transform(Number);

/** A proposal, as the "new proposal" form posts it (the need fields come prefilled from the dashboard). */
export const ProposalFormSchema = z.object({
  title: required(200).pipe(z.string().min(3, { error: 'fabrique.errors.title_short' })),
  problem: required(5000),
  beneficiaries: required(2000),
  services: list(10, 100),
  outcome: required(3000),
  timeNeeded: optional(200),
  needType: optional(40),
  needLabel: optional(300),
  needKey: optional(100),
  creationKey: optionalUuid,
});
export type ProposalForm = z.infer<typeof ProposalFormSchema>;

/** Similar proposals while typing: the title typed so far. */
export const SimilarQuerySchema = z.object({ title: z.string().max(200).optional().default('') });

export const CommentFormSchema = z.object({ body: required(3000), question: checkbox });

/** The committee's decision on a proposal, with the reason shown to the proposer. */
export const DecisionFormSchema = z.object({
  decision: z.enum(['select', 'decline'], { error: E.choice }),
  reason: required(3000),
  version,
});

/** The framing of a project; deliverables come as parallel lists of titles and due dates. */
export const FramingFormSchema = z
  .object({
    objectives: required(5000),
    resources: required(3000),
    timeboxKind: z.enum(TIMEBOX_KINDS, { error: E.choice }),
    timeboxWeeks: number(1, 52),
    timeboxCustom: optional(200),
    facilitatorId: optionalUuid,
    impactMeasure: required(300),
    impactTarget: number(0, 1e9),
    nextReviewOn: optionalDate,
    deliverableTitle: many,
    deliverableDue: many,
    version,
  })
  .superRefine((f, ctx) => {
    if (f.timeboxKind === 'weekly' && f.timeboxWeeks === null) ctx.addIssue({ code: 'custom', path: ['timeboxWeeks'], message: E.required });
    if (f.timeboxKind === 'custom' && f.timeboxCustom === '') ctx.addIssue({ code: 'custom', path: ['timeboxCustom'], message: E.required });
    if (f.impactTarget === null) ctx.addIssue({ code: 'custom', path: ['impactTarget'], message: E.required });
    if (f.deliverableTitle.length > 12) ctx.addIssue({ code: 'custom', path: ['deliverables'], message: E.tooMany });
  });
export type FramingForm = z.infer<typeof FramingFormSchema>;

/** A dated phase review and its decision. */
export const ReviewFormSchema = z
  .object({
    to: z.enum(STAGES, { error: E.choice }),
    heldOn: date,
    note: required(3000),
    postmortem: optional(5000),
    transferredTo: optional(200),
    nextReviewOn: optionalDate,
    version,
  })
  .superRefine((f, ctx) => {
    if (f.to === 'stopped' && f.postmortem === '') ctx.addIssue({ code: 'custom', path: ['postmortem'], message: 'fabrique.errors.postmortem' });
    if (f.to === 'transferred' && f.transferredTo === '') ctx.addIssue({ code: 'custom', path: ['transferredTo'], message: E.required });
  });
export type ReviewForm = z.infer<typeof ReviewFormSchema>;

export const ImpactFormSchema = z.object({ impactCurrent: number(0, 1e9) });
export const NameMemberFormSchema = z.object({ userId: uuid });
export const PeopleQuerySchema = z.object({ q: z.string().trim().max(100).optional().default('') });

/** A directory entry: consent, skills (fields `skill:<framework>:<code>` = level 0–8, 0 for none), tools, description. */
export const ProfileFormSchema = z.object({
  optIn: checkbox,
  description: optional(2000),
  tools: list(20, 50),
  version,
});
export type ProfileForm = z.infer<typeof ProfileFormSchema> & { skills: Array<{ framework: string; code: string; level: number }> };

/** The skills part of the profile form, read from its `skill:` fields. */
export function skillsOf(body: unknown): { skills: ProfileForm['skills']; invalid: boolean } {
  const skills: ProfileForm['skills'] = [];
  let invalid = false;
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    const m = /^skill:([\w.-]{1,40}):([\w.-]{1,40})$/.exec(key);
    if (!m) continue;
    if (typeof value !== 'string' || !/^[0-8]$/.test(value)) invalid = true;
    else if (value !== '0') skills.push({ framework: m[1]!, code: m[2]!, level: Number(value) });
  }
  if (skills.length > 40) invalid = true;
  return { skills, invalid };
}

/** Directory search by competence code and/or tool tag. */
export const DirectoryQuerySchema = z.object({
  competence: z.string().trim().max(80).optional().default(''),
  tool: z.string().trim().max(50).optional().default(''),
  project: z.string().max(40).optional().default(''),
});

export const InvitationFormSchema = z.object({
  userId: uuid,
  role: z.enum(MEMBER_ROLES, { error: E.choice }),
  timeAsked: required(200),
  message: optional(2000),
});

export const ResponseFormSchema = z
  .object({
    response: z.enum(['accept', 'decline'], { error: E.choice }),
    hours: number(0, 2000),
    shownOnBoard: checkbox,
  })
  .superRefine((f, ctx) => {
    if (f.response === 'accept' && f.hours === null) ctx.addIssue({ code: 'custom', path: ['hours'], message: E.required });
  });

export const HoursFormSchema = z.object({ hours: number(0, 2000).pipe(z.number({ error: E.required })) });
export const ProgressFormSchema = z.object({ body: required(3000) });
export const DeliverableFormSchema = z.object({ status: z.enum(['planned', 'in_progress', 'delivered'], { error: E.choice }) });
