import { expect } from 'chai';
import express from 'express';
import { checkRouteDeclarations, createAllow, describePermission, listRoutes } from '../../src/platform/access';
import { memoryLogger } from '../support/app';

/** The declaration mechanism on small express apps; enforcement is proven on the real app by test/access/matrix.test.ts. */
describe('platform: access policy declarations', () => {
  const allow = createAllow(() => undefined);
  const ok: express.RequestHandler = (_req, res) => {
    res.end();
  };

  it('lists app routes and routes of mounted routers with their full paths and declared permissions', () => {
    const app = express();
    app.get('/', allow.anonymous(), ok);
    const router = express.Router();
    router.get('/bind', allow.organiserOfCourse(), ok);
    router.post('/sessions/:sid', allow.organiserOfSession('sid', { linked: true }), ok);
    app.use('/lti', router);
    app.post('/admin/x', allow.admin(), ok);
    const routes = listRoutes(app).map((r) => `${r.method} ${r.path} ${r.permission ? describePermission(r.permission) : '-'}`);
    expect(routes).to.deep.equal(['GET / anonymous', 'GET /lti/bind organiser-of(course)', 'POST /lti/sessions/:sid organiser-of(session :sid, linked)', 'POST /admin/x admin']);
  });

  it('counts a policy handler used on a whole router as the declaration of every route after it', () => {
    const app = express();
    const router = express.Router();
    router.get('/before', ok);
    router.use(allow.credential());
    router.get('/statements', ok);
    app.use('/xapi', router);
    const routes = listRoutes(app).map((r) => `${r.path} ${r.permission?.kind ?? '-'}`);
    expect(routes).to.deep.equal(['/xapi/before -', '/xapi/statements credential']);
  });

  it('fails a strict start-up check naming every route mounted without a declaration', () => {
    const app = express();
    app.get('/declared', allow.launched(), ok);
    app.get('/forgotten', ok);
    app.post('/forgotten-too', ok);
    expect(() => checkRouteDeclarations(app, { strict: true, log: memoryLogger().log })).to.throw(/GET \/forgotten, POST \/forgotten-too/);
  });

  it('only warns about undeclared routes when not strict, and says nothing when every route declares', () => {
    const app = express();
    app.get('/forgotten', ok);
    const { log, lines } = memoryLogger();
    checkRouteDeclarations(app, { strict: false, log });
    expect(lines.join('\n')).to.contain('GET /forgotten').and.to.contain('without a declared permission');
    const clean = express();
    clean.get('/x', allow.participantOfSession(), ok);
    const quiet = memoryLogger();
    checkRouteDeclarations(clean, { strict: true, log: quiet.log });
    expect(quiet.lines).to.deep.equal([]);
  });
  it('lets a group defined by a slice through with member-of, and refuses others with the group\'s 403 message', async () => {
    const groups = createAllow(() => undefined);
    groups.defineGroup('committee', { isMember: async (actor) => actor.userId === 'u-1', messageKey: 'errors.committee_only' });
    expect(() => groups.defineGroup('committee', { isMember: async () => true, messageKey: 'x' })).to.throw(/already defined/);
    const app = express();
    app.get('/c', groups.memberOf('committee'), ok);
    expect(listRoutes(app).map((r) => describePermission(r.permission!))).to.deep.equal(['member-of(committee)']);
    const handler = app.router.stack.find((l) => (l as { route?: unknown }).route) as unknown as { route: { stack: Array<{ handle: express.RequestHandler }> } };
    const run = (actor: unknown) =>
      new Promise<unknown>((resolve) => handler.route.stack[0]!.handle({ params: {} } as express.Request, { locals: { actor } } as unknown as express.Response, resolve));
    expect(await run({ userId: 'u-1' })).to.equal(undefined);
    expect(await run({ userId: 'u-2' })).to.have.property('messageKey', 'errors.committee_only');
    expect(await run(undefined)).to.have.property('status', 401);
  });
});
