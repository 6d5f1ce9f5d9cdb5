/** Drizzle tables of the xapi slice; keep in step with its SQL migrations in migrations/. */
export {};
