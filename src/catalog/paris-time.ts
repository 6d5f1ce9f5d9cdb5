import { isCalendarDay } from '../platform/input-hygiene';

/** Sessions happen in the rectorat de Dijon: forms speak Paris local time, the database stores instants. */

export const TIME_ZONE = 'Europe/Paris';

const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function fields(d: Date): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts.formatToParts(d)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

function offsetMs(d: Date): number {
  const f = fields(d);
  return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!) - Math.floor(d.getTime() / 1000) * 1000;
}

/** The instant of a Paris wall-clock date (YYYY-MM-DD) and time (HH:MM); undefined if either is malformed. */
export function parisToInstant(date: string, time: string): Date | undefined {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!dm || !tm) return undefined;
  const [y, mo, d, h, mi] = [Number(dm[1]), Number(dm[2]), Number(dm[3]), Number(tm[1]), Number(tm[2])];
  // Checked field by field: Date.UTC would roll 2026-02-30 over and read year 0000 as 1900.
  if (!isCalendarDay(y, mo, d) || h > 23 || mi > 59) return undefined;
  const wall = new Date(0).setUTCFullYear(y, mo - 1, d) + (h * 60 + mi) * 60_000;
  // The offset at the guess, then again at the result: right on both sides of a DST change.
  let instant = wall - offsetMs(new Date(wall));
  instant = wall - offsetMs(new Date(instant));
  return new Date(instant);
}

/** The Paris wall-clock date (YYYY-MM-DD) and time (HH:MM) of an instant, for form fields. */
export function instantToParis(d: Date): { date: string; time: string } {
  const f = fields(d);
  const p = (n: number | undefined) => String(n).padStart(2, '0');
  return { date: `${f.year}-${p(f.month)}-${p(f.day)}`, time: `${p(f.hour)}:${p(f.minute)}` };
}
