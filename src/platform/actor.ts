/**
 * The person using Instants, as established by an LTI launch (built by the lti slice, which re-exports this
 * type). Services receive this, never `req`. It lives in the platform so that the access policy can read it.
 */
export interface Actor {
  /** Our id for the person (lti_users.id). */
  userId: string;
  issuer: string;
  sub: string;
  name: string | null;
  email: string | null;
  /** Service and job family from the launch's custom parameters (for dashboards), when the LMS sends them. */
  service: string | null;
  jobFamily: string | null;
  role: 'participant' | 'organiser';
  /** Institution or system administrator on the platform: sees every course. */
  isAdmin: boolean;
  launchId: string;
  deploymentId: string;
  /** Our id for the LMS course (lti_contexts.id), and its LMS-side id and title. */
  contextRef: string | null;
  contextId: string | null;
  contextTitle: string | null;
  /** Our id for the resource link (lti_resource_links.id) and the Instants session bound to it. */
  resourceLinkRef: string | null;
  sessionId: string | null;
  locale: string | null;
  returnUrl: string | null;
  /** Where the platform shows Instants (`launch_presentation.document_target`: `iframe`, `frame`, `window`), when it says. */
  documentTarget: string | null;
}
