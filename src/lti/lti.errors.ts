import { AppError, type FieldIssue } from '../platform/errors';

/** Why a launch (or login) was refused; each has a French and English text `lti.error.<reason>`. */
export type LtiRefusal =
  | 'invalid_token'
  | 'missing_kid'
  | 'unknown_kid'
  | 'bad_algorithm'
  | 'bad_signature'
  | 'expired'
  | 'issued_in_future'
  | 'missing_claims'
  | 'invalid_claims'
  | 'wrong_version'
  | 'wrong_message_type'
  | 'wrong_audience'
  | 'wrong_azp'
  | 'nonce_replayed'
  | 'nonce_unknown'
  | 'state_missing'
  | 'target_link_mismatch'
  | 'unknown_platform'
  | 'inactive_platform'
  | 'unknown_deployment'
  | 'keyset_unavailable'
  | 'bad_login_request'
  | 'session_expired'
  | 'bad_return_url';

/** Refusals that are about a malformed request rather than missing or wrong credentials (400, not 401). */
const BAD_REQUEST: ReadonlySet<LtiRefusal> = new Set(['missing_claims', 'invalid_claims', 'wrong_version', 'wrong_message_type', 'unknown_platform', 'bad_login_request', 'bad_return_url']);

/** A refused LTI login or launch: 400 or 401 with a page explaining it in the user's language. */
export class LtiLaunchError extends AppError {
  /** Set when the same login can be retried in a new window (the browser refused our cookies in the iframe). */
  relaunchUrl?: string;

  constructor(
    readonly reason: LtiRefusal,
    options: { cause?: unknown; detail?: string; details?: FieldIssue[] } = {},
  ) {
    super(BAD_REQUEST.has(reason) ? 'bad_request' : 'unauthenticated', `LTI launch refused: ${reason}${options.detail ? ` (${options.detail})` : ''}`, {
      cause: options.cause,
      messageKey: `lti.error.${reason}`,
      details: options.details,
    });
  }
}

/** ltijs's error strings mapped once to our refusals; anything unknown is an invalid token. */
const LTIJS_ERRORS: Record<string, LtiRefusal> = {
  INVALID_JWT_RECEIVED: 'invalid_token',
  MISSING_VALIDATION_COOKIE: 'state_missing',
  ISS_CLAIM_DOES_NOT_MATCH: 'invalid_token',
  UNREGISTERED_PLATFORM: 'unknown_platform',
  PLATFORM_NOT_ACTIVATED: 'inactive_platform',
  KID_NOT_FOUND: 'missing_kid',
  KEY_NOT_FOUND: 'unknown_kid',
  KEYSET_NOT_FOUND: 'keyset_unavailable',
  AZP_DOES_NOT_MATCH_CLIENTID: 'wrong_azp',
  ALG_NOT_RS256: 'bad_algorithm',
  TOKEN_TOO_OLD: 'expired',
  NONCE_ALREADY_RECEIVED: 'nonce_replayed',
  NO_MESSAGE_TYPE_CLAIM: 'wrong_message_type',
  NO_TARGET_LINK_URI_CLAIM: 'missing_claims',
  NO_RESOURCE_LINK_ID_CLAIM: 'missing_claims',
  NO_LTI_VERSION_CLAIM: 'wrong_version',
  WRONG_LTI_VERSION_CLAIM: 'wrong_version',
  NO_DEPLOYMENT_ID_CLAIM: 'missing_claims',
  NO_SUB_CLAIM: 'missing_claims',
  NO_ROLES_CLAIM: 'missing_claims',
  NO_LTIK_OR_IDTOKEN_FOUND: 'invalid_token',
  IDTOKEN_NOT_FOUND_DB: 'session_expired',
  CONTEXTTOKEN_NOT_FOUND_DB: 'session_expired',
  TokenExpiredError: 'expired',
  'jwt expired': 'expired',
  'jwt not active': 'issued_in_future',
  'jwt malformed': 'invalid_token',
  'invalid token': 'invalid_token',
  'invalid algorithm': 'bad_algorithm',
  'invalid signature': 'bad_signature',
};

/**
 * Turns an ltijs error message (its only error type) into our typed error. Only a known message is kept
 * as the detail: any other text (a database error's, say) may carry data that must not reach a log.
 */
export function fromLtijsError(message: string | undefined): LtiLaunchError {
  const reason = LTIJS_ERRORS[message ?? ''];
  return new LtiLaunchError(reason ?? 'invalid_token', { detail: reason ? message : 'unrecognised ltijs error' });
}
