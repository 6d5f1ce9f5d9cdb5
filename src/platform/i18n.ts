import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { z } from 'zod';
import { LOCALES_DIR } from './paths';

/** The languages Instants speaks; French first. */
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const CatalogueFileSchema = z.record(z.string(), z.union([z.string(), z.record(z.string(), z.unknown())]));

/** Flat key → message catalogues per locale, read once from `locales/<locale>/*.json` (one file per slice). */
export type Catalogues = Record<Locale, Map<string, string>>;

function flatten(prefix: string, value: unknown, out: Map<string, string>, file: string): void {
  if (typeof value === 'string') {
    if (out.has(prefix)) throw new Error(`Duplicate message key ${prefix} in ${file}`);
    out.set(prefix, value);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out, file);
  } else {
    throw new Error(`Message ${prefix} in ${file} is not a string`);
  }
}

/** Loads every catalogue file; the file name (e.g. `lti.json`) is the first segment of its keys. */
export function loadCatalogues(dir = LOCALES_DIR): Catalogues {
  const result = {} as Catalogues;
  for (const locale of LOCALES) {
    const map = new Map<string, string>();
    const localeDir = path.join(dir, locale);
    for (const file of fs.readdirSync(localeDir).filter((f) => f.endsWith('.json')).sort()) {
      const full = path.join(localeDir, file);
      const data = CatalogueFileSchema.parse(JSON.parse(fs.readFileSync(full, 'utf8')));
      flatten(path.basename(file, '.json'), data, map, full);
    }
    for (const [key, message] of map) {
      if (!isIcuMessage(message)) continue;
      try {
        compile(compiled[locale], locale, message);
      } catch (err) {
        throw new Error(`Message ${key} of locales/${locale} is not a valid ICU message: ${(err as Error).message}`, { cause: err });
      }
    }
    result[locale] = map;
  }
  return result;
}

/**
 * A translate function bound to one locale: `t('home.title', { name })`. Plain `{name}` placeholders are
 * filled as they are; a message with ICU `plural`, `selectordinal` or `select` arguments
 * (`{count, plural, one {# session} other {# sessions}}`) is formatted by intl-messageformat.
 */
export type Translate = (key: string, vars?: Record<string, unknown>) => string;

const ICU_ARGUMENT = /\{\s*\w+\s*,\s*(?:plural|selectordinal|select)\s*,/;

/** Whether a message needs ICU formatting (plain messages keep their apostrophes and braces as written). */
export const isIcuMessage = (message: string) => ICU_ARGUMENT.test(message);

const fill = (template: string, vars: Record<string, unknown>) =>
  template.replace(/\{(\w+)\}/g, (m, name: string) => (vars[name] === undefined ? m : String(vars[name])));

/** Compiles an ICU message once; throws on a malformed one (loadCatalogues calls it at start-up). */
function compile(cache: Map<string, IntlMessageFormat>, locale: Locale, message: string): IntlMessageFormat {
  let f = cache.get(message);
  if (!f) cache.set(message, (f = new IntlMessageFormat(message, locale, undefined, { ignoreTag: true })));
  return f;
}

const compiled: Record<Locale, Map<string, IntlMessageFormat>> = { fr: new Map(), en: new Map() };

/** Returns the translator for a locale, falling back to French, then to the key itself. */
export function translator(catalogues: Catalogues, locale: Locale): Translate {
  return (key, vars) => {
    const own = catalogues[locale].get(key);
    const template = own ?? catalogues.fr.get(key) ?? key;
    if (!isIcuMessage(template)) return vars ? fill(template, vars) : template;
    const values = Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'string' ? v : String(v)]));
    try {
      return String(compile(compiled[own !== undefined ? locale : 'fr'], own !== undefined ? locale : 'fr', template).format(values));
    } catch {
      // A value left out: the plain placeholders still show what was given.
      return fill(template, values);
    }
  };
}

/** Picks a supported locale from a language tag such as `en-GB` or `fr_FR`, or undefined. */
export function matchLocale(tag: string | undefined | null): Locale | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === base);
}

/** Picks the best supported locale from an Accept-Language header. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const locale = matchLocale(tag);
    if (locale) return locale;
  }
  return undefined;
}
