import crypto, { type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, exportJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { CLAIM } from '../launch.schema';

/**
 * A small LTI 1.3 platform shaped like Moodle: OIDC authorisation, RS256 id_tokens (string `aud`,
 * numeric-string deployment id, lower-cased custom keys, 60 s lifetime), a rotating key set, a token
 * endpoint and a deep-linking return that verifies the tool's response. Shared by the `/demo` platform and
 * the test simulator (test/support/lti-simulator).
 */

export const ROLE_URI = {
  Learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  Instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  InstitutionAdmin: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  SystemAdmin: 'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
} as const;

/**
 * The roles Moodle's NRPS lists for someone who launches with `role`: short names, and Learner for a
 * non-editing teacher although its launch says Instructor (NRPS reads the enrolment's archetype, the launch
 * the capability mod/lti:manage). The site administrator, not enrolled, is not listed at all.
 */
export function nrpsRolesOf(role: LaunchSpec['role'] = 'participant'): string[] {
  if (role === 'admin') return [];
  return role === 'organiser' ? ['Instructor'] : ['Learner'];
}

/** One launch the platform is asked to perform. Every field has a Moodle-like default. */
export interface LaunchSpec {
  /**
   * `non-editing-teacher`: launches as Instructor like an editing teacher (Moodle gives Instructor to whoever
   * has mod/lti:manage), while Moodle's NRPS lists that person as Learner.
   */
  role?: 'participant' | 'organiser' | 'admin' | 'non-editing-teacher';
  /** Exact roles claim (overrides `role`). */
  roles?: string[];
  sub?: string;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  email?: string | null;
  contextId?: string | null;
  contextTitle?: string;
  resourceLinkId?: string;
  resourceLinkTitle?: string;
  custom?: Record<string, string>;
  locale?: string;
  /** `launch_presentation.document_target`: Moodle sends `iframe` for an embedded activity (its default), `window` for one opened in a new window. */
  documentTarget?: 'iframe' | 'frame' | 'window';
  messageType?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  deploymentId?: string;
  /** target_link_uri sent at login (default: the tool's launch URL). */
  targetLinkUri?: string;
  /** target_link_uri put in the id_token (default: the one sent at login). */
  tokenTargetLinkUri?: string;
  /** Opaque deep-linking `data`. */
  deepLinkingData?: string;
  /**
   * Offer LTI platform storage at login (`lti_storage_target`), as some platforms do (not Moodle 4.5):
   * the frame named here answers `lti.put_data` / `lti.get_data` (the simulator's course page has it).
   */
  storageTarget?: string;
  /** Test hook: change the signed token (claims, header, key, or the whole string). */
  tamper?: (t: Tamper) => Promise<string> | string;
}

/** What a tamper hook gets: the claims and header about to be signed and a way to sign them. */
export interface Tamper {
  payload: Record<string, unknown>;
  header: { alg: string; kid?: string; typ?: string };
  sign(payload?: Record<string, unknown>, header?: { alg: string; kid?: string }): Promise<string>;
  /** The key used to sign. */
  privateKey: KeyObject;
}

/** An HTML form the browser must post (OIDC steps are form posts). */
export interface FormPost {
  action: string;
  fields: Record<string, string>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

export interface PlatformCoreOptions {
  issuer: string;
  clientId: string;
  deploymentId?: string;
  /** The tool's URLs: OIDC login, launch (redirect URI) and key set. */
  tool: { loginUrl: string; launchUrl: string; keySetUrl: string; deepLinkingUrl?: string };
  /** Where the platform's deep-linking return lives (absolute URL). */
  deepLinkReturnUrl: string;
  /** Seconds the id_token lives (Moodle: 60). */
  tokenLifetime?: number;
  /** Seconds the key set may be cached (cache-control max-age). */
  keySetMaxAge?: number;
  /** The AGS and NRPS endpoints a resource-link launch announces (default: Moodle-shaped URLs under the issuer). */
  serviceUrls?: (link: { contextId: string; resourceLinkId: string; title: string }) => { lineitems: string; lineitem?: string; memberships: string };
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = crypto.randomBytes(8).toString('hex');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A deep-linking response the platform received and verified. */
export interface DeepLinkingResult {
  ok: boolean;
  error?: string;
  items: Array<Record<string, unknown>>;
  data?: string;
}

/** The platform: keeps pending logins in memory (it is a demo and test platform, one process). */
export class PlatformCore {
  private keys: SigningKey[] = [];
  private readonly pending = new Map<string, LaunchSpec & { loginTarget: string }>();
  /** Key-set downloads served (the bench reports fetches per 1,000 launches). */
  keySetFetches = 0;
  /** Deep-linking responses received, newest last. */
  readonly deepLinkingResults: DeepLinkingResult[] = [];
  private readonly toolKeys: ReturnType<typeof createRemoteJWKSet>;

  private constructor(readonly options: PlatformCoreOptions) {
    this.toolKeys = createRemoteJWKSet(new URL(options.tool.keySetUrl), { cacheMaxAge: 0, cooldownDuration: 0 });
  }

  static async create(options: PlatformCoreOptions): Promise<PlatformCore> {
    const core = new PlatformCore(options);
    core.keys = [await newKey()];
    return core;
  }

  get issuer(): string {
    return this.options.issuer;
  }

  get clientId(): string {
    return this.options.clientId;
  }

  get deploymentId(): string {
    return this.options.deploymentId ?? '1';
  }

  /** The current signing key id. */
  get kid(): string {
    return this.keys[0]!.kid;
  }

  /** Replaces the signing key; the key set then publishes only the new key (as after a rotation). */
  async rotateKey(): Promise<string> {
    this.keys = [await newKey()];
    return this.kid;
  }

  /** The public key set (JWKS). */
  jwks(): { keys: JWK[] } {
    this.keySetFetches++;
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Step 1: the third-party-initiated login the platform sends the browser to. */
  loginInitiation(spec: LaunchSpec = {}): FormPost {
    const hint = crypto.randomBytes(12).toString('hex');
    const loginTarget = spec.targetLinkUri ?? this.options.tool.launchUrl;
    this.pending.set(hint, { ...spec, loginTarget });
    setTimeout(() => this.pending.delete(hint), 5 * 60_000).unref();
    return {
      action: this.options.tool.loginUrl,
      fields: {
        iss: this.issuer,
        target_link_uri: loginTarget,
        login_hint: spec.sub ?? 'user',
        lti_message_hint: hint,
        client_id: this.clientId,
        lti_deployment_id: spec.deploymentId ?? this.deploymentId,
        ...(spec.storageTarget ? { lti_storage_target: spec.storageTarget } : {}),
      },
    };
  }

  /** Step 2: the authorisation request from the tool; answers with the id_token form post. */
  async authorize(query: Record<string, string | undefined>): Promise<FormPost> {
    const spec = this.pending.get(query.lti_message_hint ?? '');
    // Like Moodle's (`unset($SESSION->lti_message_hint)` in mod/lti/auth.php), a message hint works once:
    // a login replayed with the same hint ends on Moodle's "invalid_request".
    if (!spec) throw new Error('invalid_request: unknown, expired or already used lti_message_hint');
    this.pending.delete(query.lti_message_hint!);
    if (query.client_id !== this.clientId) throw new Error('unknown client_id');
    if (query.response_type !== 'id_token' || query.scope !== 'openid' || query.response_mode !== 'form_post') throw new Error('not an LTI OIDC authorisation request');
    if (query.redirect_uri !== this.options.tool.launchUrl && query.redirect_uri !== this.options.tool.deepLinkingUrl) throw new Error('redirect_uri is not registered');
    if (!query.nonce || !query.state) throw new Error('nonce and state are required');
    const redirectUri: string = query.redirect_uri!;
    const payload = this.claims(spec, query.nonce);
    const header = { alg: 'RS256', kid: this.kid, typ: 'JWT' };
    const sign = (p = payload, h: { alg: string; kid?: string } = header) => this.sign(p, h);
    const idToken = spec.tamper ? await spec.tamper({ payload, header, sign, privateKey: this.keys[0]!.privateKey }) : await sign();
    return { action: redirectUri, fields: { id_token: idToken, state: query.state } };
  }

  /** Signs claims with the current key (RS256). */
  async sign(payload: Record<string, unknown>, header: { alg: string; kid?: string } = { alg: 'RS256', kid: this.kid }): Promise<string> {
    return new SignJWT(payload as JWTPayload).setProtectedHeader({ typ: 'JWT', ...header }).sign(this.keys[0]!.privateKey);
  }

  /** The id_token claims Moodle would send for a launch. */
  claims(spec: LaunchSpec & { loginTarget?: string }, nonce: string): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const sub = spec.sub ?? String(crypto.randomInt(2, 1_000_000));
    const roles =
      spec.roles ??
      (spec.role === 'admin'
        ? [ROLE_URI.InstitutionAdmin, ROLE_URI.Instructor, ROLE_URI.SystemAdmin]
        : spec.role === 'organiser' || spec.role === 'non-editing-teacher'
          ? [ROLE_URI.Instructor]
          : [ROLE_URI.Learner]);
    const messageType = spec.messageType ?? 'LtiResourceLinkRequest';
    const person: Record<string, unknown> = {};
    const given = spec.givenName === undefined ? 'Camille' : spec.givenName;
    const family = spec.familyName === undefined ? `Martin${sub}` : spec.familyName;
    const name = spec.name === undefined ? [given, family].filter(Boolean).join(' ') : spec.name;
    const linkId = spec.resourceLinkId ?? String(crypto.randomInt(1, 1_000_000));
    const contextId = spec.contextId ?? '2';
    const contextTitle = spec.contextTitle ?? 'Instants numériques';
    const variables: Record<string, string> = {
      'User.id': sub,
      'User.username': `user${sub}`,
      'Person.name.full': name ?? '',
      'Person.name.given': given ?? '',
      'Person.name.family': family ?? '',
      'Person.email.primary': spec.email === undefined ? `user${sub}@ac-dijon.fr` : (spec.email ?? ''),
      'Person.sourcedId': '',
      'Context.id': contextId,
      'Context.title': contextTitle,
      'Context.label': 'INST',
      'CourseSection.title': contextTitle,
      'CourseSection.label': 'INST',
      'ResourceLink.id': linkId,
      'ResourceLink.title': spec.resourceLinkTitle ?? 'Instant numérique',
      'Membership.role': roles.join(','),
    };
    // Moodle lower-cases custom parameter names and substitutes only the variables it knows
    // (lti_get_capabilities() in mod/lti/locallib.php); any other `$Variable` is sent literally.
    const custom: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.custom ?? {})) custom[k.toLowerCase()] = v.startsWith('$') && v.slice(1) in variables ? variables[v.slice(1)]! : v;
    if (given) person.given_name = given;
    if (family) person.family_name = family;
    if (name) person.name = name;
    const email = spec.email === undefined ? `user${sub}@ac-dijon.fr` : spec.email;
    if (email) person.email = email;
    const claims: Record<string, unknown> = {
      iss: this.issuer,
      aud: this.clientId,
      sub,
      iat: now,
      exp: now + (this.options.tokenLifetime ?? 60),
      nonce,
      ...person,
      [CLAIM.deploymentId]: spec.deploymentId ?? this.deploymentId,
      [CLAIM.messageType]: messageType,
      [CLAIM.version]: '1.3.0',
      [CLAIM.targetLinkUri]: spec.tokenTargetLinkUri ?? spec.loginTarget ?? this.options.tool.launchUrl,
      [CLAIM.roles]: roles,
      // As Moodle 4.5 sends them: its version number, the site's short name, `ext` and the LTI 1.1 user id.
      [CLAIM.toolPlatform]: { guid: new URL(this.issuer).host, product_family_code: 'moodle', version: '2024100700', name: 'Moodle de démonstration', description: 'Moodle de démonstration' },
      'https://purl.imsglobal.org/spec/lti/claim/ext': { user_username: `user${sub}`, lms: 'moodle-2' },
      'https://purl.imsglobal.org/spec/lti/claim/lti11_legacy_user_id': sub,
      [CLAIM.launchPresentation]: { locale: spec.locale ?? 'fr', document_target: spec.documentTarget ?? 'iframe', return_url: `${this.issuer}/course/view.php` },
      [CLAIM.custom]: custom,
      'https://purl.imsglobal.org/spec/lti/claim/lis': { person_sourcedid: '', course_section_sourcedid: '' },
    };
    if (spec.contextId !== null) {
      claims[CLAIM.context] = { id: contextId, label: 'INST', title: contextTitle, type: ['CourseSection'] };
    }
    if (messageType === 'LtiResourceLinkRequest') {
      const title = spec.resourceLinkTitle ?? 'Instant numérique';
      claims[CLAIM.resourceLink] = { id: linkId, title, description: '' };
      const urls = this.options.serviceUrls?.({ contextId, resourceLinkId: linkId, title }) ?? {
        lineitems: `${this.issuer}/mod/lti/services.php/2/lineitems?type_id=1`,
        lineitem: `${this.issuer}/mod/lti/services.php/2/lineitems/${linkId}/lineitem?type_id=1`,
        memberships: `${this.issuer}/mod/lti/services.php/CourseSection/2/bindings/1/memberships`,
      };
      claims[CLAIM.ags] = {
        scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly', 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly', 'https://purl.imsglobal.org/spec/lti-ags/scope/score'],
        lineitems: urls.lineitems,
        ...(urls.lineitem ? { lineitem: urls.lineitem } : {}),
      };
      claims[CLAIM.nrps] = { context_memberships_url: urls.memberships, service_versions: ['1.0', '2.0'] };
    } else {
      claims[CLAIM.deepLinkingSettings] = {
        deep_link_return_url: this.options.deepLinkReturnUrl,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['frame', 'iframe', 'window'],
        accept_copy_advice: false,
        accept_multiple: true,
        accept_unsigned: false,
        auto_create: false,
        can_confirm: false,
        ...(spec.deepLinkingData !== undefined ? { data: spec.deepLinkingData } : {}),
        title: 'Instants',
        text: '',
      };
    }
    return claims;
  }

  /** Verifies a tool's LtiDeepLinkingResponse as Moodle does, records and returns the outcome. */
  async receiveDeepLinkingResponse(jwt: string | undefined, expectedData?: string): Promise<DeepLinkingResult> {
    let result: DeepLinkingResult;
    try {
      if (!jwt) throw new Error('no JWT posted');
      const { payload } = await jwtVerify(jwt, this.toolKeys, { algorithms: ['RS256'], issuer: this.clientId, audience: this.issuer, clockTolerance: 5 });
      if (payload[CLAIM.messageType] !== 'LtiDeepLinkingResponse') throw new Error('wrong message type');
      if (payload[CLAIM.version] !== '1.3.0') throw new Error('wrong version');
      if (typeof payload.nonce !== 'string' || !payload.nonce) throw new Error('no nonce');
      if (payload[CLAIM.deploymentId] !== this.deploymentId) throw new Error('wrong deployment_id');
      const data = payload[CLAIM.deepLinkingData] as string | undefined;
      if (expectedData !== undefined && data !== expectedData) throw new Error('data not echoed');
      const items = payload[CLAIM.contentItems];
      if (!Array.isArray(items)) throw new Error('no content items');
      for (const item of items as Array<Record<string, unknown>>) if (item.type !== 'ltiResourceLink') throw new Error(`unsupported item type ${String(item.type)}`);
      result = { ok: true, items: items as Array<Record<string, unknown>>, data };
    } catch (err) {
      result = { ok: false, error: (err as Error).message, items: [] };
    }
    this.deepLinkingResults.push(result);
    return result;
  }

  /** The client-credentials token endpoint: verifies the tool's assertion and returns a bearer token. */
  async issueAccessToken(form: Record<string, string | undefined>, tokenUrl: string): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
    if (form.grant_type !== 'client_credentials' || form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || !form.client_assertion)
      throw new Error('unsupported grant');
    const { payload } = await jwtVerify(form.client_assertion, this.toolKeys, { algorithms: ['RS256'], issuer: this.clientId, subject: this.clientId, audience: tokenUrl });
    if (!payload.jti) throw new Error('no jti');
    return { access_token: crypto.randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 3600, scope: form.scope ?? '' };
  }
}
