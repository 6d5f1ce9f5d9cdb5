/** Drizzle tables of the catalog slice; keep in step with its SQL migrations in migrations/. */
export {};
