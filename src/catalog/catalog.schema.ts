import { z } from 'zod';
import { parseTimestamp, safeString } from '../platform/input-hygiene';
import { RESOURCE_TYPES, SESSION_FORMATS, SESSION_STATUSES } from './catalog.tables';

/**
 * Forms of the catalog slice. Messages are locale keys (`catalog.errors.*`), translated when the form is
 * shown again next to its fields.
 */

const text = (max: number) =>
  z
    .string({ error: 'catalog.errors.required' })
    .transform((s) => s.replace(/\r\n/g, '\n').trim())
    .pipe(z.string().max(max, { error: 'catalog.errors.too_long' }));

const required = (max: number) => text(max).pipe(z.string().min(1, { error: 'catalog.errors.required' }));

const optional = (max: number) =>
  z
    .string()
    .optional()
    .transform((s) => s?.replace(/\r\n/g, '\n').trim() ?? '')
    .pipe(z.string().max(max, { error: 'catalog.errors.too_long' }))
    .transform((s) => (s === '' ? null : s));

/** A list typed as text: comma- or line-separated, trimmed, empty items and duplicates removed. */
const list = (separator: RegExp, maxItems: number, maxLength: number) =>
  optional(4000)
    .transform((s) => [...new Set((s ?? '').split(separator).map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(z.string().max(maxLength, { error: 'catalog.errors.item_too_long' })).max(maxItems, { error: 'catalog.errors.too_many_items' }));

const httpUrl = z
  .string()
  .max(2000, { error: 'catalog.errors.too_long' })
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, { error: 'catalog.errors.url' });

const intIn = (min: number, max: number) =>
  optional(10).pipe(
    z
      .string()
      .regex(/^\d+$/, { error: 'catalog.errors.integer' })
      .transform(Number)
      .pipe(z.number().int().min(min, { error: 'catalog.errors.out_of_range' }).max(max, { error: 'catalog.errors.out_of_range' }))
      .nullable(),
  );

const oneOrMany = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** The session form as posted (dates and times in Paris local time). */
export const SessionFormSchema = z
  .object({
    title: required(200),
    tool: optional(100),
    tags: list(/[,;\n]/, 10, 40),
    description: text(20000).optional().transform((s) => s ?? ''),
    date: z.string({ error: 'catalog.errors.required' }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'catalog.errors.date' }),
    startTime: z.string({ error: 'catalog.errors.required' }).regex(/^\d{2}:\d{2}$/, { error: 'catalog.errors.time' }),
    endTime: z.string({ error: 'catalog.errors.required' }).regex(/^\d{2}:\d{2}$/, { error: 'catalog.errors.time' }),
    place: optional(200),
    format: z.enum(SESSION_FORMATS, { error: 'catalog.errors.choice' }),
    remoteUrl: optional(2000).pipe(httpUrl.nullable()),
    capacity: intIn(1, 10000),
    audience: list(/[,;\n]/, 30, 100),
    presenters: list(/\n/, 20, 200),
    contributors: list(/\n/, 30, 200),
    seriesId: optional(40),
    /** Drawn when the creation form is shown: a second post of the same form finds the first session. */
    creationKey: z
      .string()
      .optional()
      .transform((v) => (v && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? v.toLowerCase() : undefined)),
    /** When the session was last changed, as shown in the form (optimistic concurrency). */
    version: z
      .string()
      .optional()
      .transform((v) => (v ? parseTimestamp(v, { requireOffset: true })?.date.toISOString() : undefined)),
    competences: oneOrMany.pipe(
      z
        .array(z.string().regex(/^[a-z0-9-]{1,40}:[0-9A-Za-z.-]{1,16}$/, { error: 'catalog.errors.choice' }))
        .min(1, { error: 'catalog.errors.competences_count' })
        .max(3, { error: 'catalog.errors.competences_count' }),
    ),
  })
  .superRefine((v, ctx) => {
    if (v.format !== 'remote' && !v.place) ctx.addIssue({ code: 'custom', path: ['place'], message: 'catalog.errors.place_required' });
    if (v.format !== 'in_person' && !v.remoteUrl) ctx.addIssue({ code: 'custom', path: ['remoteUrl'], message: 'catalog.errors.remote_url_required' });
    if (v.startTime >= v.endTime) ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'catalog.errors.end_before_start' });
  });
export type SessionForm = z.infer<typeof SessionFormSchema>;

/** A status change: publish, cancel (with an optional reason), archive, or back to draft. */
export const StatusActionSchema = z.object({
  action: z.enum(['publish', 'cancel', 'archive', 'reopen'], { error: 'catalog.errors.choice' }),
  reason: optional(500),
});
export type StatusAction = z.infer<typeof StatusActionSchema>;

export const SeriesFormSchema = z.object({
  title: required(200),
  description: optional(2000),
});
export type SeriesForm = z.infer<typeof SeriesFormSchema>;

/** The resource form; the file, when there is one, arrives apart (multipart). */
export const ResourceFormSchema = z.object({
  type: z.enum(RESOURCE_TYPES, { error: 'catalog.errors.choice' }),
  title: required(200),
  description: optional(2000),
  estimatedMinutes: intIn(1, 600),
  url: optional(2000).pipe(httpUrl.nullable()),
});
export type ResourceForm = z.infer<typeof ResourceFormSchema>;

export const MoveSchema = z.object({ direction: z.enum(['up', 'down'], { error: 'catalog.errors.choice' }) });

/** Filters of the organiser home. */
export const SessionListQuerySchema = z.object({
  q: z.string().max(200).optional().catch(undefined),
  status: z.enum(SESSION_STATUSES).optional().catch(undefined),
});

/** One competence of an imported framework. */
export const CompetenceSchema = z.object({
  code: z.string().trim().regex(/^[0-9A-Za-z][0-9A-Za-z.-]{0,15}$/, { error: 'catalog.errors.competence_code' }),
  domain: safeString().trim().min(1, { error: 'catalog.errors.required' }).max(200, { error: 'catalog.errors.too_long' }),
  title: safeString().trim().min(1, { error: 'catalog.errors.required' }).max(300, { error: 'catalog.errors.too_long' }),
});
export type Competence = z.infer<typeof CompetenceSchema>;

/** The framework import form (the CSV or JSON file arrives apart). */
export const FrameworkFormSchema = z.object({
  id: z
    .string({ error: 'catalog.errors.required' })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'catalog.errors.framework_id' }),
  title: required(200),
});
export type FrameworkForm = z.infer<typeof FrameworkFormSchema>;
