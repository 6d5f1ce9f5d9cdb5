import express, { type Express } from 'express';
import { z } from 'zod';
import { lrsBasicAuth, lrsOf, personIfi, requireScope } from '../lrs';
import type { AppContext } from '../platform/context';
import { AppError } from '../platform/errors';
import { assertCleanInput } from '../platform/input-hygiene';
import { eraseIdentifier } from './erasure.service';
import type { PrivacyDeps } from './subject.service';

const RequestSchema = z.strictObject({ agent: z.record(z.string(), z.unknown()) });

/**
 * `POST /xapi/erasure`: another Instants, which forwarded statements here, asks this LRS to erase one
 * agent's (issue 20). Its credential must hold the scope `all`; the answer says how many statements and
 * documents went. Announced in /xapi/about (the Instants LRS extension's `erasure`).
 */
export function mountErasureRequestRoute(app: Express, ctx: AppContext, deps: () => PrivacyDeps): void {
  app.post(
    '/xapi/erasure',
    ctx.allow.credential(),
    lrsBasicAuth(ctx),
    express.json({ limit: '16kb', type: () => true }),
    async (req, res) => {
      requireScope(lrsOf(res).credential, 'all');
      assertCleanInput(req.body);
      const parsed = RequestSchema.safeParse(req.body);
      if (!parsed.success) throw new AppError('bad_request', 'Expected {"agent": {…}}, the xAPI Agent to erase');
      const ifi = personIfi(JSON.stringify(parsed.data.agent));
      const done = await eraseIdentifier(deps(), parsed.data.agent, ifi, lrsOf(res).credential.name);
      ctx.log.info({ credential: lrsOf(res).credential.key, statements: done.statements, documents: done.documents }, 'erasure request honoured');
      res.json(done);
    },
  );
}
