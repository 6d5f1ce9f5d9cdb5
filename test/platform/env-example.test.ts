import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { ConfigError, loadConfig } from '../../src/platform/config';
import { ROOT_DIR } from '../../src/platform/paths';

describe('platform: .env.example', () => {
  const text = fs.readFileSync(path.join(ROOT_DIR, '.env.example'), 'utf8');
  const documented = [...text.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!);
  const source = fs.readFileSync(path.join(ROOT_DIR, 'src/platform/config.ts'), 'utf8');
  const schemaBlock = source.slice(source.indexOf('const EnvSchema'), source.indexOf('export type Env'));
  const read = [...schemaBlock.matchAll(/^\s{2}([A-Z_]+):/gm)].map((m) => m[1]!);

  it('documents every variable the configuration reads, and nothing else', () => {
    expect(documented.sort()).to.deep.equal(read.sort());
  });

  /** The comment a variable's line sits under: the `#` lines above it, over the other variables of its group. */
  const commentOf = (name: string) => {
    const lines = text.split('\n');
    const out: string[] = [];
    for (let i = lines.findIndex((l) => l.startsWith(`${name}=`)) - 1; i >= 0 && lines[i]!.trim() !== ''; i--) if (lines[i]!.startsWith('#')) out.unshift(lines[i]!.replace(/^#\s?/, ''));
    return out.join(' ');
  };

  it('says of each variable production cannot start without what the configuration says of it (required, the same on every instance, not to be changed)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-env-'));
    let problems: string[] = [];
    try {
      loadConfig({ NODE_ENV: 'production', DATA_DIR: dir }, dir);
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(':')[0])).to.include.members(['PUBLIC_URL', 'LTI_KEY', 'COOKIE_SECRET', 'PSEUDONYM_KEY', 'BADGE_SIGNING_KEYS']);
    for (const problem of problems) {
      const name = problem.split(':')[0]!;
      const comment = commentOf(name);
      expect(comment, name).to.match(/required in production/i);
      if (problem.includes('the same on every instance')) expect(comment, name).to.match(/the same on every instance/i);
      if (problem.includes('changing it later breaks')) expect(comment, name).to.match(/chang\w+ (it|either|them)?\s*later breaks/i);
    }
  });

  it('is itself a valid configuration', () => {
    const env = Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(() => loadConfig(env)).not.to.throw();
  });
});
