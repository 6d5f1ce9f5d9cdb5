import path from 'node:path';

/** The project root, whether running from `src/` (tsx) or from the compiled `dist/`. */
export const ROOT_DIR = path.resolve(__dirname, '..', '..');
export const VIEWS_DIR = path.join(ROOT_DIR, 'views');
export const LOCALES_DIR = path.join(ROOT_DIR, 'locales');
export const PUBLIC_DIR = path.join(ROOT_DIR, 'public');
export const MIGRATIONS_DIR = path.join(ROOT_DIR, 'migrations');
export const NODE_MODULES_DIR = path.join(ROOT_DIR, 'node_modules');
