import { z } from 'zod';
import { parsePeriod, type Period } from './periods';
import type { Dim } from './universe';

/** Dashboard filters, all in the URL so that a view can be shared. Messages are locale keys. */

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'dashboard.filter_too_long')
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/**
 * Filters: a fixed period (school year "2025-2026", term "2025-2026-T2", month "2026-01"; never free dates)
 * and at most one of series, service, job family (each further combination would be a view to compare).
 */
export const FiltersSchema = z
  .object({
    period: z
      .string()
      .optional()
      .transform((v) => (v === '' ? undefined : v))
      .refine((v) => v === undefined || parsePeriod(v) !== undefined, 'dashboard.filter_period_invalid'),
    series: optionalText(500),
    course: optionalText(500),
    service: optionalText(200),
    job: optionalText(200),
    format: z.enum(['html', 'csv'], { error: 'dashboard.filter_format' }).default('html'),
    table: optionalText(60),
    lang: z.string().optional(),
  })
  .strict()
  .refine((f) => [f.series, f.service, f.job].filter((x) => x !== undefined).length <= 1, { message: 'dashboard.filter_one_group', path: ['service'] });

export type FiltersInput = z.infer<typeof FiltersSchema>;

/** Filters resolved against the clock and the actor's scope: what the services take. */
export interface Filters {
  period: Period;
  /** Course keys the figures are limited to (an organiser's own course(s)); undefined for "all". */
  courses?: string[];
  dim: Dim;
  value: string;
}

export const TargetSchema = z.object({
  competence: z.string().regex(/^\d\.\d$/, 'dashboard.target_competence_invalid'),
  jobFamily: z.string().trim().min(1, 'dashboard.target_job_family_required').max(100, 'dashboard.filter_too_long'),
  level: z.coerce.number({ error: 'dashboard.target_level_invalid' }).int('dashboard.target_level_invalid').min(1, 'dashboard.target_level_invalid').max(8, 'dashboard.target_level_invalid'),
  _csrf: z.string().optional(),
});
export type TargetInput = z.infer<typeof TargetSchema>;
