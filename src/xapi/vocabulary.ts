/**
 * The closed vocabulary of Instants statements: every verb, activity type and extension the builder may use.
 * Registry IRIs are reused where they exist (ADL, cmi5, TinCan registry, TLA, DoD ISD); ours live under the
 * configurable base IRI (`XAPI_BASE_IRI`). `xapi/profile.jsonld` is generated from this file.
 */

/** The base IRI the committed profile document is written with; deployments substitute their own. */
export const DEFAULT_BASE_IRI = 'https://instants.ac-dijon.fr/xapi';

type LangMap = { fr: string; en: string };

export interface VerbConcept {
  id: string;
  prefLabel: LangMap;
  definition: LangMap;
}

export const VERBS = {
  launched: {
    id: 'http://adlnet.gov/expapi/verbs/launched',
    prefLabel: { fr: 'a lancé', en: 'launched' },
    definition: { fr: "A ouvert la session depuis le cours Moodle (lancement LTI).", en: 'Opened the session from the Moodle course (LTI launch).' },
  },
  attended: {
    id: 'http://adlnet.gov/expapi/verbs/attended',
    prefLabel: { fr: 'a assisté à', en: 'attended' },
    definition: { fr: "S'est enregistré comme présent à la session (code, QR code ou saisie par l'organisateur).", en: 'Checked in at the session (code, QR code or by the organiser).' },
  },
  experienced: {
    id: 'http://adlnet.gov/expapi/verbs/experienced',
    prefLabel: { fr: 'a consulté', en: 'experienced' },
    definition: { fr: 'A ouvert une ressource de la session.', en: 'Opened a resource of the session.' },
  },
  answered: {
    id: 'http://adlnet.gov/expapi/verbs/answered',
    prefLabel: { fr: 'a répondu à', en: 'answered' },
    definition: { fr: "A répondu à une question d'un quiz.", en: 'Answered a quiz question.' },
  },
  completed: {
    id: 'http://adlnet.gov/expapi/verbs/completed',
    prefLabel: { fr: 'a terminé', en: 'completed' },
    definition: { fr: 'A terminé un quiz, le suivi à 30 jours, la session ou un livrable de projet de la Fabrique.', en: 'Finished a quiz, the 30-day follow-up, the session or a Fabrique project deliverable.' },
  },
  passed: {
    id: 'http://adlnet.gov/expapi/verbs/passed',
    prefLabel: { fr: 'a réussi', en: 'passed' },
    definition: { fr: 'A atteint le seuil de réussite du quiz.', en: "Reached the quiz's mastery score." },
  },
  failed: {
    id: 'http://adlnet.gov/expapi/verbs/failed',
    prefLabel: { fr: 'a échoué à', en: 'failed' },
    definition: { fr: "N'a pas atteint le seuil de réussite du quiz.", en: "Did not reach the quiz's mastery score." },
  },
  rated: {
    id: 'http://id.tincanapi.com/verb/rated',
    prefLabel: { fr: 'a évalué', en: 'rated' },
    definition: {
      fr: "A donné une note : à la session (satisfaction), ou à son propre niveau sur une compétence (auto-positionnement, niveau 1 à 8 du CRCN).",
      en: 'Gave a rating: to the session (satisfaction), or to their own level on a competence (self-positioning, CRCN level 1 to 8).',
    },
  },
  recommended: {
    id: 'https://w3id.org/xapi/dod-isd/verbs/recommended',
    prefLabel: { fr: 'a souhaité', en: 'recommended' },
    definition: { fr: 'A exprimé un besoin de formation : un outil, un thème ou une compétence à découvrir ensuite.', en: 'Expressed a training need: a tool, theme or competence to discover next.' },
  },
  proposed: {
    id: 'http://activitystrea.ms/schema/1.0/submit',
    prefLabel: { fr: 'a proposé', en: 'proposed' },
    definition: { fr: 'A proposé un projet à la Fabrique.', en: 'Proposed a project to la Fabrique.' },
  },
  supported: {
    id: 'http://id.tincanapi.com/verb/voted-up',
    prefLabel: { fr: 'a soutenu', en: 'supported' },
    definition: { fr: "A soutenu une proposition de la Fabrique (« moi aussi »).", en: 'Supported a Fabrique proposal ("me too").' },
  },
  selected: {
    id: 'http://activitystrea.ms/schema/1.0/approve',
    prefLabel: { fr: 'a retenu', en: 'selected' },
    definition: { fr: 'Membre du comité de pilotage : a retenu une proposition, qui devient un projet en investigation ; la raison en réponse.', en: 'Steering committee member: selected a proposal, which becomes a project in investigation; the reason as response.' },
  },
  declined: {
    id: 'http://activitystrea.ms/schema/1.0/reject',
    prefLabel: { fr: "n'a pas retenu", en: 'declined' },
    definition: { fr: "Membre du comité de pilotage : n'a pas retenu une proposition ; la raison, montrée à la personne qui l'a faite, en réponse.", en: 'Steering committee member: declined a proposal; the reason, shown to its proposer, as response.' },
  },
  framed: {
    id: 'http://activitystrea.ms/schema/1.0/update',
    prefLabel: { fr: 'a cadré', en: 'framed' },
    definition: { fr: 'Membre du comité de pilotage : a validé le cadrage d’un projet (objectifs, moyens, livrables, format, animation, mesure d’impact).', en: "Steering committee member: validated a project's framing (objectives, resources, deliverables, format, facilitator, impact measure)." },
  },
  progressed: {
    id: 'http://adlnet.gov/expapi/verbs/progressed',
    prefLabel: { fr: 'a fait passer de phase', en: 'progressed' },
    definition: { fr: 'Membre du comité de pilotage : a décidé en revue du passage d’un projet à une autre phase ; la note de revue en réponse.', en: 'Steering committee member: decided at a review that a project moves to another phase; the review note as response.' },
  },
  joined: {
    id: 'http://activitystrea.ms/schema/1.0/join',
    prefLabel: { fr: 'a rejoint', en: 'joined' },
    definition: { fr: "A accepté l'invitation à l'équipe d'un projet de la Fabrique.", en: "Accepted the invitation to a Fabrique project's team." },
  },
  left: {
    id: 'http://activitystrea.ms/schema/1.0/leave',
    prefLabel: { fr: 'a quitté', en: 'left' },
    definition: { fr: "A quitté l'équipe d'un projet de la Fabrique.", en: "Left a Fabrique project's team." },
  },
  hosted: {
    id: 'http://activitystrea.ms/schema/1.0/host',
    prefLabel: { fr: 'a animé', en: 'hosted' },
    definition: {
      fr: "A animé (présenté) la session : une proposition « Je peux présenter » retenue par une personne organisatrice pour cette session.",
      en: 'Hosted (presented) the session: an "I can present" offer an organiser took up for that session.',
    },
  },
  voided: {
    id: 'http://adlnet.gov/expapi/verbs/voided',
    prefLabel: { fr: 'a annulé', en: 'voided' },
    definition: {
      fr: "Annule une déclaration antérieure (StatementRef en objet) : une proposition « Je peux présenter » qui n'est plus retenue. La personne qui annule en acteur.",
      en: 'Voids an earlier statement (a StatementRef as object): an "I can present" offer no longer taken up. The person who voids it as actor.',
    },
  },
  earned: {
    id: 'http://specification.openbadges.org/xapi/verbs/earned',
    prefLabel: { fr: 'a obtenu', en: 'earned' },
    definition: { fr: 'A obtenu un badge (Open Badges), attribué automatiquement par sa règle ou à la main par une personne organisatrice.', en: 'Earned a badge (Open Badges), awarded automatically by its rule or by hand by an organiser.' },
  },
} satisfies Record<string, VerbConcept>;

export interface ActivityTypeConcept {
  id: string;
  prefLabel: LangMap;
  definition: LangMap;
}

/** Activity types; `ours` ones are resolved under the base IRI. */
export function activityTypes(base: string) {
  return {
    session: {
      id: 'http://adlnet.gov/expapi/activities/meeting',
      prefLabel: { fr: 'session', en: 'session' },
      definition: { fr: 'Un Instant numérique : une courte session en présence autour d’un outil.', en: 'An Instant numérique: a short in-person session about one tool.' },
    },
    link: {
      id: 'http://adlnet.gov/expapi/activities/link',
      prefLabel: { fr: 'lien', en: 'link' },
      definition: { fr: 'Une ressource en ligne (page web).', en: 'An online resource (web page).' },
    },
    media: {
      id: 'http://adlnet.gov/expapi/activities/media',
      prefLabel: { fr: 'vidéo', en: 'media' },
      definition: { fr: 'Une vidéo.', en: 'A video.' },
    },
    file: {
      id: 'http://adlnet.gov/expapi/activities/file',
      prefLabel: { fr: 'fichier', en: 'file' },
      definition: { fr: 'Un document ou un diaporama.', en: 'A document or slides.' },
    },
    assessment: {
      id: 'http://adlnet.gov/expapi/activities/assessment',
      prefLabel: { fr: 'quiz', en: 'quiz' },
      definition: { fr: 'Le quiz de 3 à 5 questions de la session.', en: "The session's 3–5 question quiz." },
    },
    interaction: {
      id: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      prefLabel: { fr: 'question', en: 'question' },
      definition: { fr: 'Une question à choix du quiz.', en: 'A choice question of the quiz.' },
    },
    competency: {
      id: 'https://w3id.org/xapi/tla/activity-types/competency',
      prefLabel: { fr: 'compétence', en: 'competency' },
      definition: { fr: "Une compétence d'un référentiel (CRCN par défaut).", en: 'A competence of a framework (CRCN by default).' },
    },
    survey: {
      id: 'http://id.tincanapi.com/activitytype/survey',
      prefLabel: { fr: 'suivi à 30 jours', en: '30-day follow-up' },
      definition: { fr: "Le questionnaire « l'avez-vous utilisé depuis ? » à J+30.", en: 'The "have you used it since?" questionnaire at D+30.' },
    },
    course: {
      id: 'http://adlnet.gov/expapi/activities/course',
      prefLabel: { fr: 'cours Moodle', en: 'Moodle course' },
      definition: { fr: 'Le cours (contexte LTI) depuis lequel la session a été lancée.', en: 'The course (LTI context) the session was launched from.' },
    },
    profile: {
      id: 'http://adlnet.gov/expapi/activities/profile',
      prefLabel: { fr: 'profil', en: 'profile' },
      definition: { fr: 'Le profil xAPI auquel la déclaration se conforme.', en: 'The xAPI profile the statement conforms to.' },
    },
    series: {
      id: `${base}/activity-types/series`,
      prefLabel: { fr: 'série', en: 'series' },
      definition: { fr: 'Une série de sessions (un cycle, un thème).', en: 'A series of sessions (a cycle, a theme).' },
    },
    badge: {
      id: 'http://activitystrea.ms/schema/1.0/badge',
      prefLabel: { fr: 'badge', en: 'badge' },
      definition: { fr: 'Un badge (classe de badge Open Badges) que la personne a obtenu.', en: 'A badge (Open Badges badge class) the person earned.' },
    },
    need: {
      id: `${base}/activity-types/training-need`,
      prefLabel: { fr: 'besoin de formation', en: 'training need' },
      definition: { fr: 'Un outil, un thème, une compétence ou un texte libre souhaité pour une prochaine session.', en: 'A tool, theme, competence or free text wished for a future session.' },
    },
    incubator: {
      id: `${base}/activity-types/incubator`,
      prefLabel: { fr: 'la Fabrique', en: 'la Fabrique' },
      definition: { fr: "L'incubateur de projets transverses de l'académie (parent des déclarations sur un projet).", en: "The académie's incubator of cross-service projects (parent of the statements about a project)." },
    },
    project: {
      id: `${base}/activity-types/fabrique-project`,
      prefLabel: { fr: 'projet de la Fabrique', en: 'Fabrique project' },
      definition: { fr: 'Une proposition, puis un projet limité dans le temps : investigation, construction, accélération, puis transfert ou arrêt.', en: 'A proposal, then a time-boxed project: investigation, construction, acceleration, then transfer or stop.' },
    },
    deliverable: {
      id: `${base}/activity-types/fabrique-deliverable`,
      prefLabel: { fr: 'livrable', en: 'deliverable' },
      definition: { fr: "Un livrable daté du cadrage d'un projet de la Fabrique.", en: "A dated deliverable of a Fabrique project's framing." },
    },
  } satisfies Record<string, ActivityTypeConcept>;
}

export interface ExtensionConcept {
  id: string;
  type: 'ContextExtension' | 'ResultExtension' | 'ActivityExtension';
  prefLabel: LangMap;
  definition: LangMap;
  inlineSchema: Record<string, unknown>;
}

/** Extensions, all ours (no registry IRI says these things). */
export function extensions(base: string) {
  const ext = (name: string, type: ExtensionConcept['type'], fr: string, en: string, schema: Record<string, unknown>): ExtensionConcept => ({
    id: `${base}/extensions/${name}`,
    type,
    prefLabel: { fr: name, en: name },
    definition: { fr, en },
    inlineSchema: schema,
  });
  return {
    tool: ext('tool', 'ContextExtension', "L'outil numérique dont traite la session (ex. « OpenStreetMap »).", 'The digital tool the session is about (e.g. "OpenStreetMap").', { type: 'string' }),
    checkinMethod: ext('checkin-method', 'ContextExtension', 'Comment la présence a été enregistrée : code, qr ou manual.', 'How attendance was recorded: code, qr or manual.', { type: 'string', enum: ['code', 'qr', 'manual'] }),
    moment: ext(
      'moment',
      'ContextExtension',
      "Moment de l'auto-positionnement : before (avant la session), after (après), then (rétrospectif : « avant la session, j'étais… », demandé après).",
      'When the self-positioning was given: before the session, after it, or then (retrospective "before the session, I was…", asked after).',
      { type: 'string', enum: ['before', 'after', 'then'] },
    ),
    needType: ext('need-type', 'ContextExtension', 'Nature du besoin exprimé : tool, theme, competence ou free-text.', 'Kind of need: tool, theme, competence or free-text.', { type: 'string', enum: ['tool', 'theme', 'competence', 'free-text'] }),
    service: ext('service', 'ContextExtension', "Service de la personne (rectorat, DSDEN), transmis par le LMS au lancement.", "The person's service (rectorat, DSDEN), sent by the LMS at launch.", { type: 'string' }),
    jobFamily: ext('job-family', 'ContextExtension', 'Famille de métiers de la personne, transmise par le LMS au lancement.', "The person's job family, sent by the LMS at launch.", { type: 'string' }),
    certainty: ext('certainty', 'ResultExtension', 'Degré de certitude déclaré pour la réponse, de 1 à 4.', 'Declared certainty of the answer, 1 to 4.', { type: 'integer', minimum: 1, maximum: 4 }),
    usedSince: ext('used-since', 'ResultExtension', "A utilisé l'outil depuis la session.", 'Has used the tool since the session.', { type: 'boolean' }),
    frequency: ext('frequency', 'ResultExtension', "Fréquence d'utilisation déclarée.", 'Declared frequency of use.', { type: ['string', 'null'] }),
    purposes: ext('purposes', 'ResultExtension', 'Usages déclarés.', 'Declared purposes.', { type: 'array', items: { type: 'string' } }),
    obstacles: ext('obstacles', 'ResultExtension', 'Freins déclarés.', 'Declared obstacles.', { type: 'array', items: { type: 'string' } }),
    fromNeed: ext('from-need', 'ContextExtension', 'La proposition vient du tableau des besoins émergents.', 'The proposal comes from the emerging-needs dashboard.', { type: 'boolean' }),
    phase: ext('phase', 'ContextExtension', 'Phase du projet après la décision.', "The project's phase after the decision.", { type: 'string', enum: ['proposed', 'declined', 'investigation', 'construction', 'acceleration', 'transferred', 'stopped'] }),
    phaseFrom: ext('phase-from', 'ContextExtension', 'Phase du projet avant la décision.', "The project's phase before the decision.", { type: 'string', enum: ['proposed', 'declined', 'investigation', 'construction', 'acceleration', 'transferred', 'stopped'] }),
    teamRole: ext('team-role', 'ContextExtension', "Rôle dans l'équipe du projet : facilitator (animation), member, sponsor.", "Role in the project's team: facilitator, member, sponsor.", { type: 'string', enum: ['facilitator', 'member', 'sponsor'] }),
    // The Open Badges xAPI vocabulary (1EdTech openbadges-specification, xapi/): registry IRIs, not ours.
    badgeAssertion: {
      id: 'http://specification.openbadges.org/xapi/extensions/badgeassertion',
      type: 'ResultExtension',
      prefLabel: { fr: 'badgeassertion', en: 'badgeassertion' },
      definition: { fr: "L'assertion Open Badges 2.0 de l'attribution : { \"@id\": son adresse publique }.", en: 'The Open Badges 2.0 assertion of the award: { "@id": its public address }.' },
      inlineSchema: { type: 'object', required: ['@id'], properties: { '@id': { type: 'string' } } },
    } satisfies ExtensionConcept,
    badgeClass: {
      id: 'http://specification.openbadges.org/xapi/extensions/badgeclass',
      type: 'ActivityExtension',
      prefLabel: { fr: 'badgeclass', en: 'badgeclass' },
      definition: { fr: 'La classe de badge Open Badges 2.0 : { "@id", image, criteria, issuer }.', en: 'The Open Badges 2.0 badge class: { "@id", image, criteria, issuer }.' },
      inlineSchema: { type: 'object', required: ['@id'], properties: { '@id': { type: 'string' }, image: { type: 'string' }, criteria: { type: 'string' }, issuer: { type: 'string' } } },
    } satisfies ExtensionConcept,
  };
}

/** The IRI of the Instants profile (also the `category` activity of every statement). */
export const profileIri = (base: string) => `${base}/profile`;
/** The profile version this build emits. */
export const profileVersionIri = (base: string) => `${base}/profile/v1`;
