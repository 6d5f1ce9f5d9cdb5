import type { Express } from 'express';
import { engine } from 'express-handlebars';
import type { HelperOptions } from 'handlebars';
import path from 'node:path';
import type { Translate } from './i18n';
import { VIEWS_DIR } from './paths';

type Root = { t?: Translate; locale?: string };

const root = (options: HelperOptions): Root => (options.data as { root: Root }).root;

/** Handlebars helpers available in every view. */
export const viewHelpers = {
  /** `{{t "slice.key" name=value}}`: a message from the locale catalogues. */
  t(key: string, options: HelperOptions): string {
    const t = root(options).t;
    return t ? t(key, options.hash as Record<string, unknown>) : key;
  },
  eq: (a: unknown, b: unknown) => a === b,
  not: (a: unknown) => !a,
  and: (a: unknown, b: unknown) => Boolean(a) && Boolean(b),
  or: (a: unknown, b: unknown) => Boolean(a) || Boolean(b),
  /** `{{date value}}` or `{{date value "datetime"}}` in the page's language. */
  date(value: unknown, ...args: unknown[]): string {
    const options = args[args.length - 1] as HelperOptions;
    const style = typeof args[0] === 'string' ? args[0] : 'date';
    if (value === null || value === undefined || value === '') return '';
    const d = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(d.getTime())) return '';
    const locale = root(options).locale === 'en' ? 'en-GB' : 'fr-FR';
    return new Intl.DateTimeFormat(locale, {
      dateStyle: 'long',
      ...(style === 'datetime' ? { timeStyle: 'short' } : {}),
      timeZone: 'Europe/Paris',
    }).format(d);
  },
  /** Embeds data for a page script as JSON safe inside a `<script type="application/json">`. */
  json: (value: unknown) => JSON.stringify(value ?? null).replace(/</g, '\\u003c'),
};

/** Sets up handlebars views with the shared layout, partials and helpers. */
export function setupViews(app: Express): void {
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(VIEWS_DIR, 'layouts'),
      partialsDir: path.join(VIEWS_DIR, 'partials'),
      helpers: viewHelpers,
    }),
  );
  app.set('view engine', 'hbs');
  app.set('views', VIEWS_DIR);
}
