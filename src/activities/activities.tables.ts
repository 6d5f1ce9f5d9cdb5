/** Drizzle tables of the activities slice; keep in step with its SQL migrations in migrations/. */
export {};
