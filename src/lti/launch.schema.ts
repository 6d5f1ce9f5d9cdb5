import { z } from 'zod';

/** LTI 1.3 claim names. */
export const CLAIM = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  launchPresentation: 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation',
  toolPlatform: 'https://purl.imsglobal.org/spec/lti/claim/tool_platform',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  deepLinkingSettings: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  deepLinkingData: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  contentItems: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
} as const;

const optionalText = z.string().optional().nullable().transform((v) => (v ? v : null));

export const DeepLinkingSettingsSchema = z.object({
  deep_link_return_url: z.url(),
  accept_types: z.array(z.string()).default([]),
  accept_multiple: z.boolean().optional(),
  data: z.string().optional(),
});
export type DeepLinkingSettings = z.infer<typeof DeepLinkingSettingsSchema>;

/**
 * The claims of a verified id_token that Instants relies on. Anything else in the token is ignored. The
 * resource link is required for resource-link launches, the deep-linking settings for deep-linking ones.
 */
export const LaunchClaimsSchema = z
  .object({
    iss: z.string().min(1),
    sub: z.string().min(1),
    aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    name: optionalText,
    given_name: optionalText,
    family_name: optionalText,
    email: optionalText,
    [CLAIM.messageType]: z.enum(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']),
    [CLAIM.version]: z.literal('1.3.0'),
    [CLAIM.deploymentId]: z.string().min(1),
    [CLAIM.targetLinkUri]: z.string().min(1),
    [CLAIM.roles]: z.array(z.string()),
    [CLAIM.resourceLink]: z.object({ id: z.string().min(1), title: optionalText }).optional(),
    [CLAIM.context]: z.object({ id: z.string().min(1), title: optionalText, label: optionalText }).optional(),
    [CLAIM.custom]: z.record(z.string(), z.unknown()).optional(),
    [CLAIM.launchPresentation]: z.object({ locale: optionalText, document_target: optionalText, return_url: optionalText }).optional(),
    [CLAIM.ags]: z.object({ lineitem: optionalText, lineitems: optionalText, scope: z.array(z.string()).default([]) }).optional(),
    [CLAIM.nrps]: z.object({ context_memberships_url: z.string() }).optional(),
    [CLAIM.deepLinkingSettings]: DeepLinkingSettingsSchema.optional(),
    // Informative only: a malformed one is ignored rather than refusing the launch.
    [CLAIM.toolPlatform]: z.object({ product_family_code: optionalText }).optional().catch(undefined),
  })
  .superRefine((c, ctx) => {
    if (c[CLAIM.messageType] === 'LtiResourceLinkRequest' && !c[CLAIM.resourceLink])
      ctx.addIssue({ code: 'custom', path: [CLAIM.resourceLink], message: 'required for a resource link launch' });
    if (c[CLAIM.messageType] === 'LtiDeepLinkingRequest' && !c[CLAIM.deepLinkingSettings])
      ctx.addIssue({ code: 'custom', path: [CLAIM.deepLinkingSettings], message: 'required for a deep linking launch' });
  });
export type LaunchClaims = z.infer<typeof LaunchClaimsSchema>;

/** A launch as Instants sees it, built from a verified id_token. Services take this, never ltijs objects. */
export interface LaunchContext {
  issuer: string;
  clientId: string;
  deploymentId: string;
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  sub: string;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  roles: string[];
  context: { id: string; title: string | null; label: string | null } | null;
  resourceLink: { id: string; title: string | null } | null;
  /** Custom parameters, keys lower-cased (Moodle lower-cases them). */
  custom: Record<string, string>;
  locale: string | null;
  documentTarget: string | null;
  returnUrl: string | null;
  ags: { lineitem: string | null; lineitems: string | null; scopes: string[] } | null;
  nrpsUrl: string | null;
  deepLinking: DeepLinkingSettings | null;
  targetLinkUri: string;
  /** `tool_platform.product_family_code`, lower-cased ("moodle"), or null. */
  platformFamily: string | null;
}

/** Builds the LaunchContext from parsed claims and the client id the token was verified for. */
export function toLaunchContext(c: LaunchClaims, clientId: string): LaunchContext {
  const custom: Record<string, string> = {};
  for (const [k, v] of Object.entries(c[CLAIM.custom] ?? {})) if (v !== null && v !== undefined) custom[k.toLowerCase()] = String(v);
  const lp = c[CLAIM.launchPresentation];
  const ags = c[CLAIM.ags];
  return {
    issuer: c.iss,
    clientId,
    deploymentId: c[CLAIM.deploymentId],
    messageType: c[CLAIM.messageType],
    sub: c.sub,
    name: c.name ?? ([c.given_name, c.family_name].filter(Boolean).join(' ') || null),
    givenName: c.given_name,
    familyName: c.family_name,
    email: c.email,
    roles: c[CLAIM.roles],
    context: c[CLAIM.context] ?? null,
    resourceLink: c[CLAIM.resourceLink] ?? null,
    custom,
    locale: lp?.locale ?? null,
    documentTarget: lp?.document_target ?? null,
    returnUrl: lp?.return_url ?? null,
    ags: ags ? { lineitem: ags.lineitem, lineitems: ags.lineitems, scopes: ags.scope } : null,
    nrpsUrl: c[CLAIM.nrps]?.context_memberships_url ?? null,
    deepLinking: c[CLAIM.deepLinkingSettings] ?? null,
    targetLinkUri: c[CLAIM.targetLinkUri],
    platformFamily: c[CLAIM.toolPlatform]?.product_family_code?.toLowerCase() ?? null,
  };
}
