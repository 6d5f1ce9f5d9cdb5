import crypto from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { autoSubmitPage, type LaunchSpec, type PlatformCore } from '../../../src/lti';

/**
 * Moodle's own pages that a person goes through before a launch: the login form (`/login/index.php`,
 * which sends the browser back to the page it wanted) and an activity's page (`/mod/lti/view.php?l=<id>`,
 * `id` being the `mdl_lti` instance id, which is also the resource link id). Signed out, Moodle sends
 * view.php to its login page; signed in, it launches the tool: on phones in the same window (Moodle
 * replaces its own page), elsewhere in an iframe of the activity page (the default "embed" container).
 */

/** Someone who can sign in to the simulated Moodle (any password is accepted). */
export type MoodleUser = Pick<LaunchSpec, 'sub' | 'role' | 'roles' | 'name' | 'givenName' | 'familyName' | 'email' | 'locale'>;

export interface MoodlePages {
  router: express.Router;
  /** Adds an activity (resource link) and returns its view.php address. */
  addActivity(spec: LaunchSpec & { resourceLinkId: string }): string;
  addUser(username: string, user: MoodleUser): void;
}

interface Deps {
  core: PlatformCore;
  url: string;
  /** The MoodleSession cookie of a request, if any. */
  sessionOf: (req: Request) => string | undefined;
  /** Gives the browser a new MoodleSession cookie and returns it. */
  newSession: (res: Response) => string;
  /** Binds a login's message hint to the browser session that may use it (as /start does). */
  bindHint: (hint: string, session: string) => void;
  /** Remembers a launch for `/start/:key` and returns the key. */
  remember: (spec: LaunchSpec) => string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const page = (title: string, body: string) => `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title></head><body><main>${body}</main></body></html>`;
/** What Moodle's core_useragent::get_device_type() reads as a phone or tablet. */
const isMobile = (req: Request) => /Mobile|Android|iPhone|iPad/i.test(req.get('user-agent') ?? '');

export function moodlePages(deps: Deps): MoodlePages {
  const activities = new Map<string, LaunchSpec>();
  const users = new Map<string, MoodleUser>();
  const signedIn = new Map<string, string>();
  const router = express.Router();

  router.get('/login/index.php', (req, res) => {
    const wants = typeof req.query.wantsurl === 'string' ? req.query.wantsurl : '/';
    res.type('html').send(
      page(
        'Connexion au Moodle (simulateur)',
        `<h1>Connexion</h1><form method="post" action="/login/index.php"><input type="hidden" name="wantsurl" value="${escape(wants)}">` +
          `<p><label for="username">Nom d'utilisateur</label> <input id="username" name="username" autocomplete="username"></p>` +
          `<p><label for="password">Mot de passe</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>` +
          `<p><button type="submit" id="loginbtn">Connexion</button></p></form>`,
      ),
    );
  });

  router.post('/login/index.php', express.urlencoded({ extended: false }), (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const username = body.username ?? '';
    if (!users.has(username)) return void res.status(401).type('html').send(page('Connexion', '<p>Nom d’utilisateur ou mot de passe incorrect.</p>'));
    const session = deps.sessionOf(req) ?? deps.newSession(res);
    signedIn.set(session, username);
    const wants = body.wantsurl ?? '/';
    // Like Moodle, only its own pages: a wantsurl elsewhere goes home.
    res.redirect(303, wants.startsWith('/') && !wants.startsWith('//') ? wants : '/');
  });

  router.get('/mod/lti/view.php', (req, res) => {
    const id = typeof req.query.l === 'string' ? req.query.l : '';
    const session = deps.sessionOf(req);
    const username = session ? signedIn.get(session) : undefined;
    if (!session || !username) return void res.redirect(303, `/login/index.php?wantsurl=${encodeURIComponent(req.originalUrl)}`);
    const activity = activities.get(id);
    if (!activity) return void res.status(404).type('html').send(page('Activité introuvable', '<p>Impossible de trouver l’enregistrement dans la table de données lti.</p>'));
    const spec: LaunchSpec = { ...activity, ...users.get(username)! };
    if (isMobile(req)) {
      const initiation = deps.core.loginInitiation(spec);
      deps.bindHint(initiation.fields.lti_message_hint!, session);
      return void res.type('html').send(autoSubmitPage(initiation, `${deps.url}/autosubmit.js`));
    }
    const key = deps.remember(spec);
    res.type('html').send(page(activity.resourceLinkTitle ?? 'Instants', `<h1>${escape(activity.resourceLinkTitle ?? 'Instants')}</h1><iframe id="tool" title="Instants" src="/start/${key}" style="width:100%;height:800px;border:0"></iframe>`));
  });

  return {
    router,
    addActivity(spec) {
      activities.set(spec.resourceLinkId, spec);
      return `${deps.url}/mod/lti/view.php?l=${encodeURIComponent(spec.resourceLinkId)}`;
    },
    addUser(username, user) {
      users.set(username, { ...user, sub: user.sub ?? String(crypto.randomInt(2, 1_000_000)) });
    },
  };
}
