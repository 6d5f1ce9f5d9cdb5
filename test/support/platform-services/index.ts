/** The Moodle services simulator (token endpoint, AGS, NRPS) and helpers to give a tool a key for it. */
export { MEDIA, SIM_SCOPES, startPlatformServices, type PlatformServices, type ScorePost } from './server';
export { makeToolKey, type ToolKey } from './keys';
export type { SimGrade, SimLineItem, SimMember, SimTool } from './types';
