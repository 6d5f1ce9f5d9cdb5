/** Drizzle tables of the lrs slice; keep in step with its SQL migrations in migrations/. */
export {};
