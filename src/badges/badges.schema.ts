import { z } from 'zod';
import { calendarDate, safeString } from '../platform/input-hygiene';
import { COLOURS, TEMPLATES } from './images';

/**
 * Forms of the badges slice. Messages are locale keys (`badges.errors.*`), shown next to their field.
 * Form posts arrive as strings: numbers and empty options are converted here.
 */
const text = (max: number, key: string) => safeString().trim().min(1, `badges.errors.${key}_required`).max(max, `badges.errors.${key}_too_long`);
const optionalId = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.uuid('badges.errors.invalid').nullable());
const optionalDay = z.preprocess((v) => (v === '' || v === undefined ? null : v), calendarDate('badges.errors.date').nullable());
const int = (min: number, max: number, key: string) => z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number(`badges.errors.${key}`).int(`badges.errors.${key}`).min(min, `badges.errors.${key}`).max(max, `badges.errors.${key}`));
const list = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^[\w.-]{1,64}:[\w.-]{1,32}$/, 'badges.errors.invalid')).max(5, 'badges.errors.too_many_competences'));

/** The badge class form: text, image choice, competences, scope and rule (fields of the rule's kind only). */
export const BadgeFormSchema = z
  .object({
    name: text(80, 'name'),
    description: text(500, 'description'),
    criteria: text(2000, 'criteria'),
    image_source: z.enum(['template', 'upload'], 'badges.errors.invalid').default('template'),
    template: z.enum(TEMPLATES, 'badges.errors.invalid').default('medaille'),
    colour: z.enum(COLOURS, 'badges.errors.invalid').default('bleu'),
    competences: list,
    scope: z.enum(['course', 'academie'], 'badges.errors.invalid').default('course'),
    rule_kind: z.enum(['session-completed', 'sessions-count', 'positioning-gain', 'fabrique-joined', 'presented', 'manual'], 'badges.errors.rule_kind'),
    session_id: optionalId,
    count: z.preprocess((v) => (v === '' ? undefined : v), int(1, 100, 'count').optional()),
    series_id: optionalId,
    from: optionalDay,
    to: optionalDay,
    competence: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[\w.-]{1,64}:[\w.-]{1,32}$/, 'badges.errors.invalid').optional()),
    gain: z.preprocess((v) => (v === '' ? undefined : v), int(1, 7, 'gain').optional()),
    projects: z.preprocess((v) => (v === '' ? undefined : v), int(1, 20, 'projects_count').optional()),
    presented: z.preprocess((v) => (v === '' ? undefined : v), int(1, 20, 'presented_count').optional()),
  })
  .superRefine((f, ctx) => {
    const need = (cond: boolean, path: string, key: string) => cond || ctx.addIssue({ code: 'custom', path: [path], message: `badges.errors.${key}` });
    if (f.rule_kind === 'session-completed') need(f.session_id !== null, 'session_id', 'session_required');
    if (f.rule_kind === 'sessions-count') {
      need(f.count !== undefined, 'count', 'count');
      need(!(f.from && f.to) || f.from <= f.to, 'to', 'period_reversed');
    }
    if (f.rule_kind === 'fabrique-joined') need(f.projects !== undefined, 'projects', 'projects_count');
    if (f.rule_kind === 'presented') need(f.presented !== undefined, 'presented', 'presented_count');
    if (f.rule_kind === 'positioning-gain') {
      need(f.competence !== undefined, 'competence', 'competence_required');
      need(f.gain !== undefined, 'gain', 'gain');
    }
  });
export type BadgeForm = z.infer<typeof BadgeFormSchema>;

/** A manual award: who, and why. */
export const ManualAwardSchema = z.object({ user_id: z.uuid('badges.errors.person_required'), reason: text(500, 'reason') });

/** A revocation: why (published with the revocation list). */
export const RevokeSchema = z.object({ reason: text(500, 'reason') });

/** The earner's answer to "may your badges be public?". */
export const ConsentSchema = z.object({ public_allowed: z.enum(['yes', 'no'], 'badges.errors.invalid') });

/** One badge made public or private by its earner. */
export const VisibilitySchema = z.object({ public: z.enum(['yes', 'no'], 'badges.errors.invalid') });

/** The verification form: a URL or a pasted credential (a file comes apart, through multer). */
export const VerifyFormSchema = z.object({ url: z.string().trim().max(2000, 'badges.errors.url').optional().default(''), text: z.string().max(200_000, 'badges.errors.too_large').optional().default('') });
