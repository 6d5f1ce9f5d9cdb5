import type { LearningEventKind } from './events';
import type { FabriqueEventKind } from './fabrique.events';
import { activityTypes, extensions, profileIri, profileVersionIri, VERBS } from './vocabulary';

/**
 * The Instants xAPI Profile (xAPI Profiles 1.0, JSON-LD): concepts from vocabulary.ts and one statement
 * template per learning event. `xapi/profile.jsonld` is this document for the default base IRI
 * (`npm run xapi -- profile > xapi/profile.jsonld`); a test keeps the two in step.
 */

interface Template {
  kind: LearningEventKind | FabriqueEventKind | 'badge-earned' | 'statement-voided';
  /** The object is a StatementRef to a statement of these templates (voiding); then no activity type, registration or platform. */
  statementRefTo?: string[];
  verb: string;
  objectActivityType: string;
  parentTypes: string[];
  fr: string;
  en: string;
  rules: Array<{ location: string; presence: 'included' | 'excluded' | 'recommended' }>;
}

/** One template per statement Instants emits, keyed by the event kind that produces it. */
export function statementTemplates(base: string): Template[] {
  const t = activityTypes(base);
  const e = extensions(base);
  const session = [t.session.id];
  const inc = (location: string) => ({ location, presence: 'included' as const });
  return [
    { kind: 'launched', verb: VERBS.launched.id, objectActivityType: t.session.id, parentTypes: session, fr: 'Lancement de la session depuis Moodle.', en: 'Launch of the session from Moodle.', rules: [] },
    { kind: 'attended', verb: VERBS.attended.id, objectActivityType: t.session.id, parentTypes: session, fr: 'Présence à la session ; la méthode dans une extension de contexte.', en: 'Attendance; the method in a context extension.', rules: [inc(`$.context.extensions['${e.checkinMethod.id}']`)] },
    { kind: 'resource-opened', verb: VERBS.experienced.id, objectActivityType: `${t.link.id} | ${t.media.id} | ${t.file.id}`, parentTypes: session, fr: "Consultation d'une ressource ; son adresse dans moreInfo.", en: 'A resource opened; its address in moreInfo.', rules: [inc('$.object.definition.moreInfo')] },
    { kind: 'question-answered', verb: VERBS.answered.id, objectActivityType: t.interaction.id, parentTypes: [t.assessment.id, t.session.id], fr: "Réponse à une question à choix : réponse (ids séparés par [,]), réussite, certitude éventuelle.", en: 'Answer to a choice question: response (ids joined by [,]), success, optional certainty.', rules: [inc('$.result.response'), inc('$.result.success'), inc('$.object.definition.correctResponsesPattern')] },
    { kind: 'quiz-completed', verb: VERBS.completed.id, objectActivityType: t.assessment.id, parentTypes: session, fr: 'Quiz terminé : score brut, min 0, max, score normalisé, durée.', en: 'Quiz finished: raw score, min 0, max, scaled score, duration.', rules: [inc('$.result.score.raw'), inc('$.result.score.scaled'), inc('$.result.completion')] },
    { kind: 'quiz-completed', verb: VERBS.passed.id, objectActivityType: t.assessment.id, parentTypes: session, fr: 'Suit « terminé » quand le score atteint le seuil de réussite.', en: 'Follows "completed" when the score reaches the mastery score.', rules: [inc('$.result.score.scaled'), inc('$.result.success')] },
    { kind: 'quiz-completed', verb: VERBS.failed.id, objectActivityType: t.assessment.id, parentTypes: session, fr: 'Suit « terminé » quand le score est sous le seuil de réussite.', en: 'Follows "completed" when the score is below the mastery score.', rules: [inc('$.result.score.scaled'), inc('$.result.success')] },
    { kind: 'self-positioned', verb: VERBS.rated.id, objectActivityType: t.competency.id, parentTypes: session, fr: "Auto-positionnement sur une compétence : niveau 1 à 8 en score brut (min 1, max 8, normalisé (niveau − 1) / 7) ; avant, après ou rétrospectif dans l'extension moment.", en: 'Self-positioning on a competence: level 1–8 as raw score (min 1, max 8, scaled (level − 1) / 7); before, after or then in the moment extension.', rules: [inc('$.result.score.raw'), inc(`$.context.extensions['${e.moment.id}']`)] },
    { kind: 'need-expressed', verb: VERBS.recommended.id, objectActivityType: t.need.id, parentTypes: session, fr: "Besoin de formation exprimé : l'outil, le thème ou la compétence en objet, le libellé (ou le texte libre) en réponse.", en: 'Training need: the tool, theme or competence as object, the label (or free text) as response.', rules: [inc('$.result.response'), inc(`$.context.extensions['${e.needType.id}']`)] },
    { kind: 'rated', verb: VERBS.rated.id, objectActivityType: t.session.id, parentTypes: session, fr: 'Satisfaction : note en score brut (min 0, max), commentaire en réponse.', en: 'Satisfaction: rating as raw score (min 0, max), comment as response.', rules: [inc('$.result.score.raw')] },
    { kind: 'follow-up-completed', verb: VERBS.completed.id, objectActivityType: t.survey.id, parentTypes: session, fr: 'Suivi à J+30 terminé : utilisé depuis, fréquence, usages, freins en extensions de résultat.', en: 'D+30 follow-up finished: used since, frequency, purposes, obstacles as result extensions.', rules: [inc(`$.result.extensions['${e.usedSince.id}']`)] },
    { kind: 'session-completed', verb: VERBS.completed.id, objectActivityType: t.session.id, parentTypes: session, fr: 'Session achevée (ce qui est transmis au carnet de notes).', en: 'Session completed (what goes to the gradebook).', rules: [inc('$.result.completion')] },
    { kind: 'session-presented', verb: VERBS.hosted.id, objectActivityType: t.session.id, parentTypes: session, fr: "Session animée par la personne dont la proposition « Je peux présenter » a été retenue pour elle (ce que lit la règle de badge « a présenté N Instants »).", en: 'Session hosted by the person whose "I can present" offer was taken up for it (what the badge rule "presented N Instants" reads).', rules: [] },
    // Undoing a take-up voids its `hosted` statement (src/activities/offers.service.ts).
    { kind: 'statement-voided', verb: VERBS.voided.id, objectActivityType: '', parentTypes: [], statementRefTo: ['session-presented'], fr: "Annulation d'une déclaration « a animé » : la proposition n'est plus retenue ; la personne organisatrice qui l'a annulée en acteur.", en: 'Voiding of a "hosted" statement: the offer is no longer taken up; the organiser who undid it as actor.', rules: [inc('$.object.id')] },
    ...fabriqueTemplates(base),
    // Written by the badges slice (src/badges/statement.ts): no parent, the badge class in the object's definition.
    { kind: 'badge-earned', verb: VERBS.earned.id, objectActivityType: t.badge.id, parentTypes: [], fr: "Badge obtenu : l'assertion Open Badges en extension de résultat, la classe de badge en extension d'activité.", en: 'Badge earned: the Open Badges assertion as result extension, the badge class as activity extension.', rules: [inc(`$.result.extensions['${e.badgeAssertion.id}']`), inc(`$.object.definition.extensions['${e.badgeClass.id}']`)] },
  ];
}

/** Templates of la Fabrique: the project is the object (La Fabrique its parent), a deliverable has its project as parent. */
function fabriqueTemplates(base: string): Template[] {
  const t = activityTypes(base);
  const e = extensions(base);
  const inc = (location: string) => ({ location, presence: 'included' as const });
  const p = (kind: FabriqueEventKind, verb: string, fr: string, en: string, rules: Template['rules'] = []): Template => ({ kind, verb, objectActivityType: t.project.id, parentTypes: [t.incubator.id], fr, en, rules });
  return [
    p('project-proposed', VERBS.proposed.id, 'Proposition d’un projet ; venue ou non d’un besoin émergent.', 'A project proposed; whether it came from an emerging need.', [inc(`$.context.extensions['${e.fromNeed.id}']`)]),
    p('project-supported', VERBS.supported.id, '« Moi aussi » sur une proposition.', '"Me too" on a proposal.'),
    p('project-selected', VERBS.selected.id, 'Proposition retenue par le comité ; la raison en réponse.', 'Proposal selected by the committee; the reason as response.', [inc('$.result.response')]),
    p('project-declined', VERBS.declined.id, 'Proposition non retenue par le comité ; la raison en réponse.', 'Proposal declined by the committee; the reason as response.', [inc('$.result.response')]),
    p('project-framed', VERBS.framed.id, 'Cadrage du projet validé par le comité.', 'Project framing validated by the committee.'),
    p('project-phase-changed', VERBS.progressed.id, 'Changement de phase décidé en revue ; phases avant et après en extensions, note de revue en réponse.', 'Phase change decided at a review; phases before and after as extensions, review note as response.', [inc('$.result.response'), inc(`$.context.extensions['${e.phase.id}']`), inc(`$.context.extensions['${e.phaseFrom.id}']`)]),
    p('team-joined', VERBS.joined.id, "Invitation à l'équipe acceptée ; le rôle en extension.", 'Team invitation accepted; the role as extension.', [inc(`$.context.extensions['${e.teamRole.id}']`)]),
    p('team-left', VERBS.left.id, "Départ de l'équipe ; le rôle en extension.", 'Left the team; the role as extension.', [inc(`$.context.extensions['${e.teamRole.id}']`)]),
    { kind: 'deliverable-delivered', verb: VERBS.completed.id, objectActivityType: t.deliverable.id, parentTypes: [t.project.id], fr: 'Livrable du projet remis.', en: 'Project deliverable delivered.', rules: [inc('$.result.completion')] },
  ];
}

/** The profile document for a base IRI. */
export function buildProfileDocument(base: string): Record<string, unknown> {
  const version = profileVersionIri(base);
  const concept = (type: string, c: { id: string; prefLabel: object; definition: object }, more: object = {}) => ({ id: c.id, type, inScheme: version, prefLabel: c.prefLabel, definition: c.definition, ...more });
  return {
    '@context': 'https://w3id.org/xapi/profiles/context',
    id: profileIri(base),
    type: 'Profile',
    conformsTo: 'https://w3id.org/xapi/profiles#1.0',
    prefLabel: { fr: 'Profil xAPI Instants', en: 'Instants xAPI profile' },
    definition: {
      fr: "Les déclarations qu'émet Instants (Instants numériques, DANE de l'académie de Dijon). L'apprenant y est pseudonyme : account { homePage: issuer de la plateforme, name: HMAC-SHA256(clé, issuer + sub) }. Chaque déclaration porte la registration du participant pour la session, la session en parent, la série et le cours Moodle en grouping, ce profil en category, les compétences visées en other, la plateforme « Instants » et la langue.",
      en: 'The statements Instants emits (Instants numériques, DANE of the académie de Dijon). The learner is pseudonymous: account { homePage: platform issuer, name: HMAC-SHA256(key, issuer + sub) }. Every statement carries the participant\'s registration for the session, the session as parent, the series and Moodle course as grouping, this profile as category, the targeted competences as other, the platform "Instants" and the language.',
    },
    author: { type: 'Organization', name: "DANE de l'académie de Dijon" },
    versions: [{ id: version, generatedAtTime: '2026-11-28T00:00:00Z' }],
    concepts: [
      ...Object.values(VERBS).map((v) => concept('Verb', v)),
      ...Object.values(activityTypes(base)).map((a) => concept('ActivityType', a)),
      ...Object.values(extensions(base)).map((x) => concept(x.type, x, { inlineSchema: JSON.stringify(x.inlineSchema) })),
    ],
    templates: statementTemplates(base).map((t) => (t.statementRefTo ? voidingTemplate(base, version, t) : {
      id: `${base}/templates/${t.kind}${t.verb.endsWith('/passed') ? '-passed' : t.verb.endsWith('/failed') ? '-failed' : ''}`,
      type: 'StatementTemplate',
      inScheme: version,
      prefLabel: { fr: t.kind, en: t.kind },
      definition: { fr: t.fr, en: t.en },
      verb: t.verb,
      ...(t.objectActivityType.includes(' | ') ? {} : { objectActivityType: t.objectActivityType }),
      ...(t.parentTypes.length ? { contextParentActivityType: t.parentTypes } : {}),
      rules: [
        { location: '$.context.contextActivities.category[*].id', presence: 'included', any: [profileIri(base)] },
        { location: '$.actor.account.name', presence: 'included' },
        { location: '$.context.registration', presence: 'included' },
        { location: '$.context.platform', presence: 'included' },
        { location: '$.context.language', presence: 'included' },
        ...(t.objectActivityType.includes(' | ') ? [{ location: '$.object.definition.type', presence: 'included', any: t.objectActivityType.split(' | ') }] : []),
        ...t.rules,
      ],
    })),
  };
}

/** A template whose object is a StatementRef (voiding): no activity type, registration or platform. */
function voidingTemplate(base: string, version: string, t: Template): Record<string, unknown> {
  return {
    id: `${base}/templates/${t.kind}`,
    type: 'StatementTemplate',
    inScheme: version,
    prefLabel: { fr: t.kind, en: t.kind },
    definition: { fr: t.fr, en: t.en },
    verb: t.verb,
    objectStatementRefTemplate: (t.statementRefTo ?? []).map((k) => `${base}/templates/${k}`),
    rules: [
      { location: '$.context.contextActivities.category[*].id', presence: 'included', any: [profileIri(base)] },
      { location: '$.actor.account.name', presence: 'included' },
      { location: '$.context.language', presence: 'included' },
      { location: '$.context.registration', presence: 'excluded' },
      { location: '$.context.platform', presence: 'excluded' },
      ...t.rules,
    ],
  };
}

/** The concepts of the profile, by kind, read back from a profile document (used by conformance checks). */
export function conceptsOf(doc: Record<string, unknown>): { verbs: Set<string>; activityTypes: Set<string>; contextExtensions: Set<string>; resultExtensions: Set<string> } {
  const concepts = doc.concepts as Array<{ id: string; type: string }>;
  const of = (type: string) => new Set(concepts.filter((c) => c.type === type).map((c) => c.id));
  return { verbs: of('Verb'), activityTypes: of('ActivityType'), contextExtensions: of('ContextExtension'), resultExtensions: of('ResultExtension') };
}
