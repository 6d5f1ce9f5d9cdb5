/** The dashboard slice's public surface: its mount function, the rollup job's entry points and demo data. */
export { mountDashboard } from './dashboard.routes';
export { catchUp, rebuildRollups, runRollupBatch } from './rollup.service';
export { seedDemo, type DemoAttendance, type DemoSessionRecord } from './demo-seed';
export { planDemoSessions, type DemoQuestion, type DemoSessionPlan } from './demo-plan';
export { protect, releaseMean, audit, Released, type CellInput, type Relation, type HiddenReason } from './disclosure';
export { dashboardPersonalData } from './personal-data';
