// `npm run build`: compiles src/ into dist/ with TypeScript. TypeScript is a development dependency: build
// where they are installed (`npm ci`), then drop them (`npm prune --omit=dev`) or copy dist/ to a machine
// installed with `npm ci --omit=dev`. See the README, "Running it in production".
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  process.stderr.write(
    'instants: npm run build needs the development dependencies (TypeScript), which this install does not have\n' +
      '  (installed with --omit=dev, or with NODE_ENV=production). Build with them, then remove them:\n' +
      '    npm ci --include=dev && npm run build && npm prune --omit=dev\n',
  );
  process.exit(1);
}
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
