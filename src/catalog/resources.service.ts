import type { Actor } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import type { CatalogDeps } from './sessions.service';
import { managesSession } from './ownership';
import { loadEditableSession } from './sessions.service';
import type { ResourceForm } from './catalog.schema';
import {
  deleteFileIfUnused,
  deleteResource,
  findFileWithSessions,
  findResource,
  insertFile,
  insertResource,
  listResourceRows,
  moveResource,
  updateResource,
  type ResourceRow,
  type ResourceWithFile,
} from './resources.repo';
import { checkUpload, safeFilename } from './uploads';

/** Use cases on a session's resources: list, add, edit, remove, reorder, and read an uploaded file back. */

/** An uploaded file as multer hands it over. */
export interface Upload {
  originalname: string;
  buffer: Buffer;
}

/** A resource as participant pages show it; `target` is the link, or the URL of the uploaded file. */
export interface SessionResource {
  id: string;
  title: string;
  type: 'link' | 'video' | 'slides' | 'document';
  description: string;
  estimatedMinutes: number | null;
  target: string;
  file: { filename: string; contentType: string; sizeBytes: number } | null;
}

/** The URL an uploaded file is served at. */
export function fileUrl(fileId: string): string {
  return `/files/${fileId}`;
}

function toSessionResource(r: ResourceWithFile): SessionResource {
  return {
    id: r.id,
    title: r.title,
    type: r.type,
    description: r.description,
    estimatedMinutes: r.estimatedMinutes,
    target: r.url ?? fileUrl(r.fileId!),
    file: r.file,
  };
}

/** The resources of a session, in their order (no access check: the caller has one for the session). */
export async function listResources(deps: Pick<CatalogDeps, 'db'>, sessionId: string): Promise<SessionResource[]> {
  return (await listResourceRows(deps.db, sessionId)).map(toSessionResource);
}

/** The resources of a session the actor may edit. */
export async function listEditableResources(deps: CatalogDeps, actor: Actor, sessionId: string) {
  const session = await loadEditableSession(deps, actor, sessionId);
  return { session, resources: (await listResourceRows(deps.db, sessionId)).map(toSessionResource) };
}

async function storeUpload(actor: Actor, upload: Upload, tx: DbOrTx) {
  const filename = safeFilename(upload.originalname);
  const checked = checkUpload(filename, upload.buffer);
  if (!checked) throw new ValidationError('Refused file type', [{ path: 'file', message: 'catalog.errors.file_type' }]);
  return insertFile(tx, { filename, contentType: checked.contentType, data: upload.buffer, createdBy: actor.userId });
}

function assertNotArchived(status: string): void {
  if (status === 'archived') throw new ConflictError('An archived session cannot be edited', { messageKey: 'catalog.errors.archived' });
}

/** Adds a resource: a link (`url`) or an uploaded file, exactly one of the two. */
export async function addResource(deps: CatalogDeps, actor: Actor, sessionId: string, form: ResourceForm, upload?: Upload): Promise<string> {
  const session = await loadEditableSession(deps, actor, sessionId);
  assertNotArchived(session.status);
  if (form.url && upload) throw new ValidationError('Both url and file', [{ path: 'url', message: 'catalog.errors.url_or_file' }]);
  if (!form.url && !upload) throw new ValidationError('Neither url nor file', [{ path: 'url', message: 'catalog.errors.url_or_file' }]);
  if (upload) checkOrThrow(upload);
  return deps.db.transaction(async (tx) => {
    const fileId = upload ? await storeUpload(actor, upload, tx) : null;
    const now = deps.clock.now();
    const row = await insertResource(tx, {
      sessionId,
      type: form.type,
      title: form.title,
      description: form.description ?? '',
      estimatedMinutes: form.estimatedMinutes,
      url: fileId ? null : form.url,
      fileId,
      createdAt: now,
      updatedAt: now,
    });
    return row.id;
  });
}

function checkOrThrow(upload: Upload): void {
  if (!checkUpload(safeFilename(upload.originalname), upload.buffer)) {
    throw new ValidationError('Refused file type', [{ path: 'file', message: 'catalog.errors.file_type' }]);
  }
}

/** A resource of a session the actor may edit. */
export async function loadEditableResource(deps: CatalogDeps, actor: Actor, sessionId: string, resourceId: string) {
  const session = await loadEditableSession(deps, actor, sessionId);
  const resource = await findResource(deps.db, sessionId, resourceId);
  if (!resource) throw new NotFoundError('No such resource');
  const withFile = (await listResourceRows(deps.db, sessionId)).find((r) => r.id === resource.id)!;
  return { session, resource: toSessionResource(withFile), row: resource };
}

/** Saves a resource's form: a new file or a new link replaces what was there; neither keeps it. */
export async function editResource(deps: CatalogDeps, actor: Actor, sessionId: string, resourceId: string, form: ResourceForm, upload?: Upload): Promise<void> {
  const { session, row } = await loadEditableResource(deps, actor, sessionId, resourceId);
  assertNotArchived(session.status);
  if (form.url && upload) throw new ValidationError('Both url and file', [{ path: 'url', message: 'catalog.errors.url_or_file' }]);
  if (upload) checkOrThrow(upload);
  await deps.db.transaction(async (tx) => {
    const fileId = upload ? await storeUpload(actor, upload, tx) : form.url ? null : row.fileId;
    const url = fileId ? null : (form.url ?? row.url);
    await updateResource(tx, row.id, {
      type: form.type,
      title: form.title,
      description: form.description ?? '',
      estimatedMinutes: form.estimatedMinutes,
      url,
      fileId,
      updatedAt: deps.clock.now(),
    });
    if (row.fileId && row.fileId !== fileId) await deleteFileIfUnused(tx, row.fileId);
  });
}

/** Removes a resource (and its file when nothing else uses it). */
export async function removeResource(deps: CatalogDeps, actor: Actor, sessionId: string, resourceId: string): Promise<ResourceRow> {
  const { session, row } = await loadEditableResource(deps, actor, sessionId, resourceId);
  assertNotArchived(session.status);
  await deps.db.transaction((tx) => deleteResource(tx, row));
  return row;
}

/** Moves a resource up or down the list. */
export async function reorderResource(deps: CatalogDeps, actor: Actor, sessionId: string, resourceId: string, direction: 'up' | 'down'): Promise<void> {
  const { session, row } = await loadEditableResource(deps, actor, sessionId, resourceId);
  assertNotArchived(session.status);
  await deps.db.transaction((tx) => moveResource(tx, row, direction));
}

/**
 * An uploaded file for a launched user: resources of published (or past: cancelled, archived) sessions
 * are open to every launched person; those of drafts only to who may edit the session. 404 otherwise,
 * so the existence of a draft's file is not revealed.
 */
export async function readFile(deps: Pick<CatalogDeps, 'db'>, actor: Actor, fileId: string) {
  const found = await findFileWithSessions(deps.db, fileId);
  const sessions = found?.sessions ?? [];
  let visible = sessions.some((s) => s.status !== 'draft');
  for (const s of sessions) if (!visible && (await managesSession(deps.db, actor, s.id))) visible = true;
  if (!found || !visible) throw new NotFoundError('No such file');
  return found.file;
}
