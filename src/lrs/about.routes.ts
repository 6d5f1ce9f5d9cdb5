import type { Router } from 'express';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../platform/context';
import { actorKey, type Json } from './ifi';
import { bad, checkParams, handle, lrsOf, parseJson, requireScope } from './http';
import { lrsActivities } from './lrs.tables';
import { agentParamSchema, iri } from './statement.schema';

/** /xapi/about (unauthenticated), /xapi/activities and /xapi/agents (xAPI-Communication §2.5–2.7). */
export function aboutRoutes(router: Router, ctx: AppContext): void {
  router.get('/about', (req, res) => {
    res.json({ version: ['1.0.3', '2.0.0'], extensions: { 'https://instants.ac-dijon.fr/xapi/extensions/lrs': { name: 'Instants LRS' } } });
  });

  router.get(
    '/activities',
    handle(async (req, res) => {
      requireScope(lrsOf(res).credential, 'all/read', 'define', 'profile', 'statements/read', 'state');
      const { activityId } = checkParams(req.query, ['activityId']);
      if (!activityId || !iri.safeParse(activityId).success) throw bad('activityId (an IRI) is required');
      const [row] = await ctx.db.select().from(lrsActivities).where(eq(lrsActivities.id, activityId));
      res.json({ objectType: 'Activity', id: activityId, ...(row?.definition ? { definition: row.definition } : {}) });
    }),
  );

  router.get(
    '/agents',
    handle(async (req, res) => {
      requireScope(lrsOf(res).credential, 'all/read', 'profile', 'statements/read', 'state', 'define');
      const { agent } = checkParams(req.query, ['agent']);
      if (agent === undefined) throw bad('agent is required');
      const value = parseJson(agent, 'agent') as Json;
      const r = agentParamSchema.safeParse(value);
      if (!r.success || value.objectType === 'Group') throw bad('agent must be a valid Agent');
      actorKey(value);
      const person: Json = { objectType: 'Person' };
      if (value.name) person.name = [value.name];
      for (const k of ['mbox', 'mbox_sha1sum', 'openid', 'account']) if (value[k] !== undefined) person[k] = [value[k]];
      res.json(person);
    }),
  );
}
