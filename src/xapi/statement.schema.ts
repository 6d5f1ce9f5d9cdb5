import { z } from 'zod';

/**
 * The xAPI statement shape Instants emits (a strict subset of xAPI 1.0.3 / 2.0): checked on every built
 * statement before anything is written, so a malformed statement never reaches the store or an LRS.
 */

const iri = z.url({ protocol: /^(https?|urn|mailto)$/, error: 'expected an absolute IRI (e.g. https://instants.ac-dijon.fr/xapi/sessions/1)' });
const languageTag = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/, 'expected an RFC 5646 language tag (e.g. fr or fr-FR)');
const languageMap = z.record(languageTag, z.string()).refine((m) => Object.keys(m).length > 0, 'expected at least one language');
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'expected a lower-case RFC 4122 UUID');
const isoDuration = z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, 'expected an ISO 8601 duration (e.g. PT90S)');
const extensionsMap = z.record(iri, z.unknown());

export const AgentSchema = z.strictObject({
  objectType: z.literal('Agent'),
  account: z.strictObject({ homePage: iri, name: z.string().min(1) }),
});

const InteractionComponentSchema = z.strictObject({ id: z.string().min(1).regex(/^\S+$/, 'expected an id without spaces'), description: languageMap });

export const ActivityDefinitionSchema = z.strictObject({
  name: languageMap,
  description: languageMap.optional(),
  type: iri,
  moreInfo: iri.optional(),
  interactionType: z.literal('choice').optional(),
  correctResponsesPattern: z.array(z.string()).optional(),
  choices: z.array(InteractionComponentSchema).optional(),
  extensions: extensionsMap.optional(),
});

export const ActivitySchema = z.strictObject({
  objectType: z.literal('Activity'),
  id: iri,
  definition: ActivityDefinitionSchema.optional(),
});

const ScoreSchema = z
  .strictObject({
    scaled: z.number().min(-1).max(1).optional(),
    raw: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.min !== undefined && s.max !== undefined && s.min > s.max) ctx.addIssue({ code: 'custom', message: 'min must not exceed max', path: ['min'] });
    if (s.raw !== undefined && s.min !== undefined && s.raw < s.min) ctx.addIssue({ code: 'custom', message: 'raw must not be below min', path: ['raw'] });
    if (s.raw !== undefined && s.max !== undefined && s.raw > s.max) ctx.addIssue({ code: 'custom', message: 'raw must not exceed max', path: ['raw'] });
  });

export const ResultSchema = z.strictObject({
  score: ScoreSchema.optional(),
  success: z.boolean().optional(),
  completion: z.boolean().optional(),
  response: z.string().optional(),
  duration: isoDuration.optional(),
  extensions: extensionsMap.optional(),
});

export const ContextSchema = z.strictObject({
  registration: uuid.optional(),
  platform: z.string().min(1).optional(),
  language: languageTag.optional(),
  contextActivities: z
    .strictObject({
      parent: z.array(ActivitySchema).optional(),
      grouping: z.array(ActivitySchema).optional(),
      category: z.array(ActivitySchema).optional(),
      other: z.array(ActivitySchema).optional(),
    })
    .optional(),
  extensions: extensionsMap.optional(),
});

export const StatementSchema = z.strictObject({
  id: uuid,
  actor: AgentSchema,
  verb: z.strictObject({ id: iri, display: languageMap }),
  object: ActivitySchema,
  result: ResultSchema.optional(),
  context: ContextSchema,
  timestamp: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 timestamp with a time zone' }),
});

/** A voiding statement as Instants builds it (xAPI Data §2.3.2): a StatementRef object, a bare context. */
export const VoidingStatementSchema = z.strictObject({
  id: uuid,
  actor: AgentSchema,
  verb: z.strictObject({ id: iri.refine((v): boolean => v === 'http://adlnet.gov/expapi/verbs/voided', 'expected the voided verb'), display: languageMap }),
  object: z.strictObject({ objectType: z.literal('StatementRef'), id: uuid }),
  context: z.strictObject({ language: languageTag, contextActivities: z.strictObject({ category: z.array(ActivitySchema) }) }),
  timestamp: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 timestamp with a time zone' }),
});
export type VoidingStatement = z.infer<typeof VoidingStatementSchema>;

/** A statement as Instants builds it (before the LRS adds `stored`, `authority` and `version`). */
export type Statement = z.infer<typeof StatementSchema>;
export type Activity = z.infer<typeof ActivitySchema>;
