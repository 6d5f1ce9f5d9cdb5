import { expect } from 'chai';
import type { TestApp } from './app';
import { Browser, csrfTokenFrom } from './http';
import { formFrom } from './lti-simulator';

/**
 * Walks a launch from the demo Moodle (`/demo`, app started with `DEMO=true`) like a browser without
 * script: the launch form, the login initiation, the platform's authorisation, the id_token post, then
 * Instants' redirects. `fields` are the demo form's (persona, display, sessionId, as); `display: 'window'`
 * gets the initiation page straight away (the framed mode goes through `/demo/frame/:key` first).
 */
export async function demoLaunch(t: TestApp, fields: Record<string, string>): Promise<{ browser: Browser; res: Response; location: string }> {
  const browser = new Browser(t.url);
  const page = await (await browser.get('/demo')).text();
  const start = await browser.postForm('/demo/launch', { _csrf: csrfTokenFrom(page), display: 'window', ...fields });
  expect(start.status).to.equal(200);
  let html = await start.text();
  const frame = /<iframe[^>]+src="(\/demo\/frame\/[^"]+)"/.exec(html);
  if (frame) html = await (await browser.get(frame[1]!)).text();
  const initiation = formFrom(html);
  const login = await browser.postForm(new URL(initiation.action).pathname, initiation.fields);
  expect(login.status).to.equal(302);
  const next = new URL(login.headers.get('location')!);
  const auth = await browser.get(next.pathname + next.search);
  const idForm = formFrom(await auth.text());
  let res = await browser.postForm(new URL(idForm.action).pathname, idForm.fields);
  let location = '';
  for (let hops = 0; (res.status === 303 || res.status === 302) && hops < 10; hops++) {
    location = res.headers.get('location')!;
    res = await browser.get(location);
  }
  return { browser, res, location: location.split('?')[0]! };
}
