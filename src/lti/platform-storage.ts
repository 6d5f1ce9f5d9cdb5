import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { Db } from '../platform/db/client';
import { peekLoginRequest, type LoginRequest } from './launch.repo';
import { LtiLaunchError } from './lti.errors';
import type { PlatformInfo } from './platform.types';

/**
 * LTI platform storage (1EdTech "LTI Client Side postMessages": `lti_storage_target`, `lti.put_data`,
 * `lti.get_data`), for platforms that offer it; Moodle 4.5 does not, and nothing else depends on it.
 * At login, a page puts a random value in the platform's storage frame, then goes on to the platform's
 * authorisation (a GET). When the launch comes back without ltijs's state cookie, a page reads the value
 * back from that frame (answers accepted from the platform's origin only) and posts the launch again from
 * Instants' own origin with it; the value's sha256 must be the one kept with the login request. The value
 * is thus read from the storage of the browser that started the login, as the state cookie would have been.
 */

const sha = (v: string) => crypto.createHash('sha256').update(v).digest('hex');
const originOf = (u: string) => {
  try {
    return new URL(u).origin;
  } catch {
    return undefined;
  }
};

/** The storage target named at login, when it is a frame name (or `_parent`). */
export function storageTargetOf(params: Record<string, unknown>): string | undefined {
  const t = params.lti_storage_target;
  return typeof t === 'string' && /^[\w.-]{1,100}$/.test(t) ? t : undefined;
}

/** A new value to put in the platform's storage, and what the login request keeps of it. */
export function newStorageBinding(): { value: string; binding: string } {
  const value = crypto.randomBytes(24).toString('base64url');
  return { value, binding: sha(value) };
}

const keyOf = (state: string) => `instants_state_${state.slice(0, 100)}`;

/** The login page that stores the value, then goes to the platform's authorisation URL. */
export function renderStorageLogin(res: Response, o: { platform: PlatformInfo; target: string; state: string; value: string; authUrl: string }): void {
  res.set('Cache-Control', 'no-store');
  res.render('lti/storage', { title: res.locals.t('lti.cookies.title'), mode: 'put', target: o.target, origin: originOf(o.platform.authEndpoint), key: keyOf(o.state), value: o.value, next: o.authUrl, scripts: ['/lti/storage.js'] });
}

/**
 * First post of a launch without ltijs's state cookie, from a platform that keeps our value: answers with
 * the page that reads it back and posts again (nothing is used yet). False when this does not apply.
 */
export async function askPlatformStorage(db: Db, req: Request, res: Response, now: Date, findPlatform: (login: LoginRequest) => Promise<PlatformInfo | undefined>): Promise<boolean> {
  const body = req.body as Record<string, unknown>;
  if (typeof body.state !== 'string' || body.lti_storage_value !== undefined || typeof body.id_token !== 'string') return false;
  const login = await peekLoginRequest(db, body.state, now);
  if (!login?.storageTarget || !login.storageBinding) return false;
  const platform = await findPlatform(login);
  if (!platform) return false;
  res.set('Cache-Control', 'no-store');
  res.render('lti/storage', { title: res.locals.t('lti.cookies.title'), mode: 'get', target: login.storageTarget, origin: originOf(platform.authEndpoint), key: keyOf(body.state), idToken: body.id_token, state: body.state, scripts: ['/lti/storage.js'] });
  return true;
}

/**
 * Second post, from our own page, with the value read back: the stand-in for ltijs's cookie (the issuer)
 * when it matches; undefined when the launch did not come this way.
 */
export function storageStandIn(req: Request, login: LoginRequest, publicUrl: string): string | undefined {
  const value = (req.body as Record<string, unknown>).lti_storage_value;
  if (value === undefined) return undefined;
  if (req.get('origin') !== new URL(publicUrl).origin) throw new LtiLaunchError('state_missing', { detail: 'platform storage value not posted by Instants' });
  if (typeof value !== 'string' || !login.storageBinding || sha(value) !== login.storageBinding) throw new LtiLaunchError('state_missing', { detail: 'platform storage value does not match the login' });
  return login.issuer;
}

/** The page's script: put or get through the storage frame, answers from the platform's origin only. */
export const STORAGE_JS = `(function () {
  var el = document.getElementById('lti-storage');
  if (!el) return;
  var d = el.dataset, id = 'instants-' + Math.random().toString(36).slice(2);
  var target = d.target === '_parent' ? window.parent : (window.parent.frames[d.target] || window.parent);
  var done = false;
  function finish(value) {
    if (done) return;
    done = true;
    if (d.mode === 'put') { location.replace(d.next); return; }
    var form = document.getElementById('lti-storage-form');
    // No answer: an empty value, which Instants refuses (never a loop back to this page).
    form.elements.lti_storage_value.value = typeof value === 'string' ? value : '';
    form.submit();
  }
  window.addEventListener('message', function (e) {
    var m = e.data;
    if (e.origin !== d.origin || !m || m.message_id !== id) return;
    if (m.subject === 'lti.put_data.response' || m.subject === 'lti.get_data.response') finish(m.error ? undefined : m.value);
  });
  var message = d.mode === 'put' ? { subject: 'lti.put_data', message_id: id, key: d.key, value: d.value } : { subject: 'lti.get_data', message_id: id, key: d.key };
  try { target.postMessage(message, d.origin); } catch (e) { finish(); }
  setTimeout(finish, 3000);
})();
`;
