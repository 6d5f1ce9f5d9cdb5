/** The xapi slice's public surface: recording learning events as statements, the builder, the outbox. */
export type { EventActor, EventSession, LearningEvent, LearningEventKind, VoidingEvent } from './events';
export { LearningEventSchema } from './events.schema';
export { FabriqueEventSchema, buildFabriqueStatements, fabriqueIris, type EventProject, type FabriqueEvent, type FabriqueEventKind } from './fabrique.events';
export { recordEvents, recordVoiding, enqueueForwarding, prepareStatements, buildDepsOf, type RecordDeps } from './record.service';
export { buildStatements, buildVoidingStatement, activityIris, type BuildDeps } from './statement.builder';
export { StatementSchema, VoidingStatementSchema, type Statement, type VoidingStatement } from './statement.schema';
export { pseudonymOf, registrationOf } from './pseudonym';
export { buildProfileDocument } from './profile';
export { enqueueOutbox, Outbox, type DeliveryOutcome, type NewOutboxRow, type OutboxHandler, type OutboxItem } from './outbox/outbox';
export { outboxOf } from './outbox/registry';
export { mountXapi, OUTBOX_JOB } from './xapi.routes';
export { VERBS, activityTypes, extensions, profileIri } from './vocabulary';
export { xapiPersonalData } from './personal-data';
export { copiesOf, deleteCopiesOf, deleteOutboxRowsOf, type HeldCopies } from './forwarding/copies.repo';
export { erasureRequestsOf, queueErasureRequests, INSTANTS_LRS_EXTENSION, ERASURE_OUTBOX_KIND } from './forwarding/erasure.handler';
export { listDestinations } from './forwarding/destinations';
