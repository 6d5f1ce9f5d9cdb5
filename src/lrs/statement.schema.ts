import { z } from 'zod';
import { parseTimestamp, safeRecord } from '../platform/input-hygiene';

/**
 * The xAPI statement grammar (xAPI-Data.md §2.4, IEEE 9274.1.1 for 2.0) as zod schemas. Objects are strict:
 * an unknown or wrongly cased property is an error, as the specification requires of an LRS.
 */

export type XapiVersion = '1.0.3' | '2.0.0';

const IRI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const LANG_RE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
// Data §4.6 (ISO 8601 durations): weeks only on their own (PnW); `P4W1D` mixes them with days and is refused.
const DURATION_RE = /^P(?:\d+(?:\.\d+)?W|(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?)$/;

/**
 * Byte limits on what the store indexes (PostgreSQL refuses a b-tree entry over 2,704 bytes, and the State key
 * holds an activity IRI, an agent IFI and a document id together): Communication §3.2.s3.b12 lets the LRS
 * choose its size limits, and a clear 400 beats an index error.
 */
export const LIMITS = { iri: 800, mbox: 320, accountName: 400, name: 1000, documentId: 255 } as const;
export const withinBytes = (max: number) => (v: string) => Buffer.byteLength(v, 'utf8') <= max;

export const iri = z
  .string()
  .regex(IRI_RE, 'expected an absolute IRI (e.g. http://adlnet.gov/expapi/verbs/completed)')
  .refine(withinBytes(LIMITS.iri), `must be at most ${LIMITS.iri} bytes long`);
export const uuidString = z.string().regex(UUID_RE, 'expected a UUID (e.g. 7ae7f6ac-6c5e-4a4b-9f0b-1d2b3c4d5e6f)');

/**
 * The instant of an ISO 8601 date-time xAPI accepts (Data §4.5), or null: every field checked as a calendar
 * date (no `2026-02-30` rolled over, year ≥ 1), never the forbidden offset -00:00, and in UTC still within
 * years 1–9999 (so the JSON and the timestamptz column always name the same instant).
 */
export function timestampInstant(value: string): Date | null {
  if (!TIMESTAMP_RE.test(value) || /-00(:?00)?$/.test(value)) return null;
  const parsed = parseTimestamp(value);
  if (!parsed) return null;
  const year = parsed.date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? parsed.date : null;
}

/** True for an ISO 8601 date-time xAPI accepts (see `timestampInstant`). */
export function isTimestamp(value: string): boolean {
  return timestampInstant(value) !== null;
}

export const timestamp = z.string().refine(isTimestamp, 'expected an ISO 8601 timestamp with a time zone (e.g. 2026-11-28T12:30:00.000Z); -00:00 is not allowed');
const duration = z.string().regex(DURATION_RE, 'expected an ISO 8601 duration (e.g. PT1H30M or PT12.5S)');
// safeRecord refuses __proto__, constructor and prototype as keys (z.record would drop __proto__ silently).
const languageMap = safeRecord(z.string().regex(LANG_RE, 'expected an RFC 5646 language tag (e.g. fr-FR)'), z.string());
const extensions = safeRecord(iri, z.unknown());
const mbox = z
  .string()
  .regex(/^mailto:[^@\s]+@[^@\s]+$/, 'expected a mailto IRI (e.g. mailto:jeanne@ac-dijon.fr)')
  .refine(withinBytes(LIMITS.mbox), `must be at most ${LIMITS.mbox} bytes long`);
const account = z.strictObject({ homePage: iri, name: z.string().refine(withinBytes(LIMITS.accountName), `must be at most ${LIMITS.accountName} bytes long`) });
const agentName = z.string().refine(withinBytes(LIMITS.name), `must be at most ${LIMITS.name} bytes long`);

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;
const ifiFields = {
  mbox: mbox.optional(),
  mbox_sha1sum: z.string().regex(/^[0-9a-fA-F]{40}$/, 'expected a hex SHA-1 (40 characters)').optional(),
  openid: iri.optional(),
  account: account.optional(),
};
const countIfis = (v: Record<string, unknown>) => IFI_KEYS.filter((k) => v[k] !== undefined).length;

export const agentSchema = z
  .strictObject({ objectType: z.literal('Agent').optional(), name: agentName.optional(), ...ifiFields })
  .superRefine((v, ctx) => {
    if (countIfis(v) !== 1) ctx.addIssue({ code: 'custom', message: 'an Agent needs exactly one of mbox, mbox_sha1sum, openid, account' });
  });

export const groupSchema = z
  .strictObject({ objectType: z.literal('Group'), name: agentName.optional(), member: z.array(agentSchema).optional(), ...ifiFields })
  .superRefine((v, ctx) => {
    const n = countIfis(v);
    if (n > 1) ctx.addIssue({ code: 'custom', message: 'a Group has at most one of mbox, mbox_sha1sum, openid, account' });
    if (n === 0 && !v.member) ctx.addIssue({ code: 'custom', message: 'an anonymous Group needs a member list', path: ['member'] });
  });

/** Runs the schema `pick` chooses for the value, reporting its issues at the right path. */
function dispatch(pick: (v: Record<string, unknown>) => z.ZodType | string) {
  return z.unknown().superRefine((v, ctx) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object' });
      return;
    }
    const schema = pick(v as Record<string, unknown>);
    if (typeof schema === 'string') {
      ctx.addIssue({ code: 'custom', message: schema, path: ['objectType'] });
      return;
    }
    const r = schema.safeParse(v);
    if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path as PropertyKey[] });
  });
}

export const actorSchema = dispatch((v) => (v.objectType === 'Group' ? groupSchema : agentSchema));

// Data §2.4.9: an authority is an Agent, or (3-legged OAuth) an anonymous Group of exactly two Agents.
const oauthGroupSchema = z.strictObject({ objectType: z.literal('Group'), name: agentName.optional(), member: z.array(agentSchema).length(2, 'an authority Group has exactly two Agents') });
const authoritySchema = dispatch((v) => {
  if (v.objectType !== 'Group') return agentSchema;
  return countIfis(v) ? 'an authority Group cannot be identified: it is an anonymous Group of two Agents (3-legged OAuth)' : oauthGroupSchema;
});

const verbSchema = z.strictObject({ id: iri, display: languageMap.optional() });

const component = z.strictObject({ id: z.string().min(1), description: languageMap.optional() });
const COMPONENTS: Record<string, string[]> = {
  choice: ['choices'],
  sequencing: ['choices'],
  likert: ['scale'],
  matching: ['source', 'target'],
  performance: ['steps'],
};
const definitionSchema = z
  .strictObject({
    name: languageMap.optional(),
    description: languageMap.optional(),
    type: iri.optional(),
    moreInfo: iri.optional(),
    extensions: extensions.optional(),
    interactionType: z
      .enum(['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other'])
      .optional(),
    correctResponsesPattern: z.array(z.string()).optional(),
    choices: z.array(component).optional(),
    scale: z.array(component).optional(),
    source: z.array(component).optional(),
    target: z.array(component).optional(),
    steps: z.array(component).optional(),
  })
  .superRefine((v, ctx) => {
    const allowed = v.interactionType ? (COMPONENTS[v.interactionType] ?? []) : [];
    for (const key of ['choices', 'scale', 'source', 'target', 'steps'] as const) {
      const list = v[key];
      if (!list) continue;
      if (!allowed.includes(key)) ctx.addIssue({ code: 'custom', message: `${key} is not allowed for interactionType ${v.interactionType ?? '(none)'}`, path: [key] });
      const ids = list.map((c) => c.id);
      if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'interaction component ids must be unique', path: [key] });
    }
    if (v.correctResponsesPattern && !v.interactionType) ctx.addIssue({ code: 'custom', message: 'correctResponsesPattern needs an interactionType', path: ['correctResponsesPattern'] });
  });

export const activitySchema = z.strictObject({ objectType: z.literal('Activity').optional(), id: iri, definition: definitionSchema.optional() });
const statementRefSchema = z.strictObject({ objectType: z.literal('StatementRef'), id: uuidString });

const scoreSchema = z
  .strictObject({ scaled: z.number().min(-1).max(1).optional(), raw: z.number().optional(), min: z.number().optional(), max: z.number().optional() })
  .superRefine((v, ctx) => {
    if (v.min !== undefined && v.max !== undefined && v.min >= v.max) ctx.addIssue({ code: 'custom', message: 'min must be less than max', path: ['min'] });
    if (v.raw !== undefined && v.min !== undefined && v.raw < v.min) ctx.addIssue({ code: 'custom', message: 'raw must not be below min', path: ['raw'] });
    if (v.raw !== undefined && v.max !== undefined && v.raw > v.max) ctx.addIssue({ code: 'custom', message: 'raw must not be above max', path: ['raw'] });
  });
const resultSchema = z.strictObject({
  score: scoreSchema.optional(),
  success: z.boolean().optional(),
  completion: z.boolean().optional(),
  response: z.string().optional(),
  duration: duration.optional(),
  extensions: extensions.optional(),
});

const activityList = z.union([activitySchema, z.array(activitySchema)]);
const contextActivities = z.strictObject({
  parent: activityList.optional(),
  grouping: activityList.optional(),
  category: activityList.optional(),
  other: activityList.optional(),
});
const baseContext = {
  registration: uuidString.optional(),
  instructor: actorSchema.optional(),
  team: groupSchema.optional(),
  contextActivities: contextActivities.optional(),
  revision: z.string().optional(),
  platform: z.string().optional(),
  language: z.string().regex(LANG_RE, 'expected an RFC 5646 language tag (e.g. fr-FR)').optional(),
  statement: statementRefSchema.optional(),
  extensions: extensions.optional(),
};
const contextSchemas: Record<XapiVersion, z.ZodType> = {
  '1.0.3': z.strictObject(baseContext),
  '2.0.0': z.strictObject({
    ...baseContext,
    contextAgents: z
      .array(z.strictObject({ objectType: z.literal('contextAgent'), agent: agentSchema, relevantTypes: z.array(iri).min(1).optional() }))
      .optional(),
    contextGroups: z
      .array(z.strictObject({ objectType: z.literal('contextGroup'), group: groupSchema, relevantTypes: z.array(iri).min(1).optional() }))
      .optional(),
  }),
};

const attachmentSchema = z.strictObject({
  usageType: iri,
  display: languageMap,
  description: languageMap.optional(),
  contentType: z.string().min(1),
  length: z.number().int().min(0),
  sha2: z.string().regex(/^[0-9a-fA-F]{56,128}$/, 'expected a hex SHA-2 digest'),
  fileUrl: iri.optional(),
});

const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

/** Rules across properties: platform and revision only about activities, voiding only by StatementRef. */
function crossRules(v: { object: unknown; verb: { id: string }; context?: unknown }, ctx: z.RefinementCtx): void {
  const object = v.object as { objectType?: string } | undefined;
  if (typeof object !== 'object' || object === null || typeof v.verb !== 'object' || v.verb === null) return;
  const context = v.context as { revision?: string; platform?: string } | undefined;
  const isActivity = object.objectType === undefined || object.objectType === 'Activity';
  if (context && !isActivity) {
    if (context.revision !== undefined) ctx.addIssue({ code: 'custom', message: 'revision is only allowed when the object is an Activity', path: ['context', 'revision'] });
    if (context.platform !== undefined) ctx.addIssue({ code: 'custom', message: 'platform is only allowed when the object is an Activity', path: ['context', 'platform'] });
  }
  if (v.verb.id === VOIDED && object.objectType !== 'StatementRef') ctx.addIssue({ code: 'custom', message: 'a voiding statement needs a StatementRef object', path: ['object', 'objectType'] });
}

function build(version: XapiVersion) {
  const context = contextSchemas[version];
  const subObject = dispatch((v) => {
    switch (v.objectType) {
      case undefined:
      case 'Activity':
        return activitySchema;
      case 'Agent':
        return agentSchema;
      case 'Group':
        return groupSchema;
      case 'StatementRef':
        return statementRefSchema;
      default:
        return 'expected objectType Activity, Agent, Group or StatementRef (a SubStatement cannot contain another)';
    }
  });
  const subStatement = z
    .strictObject({
      objectType: z.literal('SubStatement'),
      actor: actorSchema,
      verb: verbSchema,
      object: subObject,
      result: resultSchema.optional(),
      context: context.optional(),
      timestamp: timestamp.optional(),
      attachments: z.array(attachmentSchema).optional(),
    })
    .superRefine(crossRules);
  const object = dispatch((v) => {
    if (v.objectType === 'SubStatement') return subStatement;
    return subObject as never;
  });
  const versionRe = version === '1.0.3' ? /^1\.0(\.\d+)?$/ : /^(1\.0|2\.0)(\.\d+)?$/;
  return z
    .strictObject({
      id: uuidString.optional(),
      actor: actorSchema,
      verb: verbSchema,
      object,
      result: resultSchema.optional(),
      context: context.optional(),
      timestamp: timestamp.optional(),
      stored: timestamp.optional(),
      authority: authoritySchema.optional(),
      version: z.string().regex(versionRe, `expected an xAPI version ${version === '1.0.3' ? '1.0.x' : '1.0.x or 2.0.x'}`).optional(),
      attachments: z.array(attachmentSchema).optional(),
    })
    .superRefine(crossRules);
}

const schemas: Record<XapiVersion, z.ZodType> = { '1.0.3': build('1.0.3'), '2.0.0': build('2.0.0') };

/** The statement schema of an xAPI version. */
export function statementSchema(version: XapiVersion): z.ZodType {
  return schemas[version];
}

/** The agent schema used for `agent` parameters (Agent or identified Group). */
export const agentParamSchema = actorSchema;
export { VOIDED as VOIDED_VERB };
