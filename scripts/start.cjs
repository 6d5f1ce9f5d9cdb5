// `npm start`: runs the compiled JavaScript in production (after `npm run build`), TypeScript directly otherwise.
// NODE_ENV may come from the environment or from .env in the working directory (the environment wins).
const fs = require('node:fs');
const path = require('node:path');

function nodeEnv() {
  if (process.env.NODE_ENV) return process.env.NODE_ENV;
  try {
    return require('dotenv').parse(fs.readFileSync(path.join(process.cwd(), '.env'))).NODE_ENV;
  } catch {
    return undefined;
  }
}

const compiled = path.join(__dirname, '..', 'dist', 'main.js');
if (nodeEnv() === 'production') {
  if (!fs.existsSync(compiled)) {
    process.stderr.write('instants: dist/main.js is missing; run `npm run build` before starting in production\n');
    process.exit(1);
  }
  require(compiled);
} else {
  try {
    require.resolve('tsx/cjs');
  } catch {
    process.stderr.write(
      'instants: this install has no development dependencies (tsx), so it can only run the build: set NODE_ENV=production' +
        (fs.existsSync(compiled) ? '' : ' after `npm run build`') + ', or install them with `npm ci --include=dev`\n',
    );
    process.exit(1);
  }
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'src', 'main.ts'));
}
