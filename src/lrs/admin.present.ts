import { formatParisDateTime } from '../platform/dates';
import type { Translate } from '../platform/i18n';
import { SCOPES, type CredentialView } from './credentials.service';

/**
 * What /admin/lrs shows: the credentials with readable Paris dates, the scopes of the creation form, and
 * after a revocation (`revokedKey`, from the redirect) its notice, named from the list, never from the URL.
 */
export function presentCredentialsPage(o: { credentials: CredentialView[]; endpoint: string; checked?: string[]; revokedKey?: string; t: Translate; locale: string }) {
  const revoked = o.revokedKey ? o.credentials.find((c) => c.key === o.revokedKey && c.revokedAt) : undefined;
  return {
    title: o.t('lrs.admin_title'),
    notice: revoked ? o.t('lrs.revoked_notice', { name: revoked.name }) : null,
    endpoint: o.endpoint,
    scopes: SCOPES.map((s) => ({ value: s, label: o.t(`lrs.scope_${s.replace(/\//g, '_')}`), checked: o.checked?.includes(s) })),
    credentials: o.credentials.map((c) => presentCredential(c, o.locale)),
  };
}

/** One credential as a row or as the subject of the revocation question. */
export function presentCredential(c: CredentialView, locale: string) {
  return {
    key: c.key,
    name: c.name,
    scopes: c.scopes.join(', '),
    created: formatParisDateTime(c.createdAt, locale),
    revoked: c.revokedAt ? formatParisDateTime(c.revokedAt, locale) : null,
  };
}
