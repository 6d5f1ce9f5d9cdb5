/**
 * Demonstration data joining the slices (the way `src/placement` joins lti and catalog): `seed --demo`
 * creates the demo course's sessions, activities, attendances and learning records through each slice's
 * public surface. The demo Moodle itself is the lti slice's (`src/lti/demo`).
 */
export { DEMO_SERIES, seedDemoYear, type DemoYearOptions, type DemoYearResult } from './demo-year.service';
