import type { Actor } from '../lti';
import { assertCanEdit, listScope, ownerContextFor } from './access';
import type { SeriesForm } from './catalog.schema';
import { deleteSeries, findSeries, insertSeries, listSeries, updateSeries, type SeriesRow } from './series.repo';
import type { CatalogDeps } from './sessions.service';

/** Use cases on series of sessions ("Instants numériques 2026-2027"). */

/** Series the actor may use: those of their course, every series for an administrator. */
export function listVisibleSeries(deps: Pick<CatalogDeps, 'db'>, actor: Actor) {
  return listSeries(deps.db, listScope(actor));
}

export async function loadEditableSeries(deps: Pick<CatalogDeps, 'db'>, actor: Actor, id: string): Promise<SeriesRow> {
  return assertCanEdit(actor, await findSeries(deps.db, id), 'series');
}

export async function createSeries(deps: CatalogDeps, actor: Actor, form: SeriesForm): Promise<string> {
  const now = deps.clock.now();
  const row = await insertSeries(deps.db, {
    title: form.title,
    description: form.description ?? '',
    ownerContextRef: ownerContextFor(actor),
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  });
  return row.id;
}

export async function editSeries(deps: CatalogDeps, actor: Actor, id: string, form: SeriesForm): Promise<void> {
  await loadEditableSeries(deps, actor, id);
  await updateSeries(deps.db, id, { title: form.title, description: form.description ?? '', updatedAt: deps.clock.now() });
}

/** Deletes a series; its sessions stay, outside any series. */
export async function removeSeries(deps: CatalogDeps, actor: Actor, id: string): Promise<void> {
  await loadEditableSeries(deps, actor, id);
  await deleteSeries(deps.db, id);
}
