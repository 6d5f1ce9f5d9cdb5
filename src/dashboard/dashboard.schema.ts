import { z } from 'zod';
import { parseCalendarDate } from '../platform/input-hygiene';

/** Dashboard filters, all in the URL so that a view can be shared. Messages are locale keys. */

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'dashboard.filter_date_format')
  .refine((v) => parseCalendarDate(v) !== undefined, 'dashboard.filter_date_invalid');

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'dashboard.filter_too_long')
    .optional()
    .transform((v) => (v === '' ? undefined : v));

export const FiltersSchema = z
  .object({
    from: day.optional().or(z.literal('').transform(() => undefined)),
    to: day.optional().or(z.literal('').transform(() => undefined)),
    series: optionalText(500),
    course: optionalText(500),
    service: optionalText(200),
    session: optionalText(500),
    format: z.enum(['html', 'csv'], { error: 'dashboard.filter_format' }).default('html'),
    table: optionalText(60),
    lang: z.string().optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'dashboard.filter_dates_reversed', path: ['to'] })
  .refine((f) => !f.from || !f.to || daysBetween(f.from, f.to) <= 3 * 366, { message: 'dashboard.filter_period_too_long', path: ['to'] });

export type FiltersInput = z.infer<typeof FiltersSchema>;

function daysBetween(a: string, b: string): number {
  return (new Date(`${b}T00:00:00Z`).getTime() - new Date(`${a}T00:00:00Z`).getTime()) / 86_400_000;
}

/** Filters resolved against the clock and the actor's scope: what the queries take. */
export interface Filters {
  from: Date;
  /** Exclusive end (the day after `to`). */
  until: Date;
  previousFrom: Date;
  series?: string;
  /** Course keys the query is limited to (an organiser's own course(s)); undefined for "all". */
  courses?: string[];
  service?: string;
  session?: string;
}

export const TargetSchema = z.object({
  competence: z.string().regex(/^\d\.\d$/, 'dashboard.target_competence_invalid'),
  jobFamily: z.string().trim().min(1, 'dashboard.target_job_family_required').max(100, 'dashboard.filter_too_long'),
  level: z.coerce.number({ error: 'dashboard.target_level_invalid' }).int('dashboard.target_level_invalid').min(1, 'dashboard.target_level_invalid').max(8, 'dashboard.target_level_invalid'),
  _csrf: z.string().optional(),
});
export type TargetInput = z.infer<typeof TargetSchema>;
