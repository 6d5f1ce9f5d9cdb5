// PGlite's contrib extensions are published as package subpath exports, which this project's
// `moduleResolution: node10` cannot see; node's runtime resolves them as usual.
declare module '@electric-sql/pglite/contrib/pg_trgm' {
  import type { Extension } from '@electric-sql/pglite';
  export const pg_trgm: Extension;
}
