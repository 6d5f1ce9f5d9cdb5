/** Dates for people: Instants speaks Paris time (the rectorat de Dijon), "1er" for the first of a month in French. */

const TIME_ZONE = 'Europe/Paris';
const formats = new Map<string, Intl.DateTimeFormat>();

function format(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${tag}|${JSON.stringify(options)}`;
  let f = formats.get(id);
  if (!f) formats.set(id, (f = new Intl.DateTimeFormat(tag, { ...options, timeZone: TIME_ZONE })));
  return f;
}

const tagOf = (locale: string) => (locale === 'en' ? 'en-GB' : 'fr-FR');

/** An instant's Paris day: "1er décembre 2026", "1 December 2026". */
export function formatParisDay(value: Date, locale: string): string {
  const text = format(tagOf(locale), { day: 'numeric', month: 'long', year: 'numeric' }).format(value);
  return locale === 'en' ? text : text.replace(/^1 /, '1er ');
}

/** An instant's Paris day and time: "1er décembre 2026 à 07:39", "1 December 2026, 07:39". */
export function formatParisDateTime(value: Date, locale: string): string {
  const time = format(tagOf(locale), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(value);
  return locale === 'en' ? `${formatParisDay(value, locale)}, ${time}` : `${formatParisDay(value, locale)} à ${time}`;
}
