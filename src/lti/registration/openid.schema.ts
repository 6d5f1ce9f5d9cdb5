import { z } from 'zod';

/** A platform's OpenID configuration (LTI Dynamic Registration 1.0, §3.4), the fields Instants uses. */
export const OpenIdConfigurationSchema = z
  .object({
    issuer: z.url(),
    authorization_endpoint: z.url(),
    token_endpoint: z.url(),
    jwks_uri: z.url(),
    registration_endpoint: z.url(),
    claims_supported: z.array(z.string().max(200)).max(100).optional(),
    'https://purl.imsglobal.org/spec/lti-platform-configuration': z
      .object({ product_family_code: z.string().max(100).optional(), version: z.string().max(100).optional() })
      .loose()
      .optional(),
  })
  .loose();
export type OpenIdConfiguration = z.infer<typeof OpenIdConfigurationSchema>;

/** The platform's answer to our registration (§3.6): the client id, and Moodle's deployment id (its tool type id). */
export const RegistrationResponseSchema = z
  .object({
    client_id: z.string().min(1).max(255),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': z.object({ deployment_id: z.string().min(1).max(255).optional() }).loose().optional(),
  })
  .loose();

const SCOPES = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];

/** Claims Instants uses (names for the participants list, e-mail for the CSV import of services). */
const CLAIMS = ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'];

/**
 * The tool's registration request (§3.5), each redirect URI once. No custom parameters: Moodle 4.5 would
 * send unsupported variables literally (service and job family come from the people themselves).
 */
export function toolRegistration(publicUrl: string, platform: OpenIdConfiguration): Record<string, unknown> {
  const launch = `${publicUrl}/lti`;
  const supported = platform.claims_supported;
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: `${publicUrl}/lti/login`,
    redirect_uris: [launch],
    client_name: 'Instants',
    jwks_uri: `${publicUrl}/lti/keys`,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: SCOPES.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: new URL(publicUrl).host,
      description: 'Instants numériques : sessions, activités et tableaux de bord',
      target_link_uri: launch,
      claims: supported ? CLAIMS.filter((c) => supported.includes(c)) : CLAIMS,
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: launch },
        { type: 'LtiDeepLinkingRequest', target_link_uri: launch, label: 'Instants' },
      ],
    },
  };
}

/** A name for people: "Moodle (host)" for a Moodle, else the issuer's host (never `moodle_DynReg_<hex>`). */
export function platformName(config: OpenIdConfiguration): string {
  const host = new URL(config.issuer).host;
  const family = config['https://purl.imsglobal.org/spec/lti-platform-configuration']?.product_family_code;
  return family?.toLowerCase() === 'moodle' ? `Moodle (${host})` : host;
}
