// `npm start`: runs the compiled JavaScript in production (after `npm run build`), TypeScript directly otherwise.
const fs = require('node:fs');
const path = require('node:path');
const compiled = path.join(__dirname, '..', 'dist', 'main.js');
if (process.env.NODE_ENV === 'production') {
  if (!fs.existsSync(compiled)) {
    process.stderr.write('instants: dist/main.js is missing; run `npm run build` before starting in production\n');
    process.exit(1);
  }
  require(compiled);
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'src', 'main.ts'));
}
