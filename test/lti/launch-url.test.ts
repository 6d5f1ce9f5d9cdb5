import { expect } from 'chai';
import { count } from 'drizzle-orm';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardAsyncErrors } from '../../src/lti/ltijs.adapter';
import { ltiLaunches, ltiLoginRequests, ltijsDocuments } from '../../src/lti/lti.tables';
import { webSessions } from '../../src/platform/db/platform.tables';
import { errorHandler } from '../../src/platform/error-handler';
import { createTestApp, memoryLogger, type TestApp } from '../support/app';
import { launchAs, simulatorFor } from '../support/lti';

describe('lti: the launch URL answers probes and malformed posts itself, changing nothing', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await launchAs(t);
  });
  after(async () => t?.close());

  async function counts() {
    const db = t.database.db;
    const n = async (table: typeof webSessions | typeof ltiLaunches | typeof ltiLoginRequests | typeof ltijsDocuments) => (await db.select({ n: count() }).from(table))[0]!.n;
    return { sessions: await n(webSessions), launches: await n(ltiLaunches), logins: await n(ltiLoginRequests), ltijs: await n(ltijsDocuments) };
  }

  it("answers Moodle's cookie-less probe of the tool URL with a French page, setting no cookie and writing nothing", async () => {
    const before = await counts();
    const probe = await (await simulatorFor(t)).probeToolUrl();
    expect(probe.status).to.equal(200);
    expect(probe.setCookie).to.deep.equal([]);
    expect(probe.body).to.contain('<html lang="fr">').and.to.contain('Adresse de lancement d&#x27;Instants');
    expect(await counts()).to.deep.equal(before);
  });

  const bad: { name: string; method: string; path?: string; headers?: Record<string, string>; body?: string; status: number; text: string }[] = [
    { name: 'a DELETE', method: 'DELETE', status: 405, text: 'est pas acceptée sur l&#x27;adresse de lancement' },
    { name: 'a GET with a query', method: 'GET', path: '/lti?ltik=x', status: 400, text: 'accepte pas de paramètres' },
    { name: 'an empty POST', method: 'POST', status: 400, text: 'informations obligatoires manquent' },
    { name: 'a text/plain POST', method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'id_token=x', status: 415, text: 'doit être un formulaire' },
    { name: 'a form without id_token', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'state=s&error=login_required', status: 400, text: 'informations obligatoires manquent' },
    { name: 'a form with two id_tokens', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'id_token=a&id_token=b', status: 400, text: 'informations obligatoires manquent' },
  ];
  for (const b of bad) {
    it(`refuses ${b.name} on the launch URL with ${b.status} and a French page, changing nothing`, async () => {
      const before = await counts();
      const res = await fetch(`${t.url}${b.path ?? '/lti'}`, { method: b.method, headers: b.headers, body: b.body });
      const html = await res.text();
      expect(res.status, html.slice(0, 300)).to.equal(b.status);
      if (b.status === 405) expect(res.headers.get('allow')).to.equal('GET, HEAD, POST');
      expect(html).to.contain('<html lang="fr">').and.to.contain(b.text);
      expect(await counts()).to.deep.equal(before);
    });
  }

  it('still launches with a well-formed id_token after all of these', async () => {
    const { response } = await launchAs(t);
    expect(response.status).to.be.below(400);
  });
});

describe('lti: rejections of express-4 style async middlewares (as in ltijs) reach our error handler', () => {
  it('answers 500 through the error handler instead of leaving an unhandled rejection', async () => {
    // ltijs's own express 4, where a rejected async middleware is ignored by the router.
    const express4 = require(require.resolve('express', { paths: [require.resolve('ltijs')] })) as typeof express;
    const inner = express4();
    inner.use(async (req: express.Request) => {
      await Promise.resolve();
      (req.body as { state: string }).state.toString();
    });
    expect(forwardAsyncErrors(inner)).to.be.greaterThan(0);
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    const { log, lines } = memoryLogger();
    const outer = express();
    outer.use((_req, res, next) => {
      res.locals.requestId = 'req-test-1';
      next();
    });
    outer.use(inner);
    outer.use(errorHandler(log));
    const server = http.createServer(outer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: { accept: 'application/json' } });
      expect(res.status).to.equal(500);
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('internal');
      await new Promise((r) => setImmediate(r));
      expect(unhandled).to.deep.equal([]);
      expect(lines.some((l) => l.includes('"requestId":"req-test-1"'))).to.equal(true);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      server.close();
    }
  });
});
