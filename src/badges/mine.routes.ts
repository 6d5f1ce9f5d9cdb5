import type { Express } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { NotFoundError, ValidationError } from '../platform/errors';
import { parisDate } from './badges.present';
import { ConsentSchema, VisibilitySchema } from './badges.schema';
import type { BadgeUrls } from './issuer';
import { answerConsent, myBadges, setVisibility, type ManageDeps } from './manage.service';

/** "Mes badges": the earner's badges, their downloads, the one-time consent and each badge's visibility. */
export function mountMineRoutes(app: Express, ctx: AppContext, deps: ManageDeps, urls: BadgeUrls): void {
  app.get('/badges/mine', ctx.allow.launched(), async (req, res) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const locale = String(res.locals.locale);
    const { awards, consent } = await myBadges(deps, actor);
    res.render('badges/mine', {
      title: t('badges.mine.title'),
      askConsent: consent === null && awards.length > 0,
      consentAnswered: consent !== null,
      consentAllowed: consent === true,
      badges: awards.map(({ award, badge }) => ({
        id: award.id,
        name: badge.name,
        description: badge.description,
        image: `/badges/classes/${badge.id}/image`,
        date: parisDate(award.issuedOn, locale),
        revoked: award.revokedAt ? t('badges.mine.revoked', { reason: award.revocationReason ?? '' }) : null,
        public: award.public && consent === true,
        canPublish: consent === true && !award.revokedAt,
        assertionUrl: urls.assertion(award.id),
        verifyUrl: `${urls.verify}?url=${encodeURIComponent(urls.assertion(award.id))}`,
      })),
      done: typeof req.query.done === 'string' && /^[a-z_]{1,30}$/.test(req.query.done) ? t(`badges.done.${req.query.done}`) : null,
    });
  });

  app.post('/badges/mine/consent', ctx.allow.launched(), async (req, res) => {
    const parsed = ConsentSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError('Invalid answer', [{ path: 'public_allowed', message: 'badges.errors.invalid' }], { messageKey: 'badges.errors.invalid' });
    await answerConsent(deps, actorOf(res), parsed.data.public_allowed === 'yes');
    res.redirect(303, '/badges/mine?done=consent_saved');
  });

  app.post('/badges/mine/:id/visibility', ctx.allow.launched(), async (req, res) => {
    const parsed = VisibilitySchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError('Invalid answer', [{ path: 'public', message: 'badges.errors.invalid' }], { messageKey: 'badges.errors.invalid' });
    await setVisibility(deps, actorOf(res), String(req.params.id), parsed.data.public === 'yes');
    res.redirect(303, `/badges/mine?done=${parsed.data.public === 'yes' ? 'made_public' : 'made_private'}`);
  });

  app.get('/badges/mine/:id/add', ctx.allow.launched(), async (req, res) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const { awards, consent } = await myBadges(deps, actor);
    const mine = awards.find((a) => a.award.id === String(req.params.id));
    if (!mine) throw new NotFoundError('Not your badge', { messageKey: 'badges.errors.not_found' });
    res.render('badges/add', {
      title: t('badges.add.title', { name: mine.badge.name }),
      id: mine.award.id,
      name: mine.badge.name,
      isPublic: mine.award.public && consent === true,
      assertionUrl: urls.assertion(mine.award.id),
    });
  });
}
