import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { LOCALES, loadCatalogues, translator } from '../../src/platform/i18n';
import { argumentsOf } from '../support/messages';
import { ROOT_DIR } from '../../src/platform/paths';

/**
 * Renders every message of both catalogues with its parameters, as pages do, and reads every call site of
 * `t` in the code and the views: a message must come out with no brace left, and the code must pass
 * exactly the parameters the message uses (a missing one prints "{name}", an unused one is lost text).
 */

const catalogues = loadCatalogues();

/** Messages whose braces are text (an example of JSON), not placeholders. */
const LITERAL_BRACES = new Set(['catalog.frameworks.import_help']);

/** A value for each argument that shows where it lands, a number so that plural arguments accept it. */
function valuesFor(names: string[], n: number): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, n]));
}

interface CallSite {
  key: string;
  params: string[];
  where: string;
}

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Splits an object literal's body at top-level commas and keeps the property names. */
function objectKeys(body: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const keys: string[] = [];
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_$][\w$]*)\s*(?::|$)/.exec(part);
    if (!m) return undefined; // a spread or a computed key: the parameters are not known statically
    keys.push(m[1]!);
  }
  return keys.sort();
}

/** The object literal starting at `open` (a `{`), or undefined when it does not close on the same call. */
function literalAt(source: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return source.slice(open + 1, i);
  }
  return undefined;
}

function codeCallSites(): CallSite[] {
  const sites: CallSite[] = [];
  for (const file of filesUnder(path.join(ROOT_DIR, 'src'), '.ts')) {
    const source = fs.readFileSync(file, 'utf8');
    // t('slice.key'), t('slice.key', { a, b: x }): a literal key; template-literal keys are not checked here.
    for (const m of source.matchAll(/\bt\(\s*'([a-z][\w-]*\.[\w.-]+)'\s*(,\s*\{)?/g)) {
      const before = source.slice(0, m.index);
      const line = before.slice(before.lastIndexOf('\n') + 1).trimStart();
      if (line.startsWith('*') || line.startsWith('/*') || line.startsWith('//')) continue; // an example in a comment
      const where = `${path.relative(ROOT_DIR, file)}:${before.split('\n').length}`;
      if (!m[2]) {
        const after = source.slice(m.index + m[0].length).trimStart();
        if (after.startsWith(')')) sites.push({ key: m[1]!, params: [], where });
        continue;
      }
      const body = literalAt(source, m.index + m[0].length - 1);
      const params = body === undefined ? undefined : objectKeys(body);
      if (params) sites.push({ key: m[1]!, params, where });
    }
  }
  return sites;
}

function viewCallSites(): CallSite[] {
  const sites: CallSite[] = [];
  for (const file of filesUnder(path.join(ROOT_DIR, 'views'), '.hbs')) {
    const source = fs.readFileSync(file, 'utf8');
    // {{t "slice.key" a=x b="y"}} and (t "slice.key" a=x) in sub-expressions.
    for (const m of source.matchAll(/[{(]t\s+"([\w.-]+)"((?:\s+[\w-]+=(?:"[^"]*"|\([^)]*\)|[^\s})]+))*)\s*[})]/g)) {
      const params = [...m[2]!.matchAll(/([\w-]+)=/g)].map((p) => p[1]!).sort();
      sites.push({ key: m[1]!, params, where: `${path.relative(ROOT_DIR, file)}:${source.slice(0, m.index).split('\n').length}` });
    }
  }
  return sites;
}

describe('platform: every message renders whole, in both languages', () => {
  for (const locale of LOCALES) {
    it(`leaves no brace in any ${locale} message rendered with its parameters (one and several)`, () => {
      const t = translator(catalogues, locale);
      const broken: string[] = [];
      for (const [key, message] of catalogues[locale]) {
        if (LITERAL_BRACES.has(key)) continue;
        const names = argumentsOf(message);
        for (const n of [1, 2]) {
          const out = t(key, valuesFor(names, n));
          if (/[{}]/.test(out)) broken.push(`${key}: ${out}`);
        }
      }
      expect(broken).to.deep.equal([]);
    });
  }

  it('finds the call sites it checks (the scan itself works)', () => {
    expect(codeCallSites().length).to.be.greaterThan(100);
    expect(viewCallSites().length).to.be.greaterThan(300);
  });

  it('has every key the code and the views use in both catalogues', () => {
    const missing = [...codeCallSites(), ...viewCallSites()]
      .flatMap((s) => LOCALES.filter((l) => !catalogues[l].has(s.key)).map((l) => `${s.where}: ${s.key} (${l})`));
    expect(missing).to.deep.equal([]);
  });

  it('passes every parameter a message uses, and none it does not, at every call site', () => {
    const problems: string[] = [];
    for (const site of [...codeCallSites(), ...viewCallSites()]) {
      for (const locale of LOCALES) {
        const message = catalogues[locale].get(site.key);
        if (message === undefined) continue;
        const used = argumentsOf(message);
        const missing = used.filter((n) => !site.params.includes(n));
        const unused = site.params.filter((n) => !used.includes(n));
        if (missing.length) problems.push(`${site.where}: ${site.key} (${locale}) needs ${missing.join(', ')}`);
        if (unused.length) problems.push(`${site.where}: ${site.key} (${locale}) does not use ${unused.join(', ')}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});
