import { storeStatements, SYSTEM_AUTHORITY } from '../lrs';
import type { Tx } from '../platform/db/client';
import { activityTypes, enqueueForwarding, extensions, profileIri, pseudonymOf, registrationOf, StatementSchema, VERBS, type Statement } from '../xapi';
import type { BadgeUrls } from './issuer';

/** What the `earned` statement needs: the xAPI base IRI, the pseudonym key and the badge addresses. */
export interface EarnedDeps {
  baseIri: string;
  pseudonymKey: string;
  urls: BadgeUrls;
}

export interface EarnedInput {
  id: string;
  awardId: string;
  badge: { id: string; name: string };
  earner: { issuer: string; sub: string };
  at: Date;
  language: string;
}

/**
 * The `earned` statement of an award (Open Badges xAPI vocabulary, template badge-earned of the profile):
 * the badge as object with its badge class in an activity extension, the assertion in a result extension.
 */
export function buildEarnedStatement(input: EarnedInput, deps: EarnedDeps): Statement {
  const types = activityTypes(deps.baseIri);
  const ext = extensions(deps.baseIri);
  const pseudonym = pseudonymOf(deps.pseudonymKey, input.earner.issuer, input.earner.sub);
  const classUrl = deps.urls.badgeClass(input.badge.id);
  return StatementSchema.parse({
    id: input.id,
    actor: { objectType: 'Agent', account: { homePage: input.earner.issuer, name: pseudonym } },
    verb: { id: VERBS.earned.id, display: { ...VERBS.earned.prefLabel } },
    object: {
      objectType: 'Activity',
      id: classUrl,
      definition: {
        name: { fr: input.badge.name, en: input.badge.name },
        type: types.badge.id,
        extensions: { [ext.badgeClass.id]: { '@id': classUrl, image: deps.urls.classImage(input.badge.id), criteria: classUrl, issuer: deps.urls.issuer } },
      },
    },
    result: { completion: true, extensions: { [ext.badgeAssertion.id]: { '@id': deps.urls.assertion(input.awardId) } } },
    context: {
      registration: registrationOf(pseudonym, `badge:${input.badge.id}`),
      platform: 'Instants',
      language: input.language,
      contextActivities: { category: [{ objectType: 'Activity', id: profileIri(deps.baseIri) }] },
    },
    timestamp: input.at.toISOString(),
  });
}

/** Stores the statement in the LRS and queues it for forwarding, in the award's transaction. */
export async function recordEarned(tx: Tx, statement: Statement): Promise<void> {
  await storeStatements(tx, [statement], { authority: SYSTEM_AUTHORITY, version: '1.0.3' });
  await enqueueForwarding(tx, [statement]);
}
