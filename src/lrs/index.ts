/** The lrs slice's public surface: the statement store shared with the xapi slice, and the LRS HTTP API. */
export { storeStatements, validateStatements, SYSTEM_AUTHORITY, type StoreOptions } from './store.service';
export { statementSchema, type XapiVersion } from './statement.schema';
export { actorKey, ifiOf, referencesOf } from './ifi';
export { mountLrs } from './lrs.routes';
export { findAttachments } from './statements.query';
export { buildMultipart } from './multipart';
export { lrsPersonalData } from './personal-data';
export { exportPerson, personIfi, purgeBefore, removeAgentNames, removeAuditLines, removeDocumentsOf, removeStatementsNaming, statementsNaming, type AfterRemoval } from './privacy.service';
export { basicAuth as lrsBasicAuth, lrsOf, requireScope } from './http';
