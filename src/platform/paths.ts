import fs from 'node:fs';
import path from 'node:path';

/** The project root, whether running from `src/` (tsx) or from the compiled `dist/`. */
export const ROOT_DIR = path.resolve(__dirname, '..', '..');
export const VIEWS_DIR = path.join(ROOT_DIR, 'views');
export const LOCALES_DIR = path.join(ROOT_DIR, 'locales');
export const PUBLIC_DIR = path.join(ROOT_DIR, 'public');
export const MIGRATIONS_DIR = path.join(ROOT_DIR, 'migrations');
export const NODE_MODULES_DIR = path.join(ROOT_DIR, 'node_modules');

/** Files of dependencies served at run time (/assets/vendor): without them pages are unstyled and charts empty. */
export const RUNTIME_ASSETS = ['bootstrap/dist/css/bootstrap.min.css', 'bootstrap/dist/js/bootstrap.bundle.min.js', 'chart.js/dist/chart.umd.js'];

/** The runtime assets missing from node_modules (an install without its dependencies), none normally. */
export function missingRuntimeAssets(dir = NODE_MODULES_DIR): string[] {
  return RUNTIME_ASSETS.filter((file) => !fs.existsSync(path.join(dir, file)));
}
