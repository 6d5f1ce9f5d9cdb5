import { z } from 'zod';
import { appendPath, PlatformAnswerError } from './platform-http';

/** LTI AGS 2.0 over HTTP: line items and scores, with the media types Moodle checks. */

export const AGS_MEDIA = {
  score: 'application/vnd.ims.lis.v1.score+json',
  lineitem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineitems: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
} as const;

const LineItemSchema = z.object({ id: z.url(), resourceId: z.string().optional(), tag: z.string().optional(), resourceLinkId: z.string().optional() }).loose();

/** The body of a score POST (AGS §3.4). */
export interface AgsScore {
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: string;
  gradingProgress: string;
  timestamp: string;
  comment?: string;
}

type Fetch = typeof fetch;

async function call(f: Fetch, service: PlatformAnswerError['service'], url: string, init: RequestInit): Promise<string> {
  const res = await f(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  if (!res.ok) throw new PlatformAnswerError(service, res.status, text, res.headers.get('retry-after'));
  return text;
}

/** Posts a score to a line item's `/scores` endpoint; throws PlatformAnswerError on any non-2xx. */
export async function postScore(f: Fetch, token: string, lineitemUrl: string, score: AgsScore): Promise<void> {
  await call(f, 'score', appendPath(lineitemUrl, 'scores'), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': AGS_MEDIA.score },
    body: JSON.stringify(score),
  });
}

/** The line item of a resource link with this resourceId and tag, found in the container or created there. */
export async function findOrCreateLineItem(
  f: Fetch,
  token: string,
  lineitemsUrl: string,
  item: { resourceLinkId: string; resourceId: string; tag: string; label: string; scoreMaximum: number },
): Promise<string> {
  const query = new URL(lineitemsUrl);
  query.searchParams.set('resource_link_id', item.resourceLinkId);
  query.searchParams.set('resource_id', item.resourceId);
  query.searchParams.set('tag', item.tag);
  const text = await call(f, 'lineitems', query.toString(), { headers: { authorization: `Bearer ${token}`, accept: AGS_MEDIA.lineitems } });
  const list = z.array(LineItemSchema).safeParse(JSON.parse(text || '[]'));
  if (!list.success) throw new PlatformAnswerError('lineitems', 200, text, null, 'line item container is not a list of line items');
  const found = list.data.find((l) => l.resourceId === item.resourceId && l.tag === item.tag);
  if (found) return found.id;
  const created = await call(f, 'lineitems', lineitemsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': AGS_MEDIA.lineitem, accept: AGS_MEDIA.lineitem },
    body: JSON.stringify(item),
  });
  const parsed = LineItemSchema.safeParse(JSON.parse(created));
  if (!parsed.success) throw new PlatformAnswerError('lineitems', 201, created, null, 'created line item has no id');
  return parsed.data.id;
}
