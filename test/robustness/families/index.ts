import type { Family } from '../world';
import { ltiFamily } from './lti';
import { routesFamily } from './routes';
import { xapiFamily } from './xapi';

/**
 * The families of hostile input the robustness suite runs, each against every role. To add one (the xAPI
 * statements and document requests, say), write `families/<name>.ts` exporting a `Family` and list it here.
 */
export const FAMILIES: Family[] = [routesFamily, ltiFamily, xapiFamily];
