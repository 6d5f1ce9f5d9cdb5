/** Drizzle tables of the lti slice; keep in step with its SQL migrations in migrations/. */
export {};
