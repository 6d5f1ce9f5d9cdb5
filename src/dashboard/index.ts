/** The dashboard slice's public surface: its mount function, the rollup job's entry points and demo data. */
export { mountDashboard } from './dashboard.routes';
export { catchUp, rebuildRollups, runRollupBatch } from './rollup.service';
export { seedDemo } from './demo-seed';
export { protect, releaseMean, audit, Released, type CellInput, type Relation, type HiddenReason } from './disclosure';
export { dashboardPersonalData } from './personal-data';
