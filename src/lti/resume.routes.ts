import type { SQL } from 'drizzle-orm';
import express, { type Router } from 'express';
import type { AppContext } from '../platform/context';
import type { WebSession } from '../platform/session';
import { startLaunchSession, type Actor } from './actor';
import { findLaunchExtras } from './launch.repo';
import { LtiLaunchError } from './lti.errors';
import { issueResumeToken, newResumeToken, useResumeToken } from './resume-token';

/**
 * After a launch: `/lti/continue` goes straight on when the session cookie of this launch came back, else
 * shows the cookie help page, whose form posts a single-use resume token to `/lti/resume` in a new window
 * (top-level, where the browser accepts Instants' cookies). Never replays the OIDC login: Moodle deletes
 * its `lti_message_hint` on first use.
 */
export function resumeRoutes(router: Router, ctx: AppContext): void {
  router.get('/continue', ctx.allow.anonymous(), async (req, res) => {
    const actor = res.locals.actor as Actor | undefined;
    const now = ctx.clock.now();
    const used = await useResumeToken(ctx.db, 'continue', req.query.t, now);
    if (used && actor?.launchId === used.launchId) return res.redirect(303, used.destination);
    // A used token shown again by another browser, or an unknown one: nothing to carry.
    if (!used?.fresh) throw new LtiLaunchError('session_expired', { detail: 'continue token unknown, expired or already used' });
    const resume = await issueResumeToken(ctx.db, 'resume', used.launchId, used.destination, now);
    const extras = await findLaunchExtras(ctx.db, used.launchId);
    res.set('Cache-Control', 'no-store');
    res.status(200).render('lti/cookies', {
      title: res.locals.t('lti.cookies.title'),
      resume,
      deepLinking: extras?.messageType === 'LtiDeepLinkingRequest',
      returnUrl: (extras?.deepLinking as { deep_link_return_url?: string } | null)?.deep_link_return_url,
      scripts: ['/lti/cookies.js'],
    });
  });

  router.post('/resume', ctx.allow.anonymous(), express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    // Only the help page of Instants itself may post the token (a form from another site is login CSRF).
    if (req.get('origin') !== new URL(ctx.config.http.publicUrl).origin) throw new LtiLaunchError('session_expired', { detail: 'resume not posted from Instants' });
    const used = await useResumeToken(ctx.db, 'resume', (req.body as Record<string, unknown> | undefined)?.resume, ctx.clock.now());
    if (!used?.fresh) throw new LtiLaunchError('session_expired', { detail: 'resume token unknown, expired or already used' });
    const current = res.locals.session as WebSession | undefined;
    if (current) await ctx.sessions.destroy(current.id);
    await startLaunchSession(ctx, res, used.launchId, { openedFromFrame: true });
    res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
    res.redirect(303, used.destination);
  });
}

/**
 * The continue token of a verified launch, for the redirect that follows the id_token post, and the
 * statement that stores it (run with the launch's new session: `startLaunchSession`).
 */
export function continueToken(ctx: AppContext, launchId: string, destination: string): { url: string; insert: SQL } {
  const { token, insert } = newResumeToken(ctx.db, 'continue', launchId, destination, ctx.clock.now());
  return { url: `/lti/continue?t=${encodeURIComponent(token)}`, insert };
}
