import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { queueSessionScore } from '../../src/grades';
import { gradesScores } from '../../src/grades/grades.tables';
import { addPlatform, ltiOf } from '../../src/lti';
import { ltiLaunches, ltiResourceLinks } from '../../src/lti/lti.tables';
import { catalogSessions } from '../../src/platform/db/schema';
import { summariseAnswer } from '../../src/platform/remote-answer';
import { outboxOf } from '../../src/xapi';
import { createTestApp, type TestApp } from '../support/app';
import { buildLaunch, signIn } from '../support/factories';
import { startPlatformServices, type PlatformServices } from '../support/platform-services';

const CLIENT_ID = 'instants-answers';
const TYPE_ID = '6';

/** An error page as a web server (or Instants itself, before the demo had its services) answers. */
const HTML_403 = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accès refusé — Instants</title><link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css"></head>
<body><header class="navbar"><a class="navbar-brand" href="/">Instants</a></header><main><h1>Accès refusé</h1><p>Vous n'avez pas accès à cette page.</p><script src="/assets/js/x.js"></script></main></body></html>`;

describe('grades: what a platform answered, as organisers read it', () => {
  describe('summariseAnswer', () => {
    it("keeps Moodle's JSON reason and an OAuth error with its description", () => {
      expect(summariseAnswer('{"status":400,"reason":"Incorrect score received: user not gradable","request":{"failed":true}}')).to.equal('Incorrect score received: user not gradable');
      expect(summariseAnswer('{"error":"invalid_client","error_description":"unknown client"}')).to.equal('unknown client : invalid_client');
    });

    it("gives an HTML page's title, never its markup", () => {
      const s = summariseAnswer(HTML_403);
      expect(s).to.equal('Accès refusé — Instants');
      expect(summariseAnswer('<html><body><h1>502 Bad&nbsp;Gateway</h1><hr><center>nginx</center></body></html>')).to.equal('502 Bad Gateway');
    });

    it('collapses whitespace and control characters and cuts a long answer to one short line', () => {
      expect(summariseAnswer('  line one\n\n\tline\u0000two ')).to.equal('line one line two');
      const long = summariseAnswer('x'.repeat(5000));
      expect(long).to.have.length(200);
      expect(long.endsWith('…')).to.equal(true);
      expect(summariseAnswer(null)).to.equal('');
      expect(summariseAnswer('[1,2]')).to.equal('[1,2]');
    });
  });

  describe('a score refused with an HTML page', function () {
    this.timeout(60_000);
    let t: TestApp;
    let sim: PlatformServices;

    before(async () => {
      t = await createTestApp();
      sim = await startPlatformServices({ now: () => t.clock.now() });
      await addPlatform(ltiOf(t.instants.ctx), { issuer: sim.issuer, clientId: CLIENT_ID, name: 'Moodle (simulateur)', authEndpoint: `${sim.url}/mod/lti/auth.php`, tokenEndpoint: sim.tokenUrl, keys: { method: 'JWK_SET', key: `${sim.url}/mod/lti/certs.php` } }, [TYPE_ID]);
      sim.registerTool({ clientId: CLIENT_ID, typeId: TYPE_ID, jwksUrl: `${t.url}/lti/keys` });
      sim.addCourse('61', [{ userId: '610', roles: ['Learner'], name: 'Camille Agent' }, { userId: '611', roles: ['Learner'], name: 'Alex Agent' }], TYPE_ID);
    });
    after(async () => {
      await sim?.close();
      await t?.close();
    });

    it("shows the status and the page's title on the grades page, stores no markup, and does not retry it", async () => {
      const organiser = await signIn(t, { role: 'organiser', issuer: sim.issuer, deploymentId: TYPE_ID, sub: '600', contextId: '61', resourceLinkId: 'rl-61', sessionId: null });
      const [session] = await t.database.db
        .insert(catalogSessions)
        .values({ title: 'Instant Tchap', startsAt: new Date('2026-12-01T11:30:00Z'), endsAt: new Date('2026-12-01T12:30:00Z'), ownerContextRef: organiser.contextRef, status: 'published' })
        .returning();
      const coupled = sim.addLineItem('61', { label: 'Instant Tchap', scoreMaximum: 100, resourceLinkId: 'rl-61' }, TYPE_ID);
      const learner = async (sub: string) => {
        const l = await buildLaunch(t.database.db, { issuer: sim.issuer, deploymentId: TYPE_ID, sub, contextId: '61', resourceLinkId: 'rl-61', sessionId: session!.id });
        await t.database.db.update(ltiLaunches).set({ clientId: CLIENT_ID }).where(eq(ltiLaunches.id, l.launchId));
        await t.database.db.update(ltiResourceLinks).set({ agsLineitem: coupled, agsScopes: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'] }).where(eq(ltiResourceLinks.id, l.resourceLinkRef));
        return l;
      };
      // A first score is delivered (the service token is then cached); the second one's post gets the HTML page.
      const a = await learner('610');
      await queueSessionScore(t.database.db, { userId: a.userId, sessionId: session!.id, at: t.clock.now() });
      await outboxOf(t.instants.ctx).runOnce();
      const b = await learner('611');
      await queueSessionScore(t.database.db, { userId: b.userId, sessionId: session!.id, at: t.clock.now() });
      sim.failNext(1, 403, { type: 'text/html; charset=utf-8', body: HTML_403 });
      await outboxOf(t.instants.ctx).runOnce();
      const [row] = await t.database.db.select().from(gradesScores).where(eq(gradesScores.userRef, b.userId));
      expect(row).to.include({ status: 'refused', remoteStatus: 403, remoteBody: 'Accès refusé — Instants' });
      await outboxOf(t.instants.ctx).runOnce();
      expect(sim.gradebook(coupled).has('611')).to.equal(false);

      const html = await (await organiser.browser.get(`/organiser/sessions/${session!.id}/grades`)).text();
      expect(html).to.match(/data-count="delivered">1</).and.match(/data-count="refused">1</);
      expect(/<td><code class="text-break">([\s\S]*?)<\/code><\/td>/.exec(html)?.[1]).to.equal('Accès refusé — Instants');
      expect(html).not.to.contain('&lt;html').and.not.to.contain('&lt;!doctype').and.not.to.contain('navbar-brand&quot;');
    });
  });
});
