import crypto from 'node:crypto';
import type { Router } from 'express';
import type { AppContext } from '../platform/context';
import { ifiOf, type Json } from './ifi';
import { bad, checkParams, handle, lrsOf, parseParamJson, requireScope } from './http';
import { agentParamSchema, iri } from './statement.schema';
import { findActivityDefinition, findAgentNames, isAgentSeen } from './statements.repo';

/** /xapi/about (unauthenticated), /xapi/activities and /xapi/agents (xAPI-Communication §2.5–2.7). */
export function aboutRoutes(router: Router, ctx: AppContext): void {
  router.get('/about', ctx.allow.anonymous(), (req, res) => {
    // `erasure`: the resource (relative to the endpoint) where another Instants forwarding to this one asks it to
    // erase a person's statements (issue 20; src/privacy/erasure-request.routes.ts).
    res.json({ version: ['1.0.3', '2.0.0'], extensions: { 'https://instants.ac-dijon.fr/xapi/extensions/lrs': { name: 'Instants LRS', erasure: 'erasure' } } });
  });

  router.get(
    '/activities',
    handle(async (req, res) => {
      requireScope(lrsOf(res).credential, 'all/read', 'define', 'profile', 'statements/read', 'state');
      const { activityId } = checkParams(req.query, ['activityId']);
      if (!activityId || !iri.safeParse(activityId).success) throw bad('activityId (an IRI) is required');
      const definition = await findActivityDefinition(ctx.db, activityId);
      res.json({ objectType: 'Activity', id: activityId, ...(definition ? { definition } : {}) });
    }),
  );

  router.get(
    '/agents',
    handle(async (req, res) => {
      requireScope(lrsOf(res).credential, 'all/read', 'profile', 'statements/read', 'state', 'define');
      const { agent } = checkParams(req.query, ['agent']);
      if (agent === undefined) throw bad('agent is required');
      const value = parseParamJson(agent, 'agent') as Json;
      const r = agentParamSchema.safeParse(value);
      if (!r.success || value.objectType === 'Group') throw bad('agent must be a valid Agent');
      // Communication §2.4: the Person object combines what the LRS knows of the agent: every name seen with its
      // identifier in stored statements, and for an mbox the mbox_sha1sum of it when statements used that form.
      const person: Json = { objectType: 'Person' };
      for (const k of ['mbox', 'mbox_sha1sum', 'openid', 'account']) if (value[k] !== undefined) person[k] = [value[k]];
      const ifis = [ifiOf(value)!];
      if (typeof value.mbox === 'string') {
        const sha1 = crypto.createHash('sha1').update(value.mbox).digest('hex');
        if (await isAgentSeen(ctx.db, `mbox_sha1sum:${sha1}`)) {
          person.mbox_sha1sum = [sha1];
          ifis.push(`mbox_sha1sum:${sha1}`);
        }
      }
      const seen = (await Promise.all(ifis.map((ifi) => findAgentNames(ctx.db, ifi)))).flat();
      const names = [...new Set([...(typeof value.name === 'string' ? [value.name] : []), ...seen])];
      if (names.length) person.name = names;
      res.json(person);
    }),
  );
}
