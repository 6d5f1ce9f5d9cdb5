/**
 * The expected answer of every route to each of the six people of the access matrix
 * (test/access/matrix.test.ts), written from the access policy and the ownership model, never read back from
 * the routes' declarations. A new route adds its row here. Parameters are filled by matrix.support.ts: course
 * A's published session, resource, series, file; rows of other slices get an id that names nothing (404s).
 */

export const PEOPLE = ['anonymous', 'learnerA', 'organiserA', 'organiserB', 'organiserC', 'admin'] as const;
export type Person = (typeof PEOPLE)[number];
/** `ok`: answered (2xx, 3xx, or a 4xx about the empty form the matrix posts); otherwise the refusal's status. */
export type Cell = 'ok' | 401 | 403 | 404 | 405 | 'skip';
export type Row = Record<Person, Cell>;

const row = (anonymous: Cell, learnerA: Cell, organiserA: Cell, organiserB: Cell, organiserC: Cell, admin: Cell): Row => ({ anonymous, learnerA, organiserA, organiserB, organiserC, admin });

/** Anyone, launched or not. */
const PUBLIC = row('ok', 'ok', 'ok', 'ok', 'ok', 'ok');
/** Anyone launched from Moodle (a published session of A is open to every course's participants). */
const LAUNCHED = row(401, 'ok', 'ok', 'ok', 'ok', 'ok');
/** Organisers, each seeing their own course's things. */
const ORGANISER = row(401, 403, 'ok', 'ok', 'ok', 'ok');
/** Who manages A's session (or A's series): A's organisers and administrators; B only links it, C has nothing. */
const MANAGER = row(401, 403, 'ok', 403, 403, 'ok');
/** A's session seen by a course: B, which links it, sees its own people only. */
const LINKED = row(401, 403, 'ok', 'ok', 403, 'ok');
/** Académie-wide settings and operations. */
const ADMIN = row(401, 403, 403, 403, 403, 'ok');
/** The xAPI API: its own Basic credentials, which nobody of the matrix sends. */
const CREDENTIAL = row(401, 401, 401, 401, 401, 401);
/** The launch's single-use hand-over token, which nobody of the matrix holds. */
const NO_TOKEN = row(401, 401, 401, 401, 401, 401);
/** Deep linking needs a deep-linking launch, which none of the six made. */
const NOT_DEEP_LINKING = row(401, 403, 403, 403, 403, 403);
/** Routes of other slices reached with an id that names nothing. */
const PUBLIC_NONE = row(404, 404, 404, 404, 404, 404);
const LAUNCHED_NONE = row(401, 404, 404, 404, 404, 404);
const ORGANISER_NONE = row(401, 403, 404, 404, 404, 404);
const ADMIN_NONE = row(401, 403, 403, 403, 403, 404);

export const EXPECTED: Record<string, Row> = {
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'GET /': PUBLIC,
  'GET /home': LAUNCHED,

  // catalog: authoring (sessions of A), the catalogue, files
  'GET /organiser': ORGANISER,
  'GET /organiser/sessions/new': ORGANISER,
  'POST /organiser/sessions/new': ORGANISER,
  'GET /organiser/sessions/:id': LINKED,
  'POST /organiser/sessions/:id': MANAGER,
  'POST /organiser/sessions/:id/status': MANAGER,
  'POST /organiser/sessions/:id/duplicate': MANAGER,
  'POST /organiser/sessions/:id/co-organisers': MANAGER,
  'POST /organiser/sessions/:id/co-organisers/:course/remove': MANAGER,
  'GET /organiser/sessions/:id/resources': MANAGER,
  'POST /organiser/sessions/:id/resources': MANAGER,
  'GET /organiser/sessions/:id/resources/:rid': MANAGER,
  'POST /organiser/sessions/:id/resources/:rid': MANAGER,
  'POST /organiser/sessions/:id/resources/:rid/delete': MANAGER,
  'POST /organiser/sessions/:id/resources/:rid/move': MANAGER,
  'GET /organiser/series': ORGANISER,
  'POST /organiser/series': ORGANISER,
  'GET /organiser/series/:id': MANAGER,
  'POST /organiser/series/:id': MANAGER,
  'POST /organiser/series/:id/delete': MANAGER,
  'GET /organiser/frameworks': ORGANISER,
  'POST /organiser/frameworks': ADMIN,
  'GET /catalogue': LAUNCHED,
  'GET /files/:id': LAUNCHED,

  // placement: binding and deep linking
  'GET /lti/bind': ORGANISER,
  'POST /lti/bind': ORGANISER,
  'GET /lti/deep-linking': NOT_DEEP_LINKING,
  'POST /lti/deep-linking': NOT_DEEP_LINKING,

  // lti: protocol pages, registration, demo platform (ltijs's own /lti, /lti/login and /lti/keys are not express routes of ours)
  'GET /lti/autosubmit.js': PUBLIC,
  'GET /lti/cookies.js': PUBLIC,
  'GET /lti/storage.js': PUBLIC,
  'GET /lti/continue': NO_TOKEN,
  'POST /lti/resume': NO_TOKEN,
  'GET /lti/cookies': PUBLIC,
  'GET /lti/not-ready': LAUNCHED,
  'GET /lti/register': PUBLIC,
  'GET /lti/close-registration.js': PUBLIC,
  'GET /admin/lti': ADMIN,
  'POST /admin/lti/links': ADMIN,
  'POST /admin/lti/registrations/:id': ADMIN,
  'GET /demo/platform/autosubmit.js': PUBLIC,
  'GET /demo/platform/jwks': PUBLIC,
  'GET /demo/platform/auth': PUBLIC,
  'POST /demo/platform/auth': PUBLIC,
  'POST /demo/platform/token': PUBLIC,
  'POST /demo/platform/deep-linking/return': PUBLIC,
  'GET /demo': PUBLIC,
  'POST /demo/launch': PUBLIC,
  'GET /demo/frame/:key': PUBLIC_NONE,
  // the demo Moodle's services: the token endpoint refuses the empty form (400), the others want its bearer token
  'POST /demo/mod/lti/token.php': PUBLIC,
  'GET /demo/mod/lti/services.php/:contextId/lineitems': CREDENTIAL,
  'POST /demo/mod/lti/services.php/:contextId/lineitems': CREDENTIAL,
  'GET /demo/mod/lti/services.php/:contextId/lineitems/:itemId/lineitem': CREDENTIAL,
  'POST /demo/mod/lti/services.php/:contextId/lineitems/:itemId/lineitem/scores': CREDENTIAL,
  'GET /demo/mod/lti/services.php/CourseSection/:contextId/bindings/:typeId/memberships': CREDENTIAL,

  // people
  'GET /me/profile': LAUNCHED,
  'POST /me/profile': LAUNCHED,
  'GET /admin/people': ADMIN,
  'POST /admin/people/choices': ADMIN,
  'POST /admin/people/choices/:id/archive': ADMIN_NONE,
  'POST /admin/people/import': ADMIN,

  // privacy: one's own data; finding and erasing a person, the register, retention are académie-wide
  'GET /me/data': LAUNCHED,
  'GET /me/data/export.json': LAUNCHED,
  'GET /me/data/export.html': LAUNCHED,
  'GET /admin/privacy': ADMIN,
  'GET /admin/privacy/register': ADMIN,
  'GET /admin/privacy/retention': ADMIN,
  'GET /admin/privacy/people/:id': ADMIN_NONE,
  'POST /admin/privacy/people/:id/erase': ADMIN_NONE,
  'GET /admin/privacy/erasures/:id': ADMIN_NONE,
  // another Instants asking this LRS to erase one agent's statements, with its own credentials
  'POST /xapi/erasure': CREDENTIAL,

  // activities: participants' pages of A's published session, organisers' pages
  'GET /sessions/:id': LAUNCHED,
  'GET /sessions/:id/resources/:resourceId': LAUNCHED,
  // The QR code's address: anyone (a phone that never launched); a ticket naming nothing is a 404.
  'GET /c/:ticket': PUBLIC_NONE,
  'GET /sessions/:id/checkin': LAUNCHED,
  'POST /sessions/:id/checkin': LAUNCHED,
  'GET /sessions/:id/positioning': LAUNCHED,
  'POST /sessions/:id/positioning': LAUNCHED,
  'GET /sessions/:id/quiz': LAUNCHED,
  'POST /sessions/:id/quiz': LAUNCHED,
  'GET /sessions/:id/needs': LAUNCHED,
  'POST /sessions/:id/needs': LAUNCHED,
  'GET /sessions/:id/satisfaction': LAUNCHED,
  'POST /sessions/:id/satisfaction': LAUNCHED,
  'GET /sessions/:id/follow-up': LAUNCHED,
  'POST /sessions/:id/follow-up': LAUNCHED,
  'GET /organiser/sessions/:id/checkin': MANAGER,
  'GET /organiser/sessions/:id/checkin/count': MANAGER,
  'POST /organiser/sessions/:id/participants/present': MANAGER,
  'GET /organiser/sessions/:id/activities': MANAGER,
  'POST /organiser/sessions/:id/activities': MANAGER,
  'GET /organiser/sessions/:id/activities/quiz.txt': MANAGER,
  'GET /organiser/sessions/:id/participants': LINKED,
  'GET /organiser/offers': ORGANISER,
  // An offer of the organiser's course (the matrix's id names none: 404 for every organiser).
  'POST /organiser/offers/:id/take-up': ORGANISER_NONE,
  'POST /organiser/offers/:id/release': ORGANISER_NONE,
  'GET /organiser/wishes': ORGANISER,
  'POST /organiser/wishes/topics': ADMIN,
  'POST /organiser/wishes/topics/:topicId': ADMIN,
  'GET /me/sessions': LAUNCHED,
  'GET /me/offers': LAUNCHED,
  'POST /me/offers': LAUNCHED,

  // LRS and xAPI operations
  'GET /xapi/about': PUBLIC,
  'GET /xapi/activities': CREDENTIAL,
  'GET /xapi/agents': CREDENTIAL,
  'PUT /xapi/statements': CREDENTIAL,
  'POST /xapi/statements': CREDENTIAL,
  'GET /xapi/statements': CREDENTIAL,
  'PUT /xapi/activities/state': CREDENTIAL,
  'POST /xapi/activities/state': CREDENTIAL,
  'GET /xapi/activities/state': CREDENTIAL,
  'DELETE /xapi/activities/state': CREDENTIAL,
  'PUT /xapi/activities/profile': CREDENTIAL,
  'POST /xapi/activities/profile': CREDENTIAL,
  'GET /xapi/activities/profile': CREDENTIAL,
  'DELETE /xapi/activities/profile': CREDENTIAL,
  'PUT /xapi/agents/profile': CREDENTIAL,
  'POST /xapi/agents/profile': CREDENTIAL,
  'GET /xapi/agents/profile': CREDENTIAL,
  'DELETE /xapi/agents/profile': CREDENTIAL,
  'GET /admin/lrs': ADMIN,
  'POST /admin/lrs/credentials': ADMIN,
  'POST /admin/lrs/credentials/:key/revoke': ADMIN,
  'GET /admin/xapi': ADMIN,
  'POST /admin/xapi/replay': ADMIN,
  'POST /admin/xapi/resend': ADMIN,

  // grades: a linking course's own people; the score setting is the session's
  'GET /organiser/sessions/:id/grades': LINKED,
  'POST /organiser/sessions/:id/grades/retry': LINKED,
  'POST /organiser/sessions/:id/grades/settings': MANAGER,
  'GET /organiser/sessions/:id/roster': LINKED,
  'POST /organiser/sessions/:id/roster/refresh': LINKED,

  // dashboards: each organiser's own course
  'GET /organiser/dashboard': ORGANISER,
  'GET /organiser/dashboard/sessions': ORGANISER_NONE,
  // a session's figures: its organisers see everyone, B (which links it) its own participants only
  'GET /organiser/dashboard/sessions/:id': LINKED,
  'GET /organiser/dashboard/competences': ORGANISER,
  'POST /organiser/dashboard/competences/targets': ADMIN,
  'GET /organiser/dashboard/needs': ORGANISER,

  // la Fabrique (its committee and staffing groups: administrators here)
  'GET /fabrique': LAUNCHED,
  'GET /fabrique/proposals': LAUNCHED,
  'GET /fabrique/proposals/new': LAUNCHED,
  'POST /fabrique/proposals/new': LAUNCHED,
  'GET /fabrique/proposals/similar': LAUNCHED,
  'GET /fabrique/projects/:id': LAUNCHED_NONE,
  'POST /fabrique/projects/:id/support': LAUNCHED_NONE,
  'POST /fabrique/projects/:id/comments': LAUNCHED_NONE,
  'GET /fabrique/committee': ADMIN,
  'POST /fabrique/projects/:id/decision': ADMIN,
  'GET /fabrique/projects/:id/framing': ADMIN_NONE,
  'POST /fabrique/projects/:id/framing': ADMIN_NONE,
  'GET /fabrique/projects/:id/review': ADMIN_NONE,
  'POST /fabrique/projects/:id/review': ADMIN_NONE,
  'POST /fabrique/projects/:id/impact': LAUNCHED_NONE,
  'GET /fabrique/projects/:id/sheet': ADMIN_NONE,
  'GET /fabrique/committee/dashboard': ADMIN,
  'GET /fabrique/committee/members': ADMIN,
  'POST /fabrique/committee/members': ADMIN,
  'GET /fabrique/me/directory': LAUNCHED,
  'POST /fabrique/me/directory': LAUNCHED,
  'POST /fabrique/me/directory/consent': LAUNCHED,
  'GET /fabrique/reminder': LAUNCHED,
  'GET /fabrique/directory': ADMIN,
  'POST /fabrique/directory/invite': ADMIN,
  'GET /fabrique/me/teams': LAUNCHED,
  'POST /fabrique/invitations/:id': LAUNCHED,
  'POST /fabrique/invitations/:id/leave': LAUNCHED_NONE,
  'POST /fabrique/invitations/:id/commitment': LAUNCHED,
  'GET /fabrique/board': LAUNCHED,
  'GET /fabrique/board/kiosk': LAUNCHED,
  'GET /fabrique/projects/:id/team': LAUNCHED_NONE,
  'POST /fabrique/projects/:id/team/progress': LAUNCHED,
  'POST /fabrique/projects/:id/deliverables/:did': LAUNCHED,

  // badges: public Open Badges documents, the learner's badges, organisers' badge classes
  'GET /badges/issuer': PUBLIC,
  // what a session or a series awards, read-only, for anyone launched (a published session of A is open to all)
  'GET /sessions/:id/badges': LAUNCHED,
  'GET /series/:id/badges': LAUNCHED,
  'GET /badges/did.json': PUBLIC,
  'GET /badges/jwks.json': PUBLIC,
  'GET /badges/revocations': PUBLIC,
  'GET /badges/status/1': PUBLIC,
  'GET /badges/issuer/image': PUBLIC,
  'GET /badges/classes/:id': PUBLIC_NONE,
  'GET /badges/classes/:id/image': PUBLIC_NONE,
  'GET /badges/assertions/:id': PUBLIC_NONE,
  'GET /badges/assertions/:id/badge.png': PUBLIC_NONE,
  'GET /badges/assertions/:id/badge.svg': PUBLIC_NONE,
  'GET /badges/assertions/:id/credential.png': PUBLIC_NONE,
  'GET /badges/assertions/:id/credential.json': PUBLIC_NONE,
  'GET /badges/assertions/:id/credential.jwt': PUBLIC_NONE,
  'GET /badges/verify': PUBLIC,
  'POST /badges/verify': PUBLIC,
  'GET /badges/mine': LAUNCHED,
  'POST /badges/mine/consent': LAUNCHED,
  'POST /badges/mine/:id/visibility': LAUNCHED,
  'GET /badges/mine/:id/add': LAUNCHED_NONE,
  'GET /organiser/badges': ORGANISER,
  'GET /organiser/badges/awards': ORGANISER,
  'GET /organiser/badges/new': ORGANISER,
  'POST /organiser/badges/new': ORGANISER,
  'GET /organiser/badges/:id': ORGANISER_NONE,
  'GET /organiser/badges/:id/edit': ORGANISER_NONE,
  'POST /organiser/badges/:id/edit': ORGANISER_NONE,
  'POST /organiser/badges/:id/archive': ORGANISER_NONE,
  'POST /organiser/badges/:id/award': ORGANISER_NONE,
  'POST /organiser/badges/:id/awards/:awardId/revoke': ORGANISER_NONE,
};
