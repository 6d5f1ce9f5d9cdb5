import express, { type Express } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../platform/context';
import { ValidationError } from '../../platform/errors';
import { presentSessionChoices } from '../lti.present';
import { addPlatform, type LtiServices } from '../registry';
import { isUuid } from '../uuid';
import { PlatformCore } from './platform-core';
import { autoSubmitPage, platformRouter } from './platform.routes';

export const DEMO_CLIENT_ID = 'instants-demo';

const DemoLaunchSchema = z.object({
  as: z.enum(['participant', 'organiser', 'deep-linking']),
  sessionId: z.string().optional().transform((v) => (isUuid(v) ? v : undefined)),
  name: z.string().trim().max(80).optional(),
});

/**
 * The demo platform (outside production): a small LTI 1.3 platform at /demo, registered automatically,
 * that launches Instants through the real OIDC flow with real signed tokens. Same core as the test
 * simulator. Its signing key lives in this process: after a restart Instants refetches the key set.
 */
export async function mountDemo(app: Express, ctx: AppContext, lti: LtiServices): Promise<PlatformCore> {
  const base = ctx.config.http.publicUrl;
  const platformBase = `${base}/demo/platform`;
  const core = await PlatformCore.create({
    issuer: `${base}/demo`,
    clientId: DEMO_CLIENT_ID,
    deploymentId: '1',
    tool: { loginUrl: `${base}/lti/login`, launchUrl: `${base}/lti`, keySetUrl: `${base}/lti/keys` },
    deepLinkReturnUrl: `${platformBase}/deep-linking/return`,
  });
  await addPlatform(
    lti,
    {
      issuer: core.issuer,
      clientId: DEMO_CLIENT_ID,
      name: 'Moodle de démonstration',
      authEndpoint: `${platformBase}/auth`,
      tokenEndpoint: `${platformBase}/token`,
      keys: { method: 'JWK_SET', key: `${platformBase}/jwks` },
    },
    ['1'],
  );
  // The platform's own endpoints receive posts from the tool (id_token form, deep-linking JWT), not our forms.
  ctx.csrfExempt.push('/demo/platform');
  app.use('/demo/platform', platformRouter(core, platformBase));

  app.get('/demo', ctx.allow.anonymous(), async (_req, res) => {
    const sessions = await ctx.launchSessions.upcoming(20);
    res.render('lti/demo', { title: res.locals.t('lti.demo.title'), sessions: presentSessionChoices(sessions, res.locals.locale as string), results: core.deepLinkingResults.slice(-3).reverse() });
  });
  app.post('/demo/launch', ctx.allow.anonymous(), express.urlencoded({ extended: false }), (req, res) => {
    const parsed = DemoLaunchSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Invalid demo launch', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    const { as, sessionId, name } = parsed.data;
    const post = core.loginInitiation({
      role: as === 'participant' ? 'participant' : 'organiser',
      messageType: as === 'deep-linking' ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest',
      sub: as === 'participant' ? 'demo-participant' : 'demo-organiser',
      name: name || (as === 'participant' ? 'Camille Participante' : 'Dominique Organisatrice'),
      resourceLinkId: sessionId ? `demo-${sessionId}` : 'demo-unbound',
      custom: sessionId ? { instants_session: sessionId } : {},
      contextId: 'demo-course',
      contextTitle: 'Cours de démonstration',
      deepLinkingData: as === 'deep-linking' ? `demo-${Date.now()}` : undefined,
      locale: res.locals.locale as string,
    });
    res.type('html').send(autoSubmitPage(post, `${platformBase}/autosubmit.js`));
  });
  return core;
}
