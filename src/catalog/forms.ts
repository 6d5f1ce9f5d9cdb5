import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../platform/errors';
import { toFieldIssues } from '../platform/http';
import { assertCleanInput } from '../platform/input-hygiene';
import type { Translate } from '../platform/i18n';
import type { Upload } from './resources.service';

/** Form plumbing of the catalog slice: parse with zod, and describe fields for `views/partials/catalog/field.hbs`. */

/** Parses a posted form; throws a ValidationError whose details carry locale keys as messages. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError('Invalid form', toFieldIssues(parsed.error), { messageKey: 'errors.validation_failed' });
  return parsed.data;
}

/** The first message per field, translated (zod's own messages become a generic "invalid value"). */
export function fieldErrors(issues: FieldIssue[] | undefined, t: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues ?? []) {
    const field = issue.path.split('.')[0] || 'form';
    if (out[field]) continue;
    out[field] = issue.message.startsWith('catalog.') ? t(issue.message) : t('catalog.errors.invalid');
  }
  return out;
}

/** A field as the field partial draws it. */
export interface FieldView {
  kind: 'text' | 'textarea' | 'select' | 'date' | 'time' | 'number' | 'url' | 'file' | 'checkboxes';
  id: string;
  name: string;
  label: string;
  value?: string;
  help?: string;
  error?: string;
  required?: boolean;
  rows?: number;
  accept?: string;
  /** For markdown fields: a hint shown under the field. */
  describedBy?: string;
  options?: Array<{ value: string; label: string; selected?: boolean }>;
  groups?: Array<{ label: string; options: Array<{ id: string; value: string; label: string; checked: boolean }> }>;
}

/** Fills in `describedBy` from the help and error ids, so screen readers read both with the field. */
export function field(f: Omit<FieldView, 'describedBy'>, errors: Record<string, string>): FieldView {
  const error = errors[f.name];
  const ids = [f.help ? `${f.id}-help` : null, error ? `${f.id}-error` : null].filter(Boolean);
  return { ...f, error, describedBy: ids.length ? ids.join(' ') : undefined };
}

/** A posted value as a string, for showing a form again with what was typed. */
export function raw(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : '';
}

/** Posted values of a multi-valued field. */
export function rawList(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * After multer: refuses multipart fields and a file name that the input-hygiene middleware could not see
 * (it runs before multer), else hands over the uploaded file, if any.
 */
export function resolveClean(req: Request, resolve: (file: Upload | undefined) => void, reject: (err: unknown) => void): void {
  try {
    assertCleanInput({ ...(req.body as Record<string, unknown> | undefined), ...(req.file ? { file: req.file.originalname } : {}) });
  } catch (err) {
    reject(err);
    return;
  }
  resolve(req.file && req.file.size > 0 ? { originalname: req.file.originalname, buffer: req.file.buffer } : undefined);
}
