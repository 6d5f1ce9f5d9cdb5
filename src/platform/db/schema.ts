/** The whole Drizzle schema: each slice declares its own tables, mirrored by its SQL migrations. */
export * from "./platform.tables";
export * from '../../lti/lti.tables';
export * from '../../lrs/lrs.tables';
export * from '../../xapi/xapi.tables';
export * from '../../catalog/catalog.tables';
export * from '../../activities/activities.tables';
export * from '../../dashboard/dashboard.tables';
export * from '../../grades/grades.tables';
export * from '../../fabrique/fabrique.tables';
export * from '../../people/people.tables';
export * from '../../badges/badges.tables';
export * from '../../privacy/privacy.tables';
