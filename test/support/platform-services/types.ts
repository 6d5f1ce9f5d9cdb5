/** The simulator's names for the services' types (src/lti/demo/services.types.ts). */
export type { CourseMember as SimMember, Grade as SimGrade, LineItem as SimLineItem, ServiceTool as SimTool } from '../../../src/lti';
