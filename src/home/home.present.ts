import type { Config } from '../platform/config';
import type { Translate } from '../platform/i18n';

/** The values the home page shows: the tool's LTI endpoints for a Moodle administrator. */
export function presentHome(config: Config, t: Translate) {
  const base = config.http.publicUrl;
  return {
    title: t('home.title'),
    demo: config.demo,
    endpoints: [
      { label: t('home.endpoint_launch'), url: `${base}/lti` },
      { label: t('home.endpoint_login'), url: `${base}/lti/login` },
      { label: t('home.endpoint_keyset'), url: `${base}/lti/keys` },
      { label: t('home.endpoint_deeplinking'), url: `${base}/lti/deep-linking` },
      { label: t('home.endpoint_registration'), url: `${base}/lti/register` },
      { label: t('home.endpoint_xapi'), url: `${base}/xapi/` },
    ],
  };
}
