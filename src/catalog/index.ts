/** The catalog slice's public surface: sessions, series, resources and competence frameworks. */
export { getSession, searchSessions, eventSessionFor, type EventCourse } from './catalog.service';
export type { CatalogSession, SessionCompetence, SessionSearch, SessionStatus } from './catalog.repo';
export { mountCatalog } from './catalog.routes';
