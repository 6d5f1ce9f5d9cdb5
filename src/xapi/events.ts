/**
 * The learning events of Instants: what the activities slice hands to `recordEvents`, and what the
 * statement builder turns into xAPI statements (one statement per event, see xapi/profile). Contract
 * between the activities and xapi slices: extend it here, never bypass it.
 */

/** Who did it: the LMS identity; the builder pseudonymises it (HMAC of issuer + sub). */
export interface EventActor {
  issuer: string;
  sub: string;
  /** The person's service and job family, written as context extensions for dashboards when known. */
  service?: string | null;
  jobFamily?: string | null;
}

/** The Instants session the event belongs to, with what the statement's context needs. */
export interface EventSession {
  id: string;
  title: string;
  /** The digital tool the session is about (e.g. "OpenStreetMap"). */
  tool: string | null;
  seriesId: string | null;
  seriesTitle: string | null;
  /** The LMS course (LTI context) the participant launched from, if any. */
  course: { issuer: string; contextId: string; title: string | null } | null;
  /** Targeted competence codes (e.g. CRCN "2.3"), with the framework id (e.g. "crcn"). */
  competences: Array<{ framework: string; code: string; title: string }>;
}

interface EventBase {
  /** Fixed at creation: the statement id. Omit to let the builder draw one. */
  id?: string;
  actor: EventActor;
  session: EventSession;
  at: Date;
  /** Page language of the participant ("fr" or "en"). */
  language: string;
}

export type LearningEvent =
  | (EventBase & { kind: 'launched' })
  | (EventBase & { kind: 'attended'; method: 'code' | 'qr' | 'manual' })
  | (EventBase & { kind: 'resource-opened'; resource: { id: string; title: string; type: 'link' | 'video' | 'slides' | 'document'; url: string } })
  | (EventBase & {
      kind: 'question-answered';
      quiz: { id: string; title: string };
      question: {
        id: string;
        text: string;
        interactionType: 'choice';
        choices: Array<{ id: string; text: string }>;
        correct: string[];
        competence: string | null;
      };
      response: string[];
      success: boolean;
      /** Certainty level 1–4 when the quiz asks for it. */
      certainty: number | null;
    })
  | (EventBase & {
      kind: 'quiz-completed';
      quiz: { id: string; title: string; masteryScore: number };
      score: { raw: number; max: number };
      passed: boolean;
      durationSeconds: number | null;
    })
  | (EventBase & {
      kind: 'self-positioned';
      competence: { framework: string; code: string; title: string };
      /** Level 1–8 on the CRCN scale (the four-step answer mapped to its band). */
      level: number;
      /** before: prospective, before the session; after: after it; then: retrospective "before, I was…". */
      moment: 'before' | 'after' | 'then';
    })
  | (EventBase & {
      kind: 'need-expressed';
      /** A tool or theme from the organisers' list, a CRCN competence, or free text. */
      need: { type: 'tool' | 'theme' | 'competence' | 'free-text'; id: string | null; label: string };
    })
  | (EventBase & { kind: 'rated'; rating: { value: number; max: number }; comment: string | null })
  | (EventBase & {
      kind: 'follow-up-completed';
      usedSince: boolean;
      frequency: string | null;
      purposes: string[];
      obstacles: string[];
    })
  | (EventBase & { kind: 'session-completed'; score: { scaled: number } | null })
  /** The actor presents (hosts) the session: their "I can present" offer was taken up for it by an organiser. */
  | (EventBase & { kind: 'session-presented' });

export type LearningEventKind = LearningEvent['kind'];

/**
 * Voids statements Instants recorded earlier (xAPI Data §2.3.2): one voiding statement per id, its actor the
 * person who undid the decision (an organiser), no context beyond the language and the profile category.
 */
export interface VoidingEvent {
  /** Fixed at creation: the voiding statement id. Omit to let the builder draw one. */
  id?: string;
  actor: EventActor;
  /** The statement to void. */
  target: string;
  at: Date;
  language: string;
}
