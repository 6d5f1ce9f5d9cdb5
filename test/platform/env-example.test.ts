import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/platform/config';
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

  it('is itself a valid configuration', () => {
    const env = Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(() => loadConfig(env)).not.to.throw();
  });
});
