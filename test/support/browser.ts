import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser as PwBrowser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { TestApp } from './app';
import { SESSION_COOKIE } from '../../src/platform/session';
import type { Browser } from './http';

/**
 * Shared Playwright helpers for browser tests: Debian's chromium, headless, with no network beyond what the
 * page asks of our loopback server. Reuse `withPage` rather than launching chromium by hand.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches headless chromium; close it when done (`withPage` does). */
export function launchChromium(): Promise<PwBrowser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface PageOptions {
  /** Signed-in cookies to carry: pass the `browser` returned by `signIn(t, …)`. */
  signedIn?: Browser;
  locale?: string;
  /** False to try a page as a browser without script (progressive enhancement). */
  javaScriptEnabled?: boolean;
  /** The window's size, e.g. `{ width: 390, height: 844 }` for a phone. */
  viewport?: { width: number; height: number };
  /** More context settings, e.g. `PHONE` (viewport, touch, a phone's user agent). */
  context?: BrowserContextOptions;
}

/** A 390×844 phone with touch, whose user agent Moodle reads as mobile (it then launches tools in the same window). */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
};

/** Puts the cookies of a `signIn` browser (session, CSRF…) into a Playwright context for the app's origin. */
export async function addSignedInCookies(context: BrowserContext, t: TestApp, signedIn: Browser): Promise<void> {
  const names = [SESSION_COOKIE, 'instants.csrf', 'instants_lang'];
  const cookies = names.flatMap((name) => {
    const value = signedIn.cookie(name);
    return value === undefined ? [] : [{ name, value, url: t.url }];
  });
  await context.addCookies(cookies);
}

/**
 * Opens chromium, a context (signed in when asked) and a page, runs `fn`, and always closes everything.
 * Only loopback requests are allowed; anything else is aborted so a test can never reach the Internet.
 */
export async function withPage<T>(t: TestApp, fn: (page: Page, context: BrowserContext) => Promise<T>, options: PageOptions = {}): Promise<T> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({
      locale: options.locale ?? 'fr-FR',
      baseURL: t.url,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      ...(options.viewport ? { viewport: options.viewport } : {}),
      ...options.context,
    });
    await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
    if (options.signedIn) await addSignedInCookies(context, t, options.signedIn);
    const page = await context.newPage();
    return await fn(page, context);
  } finally {
    await browser.close();
  }
}

/** An accessibility violation as reported by axe-core. */
export interface A11yViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = fs.readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the current page and returns the serious and critical
 * violations; a test asserts the list is empty so the report names what failed.
 */
export async function checkA11y(page: Page, options: { minImpact?: 'serious' | 'critical' | 'moderate' } = {}): Promise<A11yViolation[]> {
  // Injected through evaluate (not a <script> tag) so the page's CSP does not block it.
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  // The page at rest: a button's colours mid-transition (focus, hover) are neither its start nor its end.
  // (An endless animation, a spinner, is not waited for beyond 2 s.)
  await page.evaluate(() => Promise.race([Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))), new Promise((resolve) => setTimeout(resolve, 2000))]));
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  )) as { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> };
  const levels = ['minor', 'moderate', 'serious', 'critical'];
  const min = levels.indexOf(options.minImpact ?? 'serious');
  return result.violations
    .filter((v) => levels.indexOf(v.impact ?? 'minor') >= min)
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Fails with the violations listed when axe-core finds a serious or critical one on the page (`what` names the page). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await checkA11y(page);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
}
