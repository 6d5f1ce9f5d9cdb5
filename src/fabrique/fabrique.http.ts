import type { Request, Response } from 'express';
import type { z } from 'zod';
import { actorOf } from '../lti';
import { ConflictError, ValidationError } from '../platform/errors';
import { toFieldIssues } from '../platform/http';
import { canStaff, isCommittee, type FabriqueDeps } from './fabrique.access';
import { fabriqueNav, fieldErrors } from './fabrique.present';

/** Route plumbing of la Fabrique: parsing forms, rendering pages with the navigation, showing forms again with errors. */

/** Parses a posted form; a ValidationError carries locale keys as messages. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError('Invalid form', toFieldIssues(parsed.error), { messageKey: 'errors.validation_failed' });
  return parsed.data;
}

/** Renders a Fabrique page with its navigation (committee and directory links for those who may use them). */
export async function renderPage(deps: FabriqueDeps, res: Response, view: string, active: string, data: Record<string, unknown>, status = 200): Promise<void> {
  const actor = actorOf(res);
  const [committee, staffing] = await Promise.all([isCommittee(deps, actor), canStaff(deps, actor)]);
  res.status(status).render(`fabrique/${view}`, { ...data, nav: fabriqueNav(res.locals.t, active, { committee, staffing }), isCommittee: committee, canStaff: staffing });
}

/** The error summary of a form shown again. */
export function errorSummary(errors: Record<string, string>) {
  return { hasErrors: Object.keys(errors).length > 0, errorList: Object.entries(errors).map(([id, message]) => ({ id, message })) };
}

/**
 * A form handler: runs `save` and redirects (303) where it says; on invalid input shows the form again
 * (400) with errors beside the fields, on a concurrent edit (409) with the current version and a message.
 */
export function handleForm(save: (req: Request, res: Response) => Promise<string>, show: (req: Request, res: Response, status: number, errors: Record<string, string>, fresh: boolean) => Promise<void>) {
  return async (req: Request, res: Response) => {
    try {
      res.redirect(303, await save(req, res));
    } catch (err) {
      if (err instanceof ConflictError && err.messageKey === 'fabrique.errors.stale') return show(req, res, 409, { form: res.locals.t('fabrique.errors.stale') }, true);
      if (!(err instanceof ValidationError) || !err.details?.length) throw err;
      await show(req, res, 400, fieldErrors(err.details, res.locals.t), false);
    }
  };
}

/** The page language, for statements. */
export const languageOf = (res: Response) => String(res.locals.locale ?? 'fr');

/** A "done" message from `?done=`, when it names a known one. */
export function doneMessage(res: Response, known: string[]): string | undefined {
  const done = res.req.query.done;
  return typeof done === 'string' && known.includes(done) ? res.locals.t(`fabrique.done.${done}`) : undefined;
}
