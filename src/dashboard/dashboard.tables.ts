/** Drizzle tables of the dashboard slice; keep in step with its SQL migrations in migrations/. */
export {};
