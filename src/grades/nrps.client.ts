import { z } from 'zod';
import { nextLink, PlatformAnswerError } from './platform-http';

export const NRPS_MEDIA = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

const MemberSchema = z
  .object({
    user_id: z.string().min(1),
    roles: z.array(z.string()).default([]),
    status: z.string().optional(),
    name: z.string().optional(),
    given_name: z.string().optional(),
    family_name: z.string().optional(),
    email: z.string().optional(),
  })
  .loose();

const ContainerSchema = z.object({ members: z.array(MemberSchema) }).loose();

/** A course member as the platform lists them. */
export interface NrpsMember {
  userId: string;
  roles: string[];
  name: string | null;
  email: string | null;
}

/** Safety stop: a platform whose `next` links never end. */
const MAX_PAGES = 1000;

/**
 * Reads every member of a course from the NRPS memberships URL, following `Link: <…>; rel="next"` (LTI NRPS
 * 2.0 §2.4.2); only active members are kept (Moodle already omits suspended enrolments).
 */
export async function fetchAllMembers(f: typeof fetch, token: string, url: string, pageSize: number): Promise<{ members: NrpsMember[]; pages: number }> {
  const first = new URL(url);
  if (!first.searchParams.has('limit')) first.searchParams.set('limit', String(pageSize));
  let next: string | undefined = first.toString();
  const members: NrpsMember[] = [];
  const seen = new Set<string>();
  let pages = 0;
  while (next) {
    if (++pages > MAX_PAGES) throw new PlatformAnswerError('memberships', 200, '', null, `more than ${MAX_PAGES} pages`);
    const res = await f(next, { headers: { authorization: `Bearer ${token}`, accept: NRPS_MEDIA }, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    if (!res.ok) throw new PlatformAnswerError('memberships', res.status, text, res.headers.get('retry-after'));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PlatformAnswerError('memberships', res.status, text.slice(0, 500), null, 'memberships page is not JSON');
    }
    const page = ContainerSchema.safeParse(json);
    if (!page.success) throw new PlatformAnswerError('memberships', res.status, text.slice(0, 500), null, 'memberships page has no valid members list');
    for (const m of page.data.members) {
      if (m.status && m.status !== 'Active') continue;
      if (seen.has(m.user_id)) continue;
      seen.add(m.user_id);
      const name = m.name ?? ([m.given_name, m.family_name].filter(Boolean).join(' ') || null);
      members.push({ userId: m.user_id, roles: m.roles, name, email: m.email ?? null });
    }
    const link = nextLink(res.headers.get('link'));
    next = link && link !== next ? link : undefined;
  }
  return { members, pages };
}
