import type { Translate } from '../platform/i18n';

/**
 * The navigation of the organiser's pages of one session (the catalogue's pages are linked by their paths);
 * `linkedOnly`: the course only links the session, so its activities and check-in are not theirs.
 */
export function organiserNav(t: Translate, sessionId: string | null, active: string, linkedOnly = false) {
  return [
    { href: '/organiser', label: t('activities.nav.organiser_home'), active: false },
    ...(sessionId
      ? [
          { href: `/organiser/sessions/${sessionId}`, label: t('activities.nav.edit_session'), active: false },
          ...(linkedOnly
            ? []
            : [
                { href: `/organiser/sessions/${sessionId}/activities`, label: t('activities.nav.activities'), active: active === 'activities' },
                { href: `/organiser/sessions/${sessionId}/checkin`, label: t('activities.nav.checkin'), active: active === 'checkin' },
              ]),
          { href: `/organiser/sessions/${sessionId}/participants`, label: t('activities.nav.participants'), active: active === 'participants' },
        ]
      : []),
    { href: '/organiser/offers', label: t('activities.nav.organiser_offers'), active: active === 'offers' },
    { href: '/organiser/wishes', label: t('activities.nav.wishes'), active: active === 'wishes' },
  ];
}
