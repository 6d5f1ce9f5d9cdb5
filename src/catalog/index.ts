/** The catalog slice's public surface: sessions, series, resources and competence frameworks. */
export {
  eventSessionFor,
  getSession,
  listDefaultCompetences,
  listSessionResources,
  searchSessions,
  type EventCourse,
} from './catalog.service';
export type { CatalogSession, SessionCompetence, SessionSearch, SessionStatus } from './catalog.repo';
export { fileUrl, type SessionResource } from './resources.service';
export { mountCatalog } from './catalog.routes';
export { sessionsPresentedBy } from './presented';
export { courseMayLink, launchMayLink, managesSession, relationOf, sessionAccessFor } from './ownership';
export { listLinkableSessions, sessionToLink, type LinkableSession } from './linking.service';
export { listOrganiserSessions } from './sessions.service';
export { createDemoCatalog, hasSeries, type DemoCatalogRecord, type DemoCatalogSession } from './demo-catalog';
export { formatWhen, statusBadge } from './catalog.present';
export { instantToParis, parisToInstant } from './paris-time';
export { catalogPersonalData } from './personal-data';
