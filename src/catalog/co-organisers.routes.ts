import type { Express } from 'express';
import { z } from 'zod';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { parseForm } from './forms';
import { addCoOrganiser, removeCoOrganiser } from './co-organisers.service';
import type { CatalogDeps } from './sessions.service';

const AddSchema = z.object({ course: z.string().max(64, 'catalog.errors.choice') });

/** Adding and removing co-organiser courses of a session (the list is shown on the session's page). */
export function mountCoOrganiserRoutes(app: Express, ctx: AppContext): void {
  const deps: CatalogDeps = { db: ctx.db, clock: ctx.clock };
  const back = (id: string, done: string) => `/organiser/sessions/${id}?done=${done}#co-organisers`;

  app.post('/organiser/sessions/:id/co-organisers', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const id = String(req.params.id);
    const { course } = parseForm(AddSchema, req.body);
    await addCoOrganiser(deps, actorOf(res), id, course);
    res.redirect(303, back(id, 'co_organiser_added'));
  });

  app.post('/organiser/sessions/:id/co-organisers/:course/remove', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const id = String(req.params.id);
    await removeCoOrganiser(deps, actorOf(res), id, String(req.params.course));
    res.redirect(303, back(id, 'co_organiser_removed'));
  });
}
