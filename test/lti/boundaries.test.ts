import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';

const LTI = path.join(__dirname, '..', '..', 'src', 'lti');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Issue #12: the lti slice knows who launches, not what a session is; it asks other slices through ctx ports. */
describe('lti: slice boundaries', () => {
  it('imports nothing from another slice, only the platform and its own files', () => {
    const offending: string[] = [];
    for (const file of sources(LTI)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bfrom\s+'(\.[^']+)'/g)) {
        const target = path.resolve(path.dirname(file), m[1]!);
        const inside = target.startsWith(LTI + path.sep) || target === LTI;
        const platform = target.startsWith(path.join(LTI, '..', 'platform'));
        if (!inside && !platform) offending.push(`${path.relative(LTI, file)} → ${m[1]}`);
      }
    }
    expect(offending).to.deep.equal([]);
  });
});
