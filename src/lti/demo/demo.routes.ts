import crypto from 'node:crypto';
import express, { type Express, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../platform/context';
import { NotFoundError, ValidationError } from '../../platform/errors';
import { presentSessionChoices } from '../lti.present';
import type { LtiServices } from '../registry';
import { isUuid } from '../uuid';
import { DEMO_COURSE, openDemoPlatform, type DemoPlatform } from './demo-platform';
import { presentDemoPage } from './demo.present';
import { emailOf, PERSONA_KEYS, personaOf } from './personas';
import type { LaunchSpec, PlatformCore } from './platform-core';
import { autoSubmitPage, autoSubmitScriptPath, platformRouter, type AutoSubmitTexts } from './platform.routes';

export { DEMO_CLIENT_ID, DEMO_ISSUER } from './demo-platform';

type T = (key: string, vars?: Record<string, unknown>) => string;

const DemoLaunchSchema = z.object({
  persona: z.enum(PERSONA_KEYS),
  as: z.enum(['launch', 'deep-linking']).default('launch'),
  sessionId: z.string().optional().transform((v) => (isUuid(v) ? v : undefined)),
  display: z.enum(['frame', 'window']).default('frame'),
});

/** A launch waiting for its frame to load (`/demo/frame/:key`): one use, five minutes. */
const FRAME_LAUNCH_MS = 5 * 60_000;

const textsOf = (res: Response): AutoSubmitTexts => {
  const t = res.locals.t as T;
  return { lang: String(res.locals.locale ?? 'fr'), title: t('lti.demo.autosubmit_title'), hint: t('lti.demo.autosubmit_hint'), button: t('lti.demo.autosubmit_button') };
};

/**
 * The demo platform (outside production): a small Moodle at /demo, registered automatically, that launches
 * Instants through the real OIDC flow with real signed tokens, as one of its personas, in the course page's
 * frame or in a page of its own, and answers Instants' grade (AGS) and roster (NRPS) requests. Same core
 * as the test simulator. Its signing key and gradebook live in this process.
 */
export async function mountDemo(app: Express, ctx: AppContext, lti: LtiServices): Promise<PlatformCore> {
  const demo = await openDemoPlatform(ctx, lti);
  const { core, platformBase } = demo;
  const publicUrl = new URL(ctx.config.http.publicUrl);
  const framePending = new Map<string, LaunchSpec>();
  // The platform's own endpoints receive posts from the tool (id_token form, deep-linking JWT, service calls), not our forms.
  ctx.csrfExempt.push('/demo/platform', '/demo/mod/lti');
  app.use('/demo/platform', platformRouter(core, platformBase, { texts: textsOf, deepLinkingPage: (result, _req, res) => res.status(result.ok ? 200 : 400).render('lti/demo-returned', { title: (res.locals.t as T)('lti.demo.returned_title'), ok: result.ok, error: result.error, items: result.items.map((i) => String(i.title ?? '')) }) }));
  app.use('/demo', demo.services.router);

  app.get('/demo', ctx.allow.anonymous(), async (req, res) => {
    // One address: cookies, the platform's URLs and the tool's are all on PUBLIC_URL's host.
    if (req.get('host') !== publicUrl.host) return res.redirect(302, `${publicUrl.origin}/demo`);
    const locale = res.locals.locale as string;
    const sessions = presentSessionChoices(await ctx.launchSessions.upcoming(20), locale);
    res.render('lti/demo', { title: (res.locals.t as T)('lti.demo.title'), ...presentDemoPage(demo, sessions, locale, res.locals.t as T) });
  });

  app.post('/demo/launch', ctx.allow.anonymous(), express.urlencoded({ extended: false }), async (req, res) => {
    const parsed = DemoLaunchSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Invalid demo launch', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })), { messageKey: 'lti.demo.invalid_launch' });
    const { persona: key, as, sessionId, display } = parsed.data;
    const persona = personaOf(key);
    // Moodle lets only those who may edit the course add an activity (deep linking).
    if (as === 'deep-linking' && persona.role === 'participant') throw new ValidationError('Deep linking is for organisers', [{ path: 'as', message: 'lti.demo.deep_linking_refused' }], { messageKey: 'lti.demo.deep_linking_refused' });
    const session = sessionId ? (await ctx.launchSessions.upcoming(50)).find((s) => s.id === sessionId) : undefined;
    const spec: LaunchSpec = {
      role: persona.role,
      messageType: as === 'deep-linking' ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest',
      sub: persona.sub,
      givenName: persona.givenName,
      familyName: persona.familyName,
      email: emailOf(persona),
      resourceLinkId: sessionId ? `demo-${sessionId}` : 'demo-unbound',
      resourceLinkTitle: session?.title ?? (res.locals.t as T)('lti.demo.unbound_activity'),
      custom: sessionId ? { instants_session: sessionId } : {},
      contextId: DEMO_COURSE.id,
      contextTitle: DEMO_COURSE.title,
      deepLinkingData: as === 'deep-linking' ? `demo-${crypto.randomUUID()}` : undefined,
      locale: res.locals.locale as string,
      documentTarget: display === 'frame' ? 'iframe' : 'window',
    };
    if (display === 'window') return void res.type('html').send(autoSubmitPage(core.loginInitiation(spec), autoSubmitScriptPath(platformBase), textsOf(res)));
    const frameKey = crypto.randomBytes(12).toString('hex');
    framePending.set(frameKey, spec);
    setTimeout(() => framePending.delete(frameKey), FRAME_LAUNCH_MS).unref();
    const t = res.locals.t as T;
    res.render('lti/demo-course', { title: t('lti.demo.course_title', { activity: spec.resourceLinkTitle }), course: DEMO_COURSE.title, activity: spec.resourceLinkTitle, who: `${persona.givenName} ${persona.familyName}`, frameSrc: `/demo/frame/${frameKey}` });
  });

  // The course page's frame: starts the launch inside it, as Moodle's embedded activity does.
  app.get('/demo/frame/:key', ctx.allow.anonymous(), (req, res) => {
    const key = String(req.params.key);
    const spec = framePending.get(key);
    if (!spec) throw new NotFoundError('No such demo launch', { messageKey: 'lti.demo.frame_expired' });
    framePending.delete(key);
    res.type('html').send(autoSubmitPage(core.loginInitiation(spec), autoSubmitScriptPath(platformBase), textsOf(res)));
  });
  return core;
}

export type { DemoPlatform };
