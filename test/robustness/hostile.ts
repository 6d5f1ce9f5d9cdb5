import fc from 'fast-check';

/**
 * Hostile input for the robustness suite: strings, keys, query strings, forms, JSON and multipart bodies,
 * encoded as raw text so that what `fetch` or URLSearchParams would clean up (lone surrogates, U+0000,
 * duplicate or `__proto__` keys, broken escapes) reaches Instants as an attacker would send it.
 * Every URL here points at loopback: nothing generated may make Instants call out to the network.
 */

/** Values that broke, or could break, an edge: control characters, bad dates, huge numbers, injections. */
export const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ud83d',
  '😀',
  '2026-02-30',
  '2026-02-29',
  '0000-01-01',
  '2026-13-01',
  '2026-02-30T12:00:00Z',
  '9999-12-31T23:59:60Z',
  '1e300',
  '-1',
  '0',
  '1.5',
  'NaN',
  'Infinity',
  '99999999999999999999999',
  'true',
  'null',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  '<script>alert(1)</script>',
  "'; drop table lti_users; --",
  '../../../etc/passwd',
  '=HYPERLINK("http://127.0.0.1:9/","x")',
  'x'.repeat(5000),
  ' ',
  '',
  '\r\n',
  '%00',
  '%ZZ',
  'http://127.0.0.1:9/',
  'javascript:alert(1)',
  '00000000-0000-0000-0000-000000000000',
  'ZZZZZ9',
] as const;

/** Field names the forms of Instants use (from the views), and names that must never reach an object. */
export const FIELD_NAMES = [
  'q', 'status', 'code', 'title', 'id', 'sessionId', 'sessions', 'competence', 'competences', 'level', 'jobFamily', 'job',
  'direction', 'action', 'user', 'format', 'table', 'lang', 'from', 'to', 'period', 'series', 'service', 'course', 'date',
  'startTime', 'endTime', 'place', 'capacity', 'description', 'type', 'url', 'file', 'version', 'creationKey', 'rating',
  'comment', 'response', 'certainty', 'choices', 'moment', 'label', 'name', 'mode', 'reason', 'scopes', 'topics', 'kind',
  'needKey', 'needLabel', 'needType', 'frequency', 'purposes', 'obstacles', 'used_since', 'to', 'destination', 'role',
  '__proto__', 'constructor', 'prototype', 'a[b]', 'a[__proto__]', '',
] as const;

/** A string of arbitrary UTF-16 code units, lone surrogates and U+0000 included. */
const codeUnits = fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.constant(0)), { maxLength: 12 }).map((u) => String.fromCharCode(...u));

/** A hostile string: mostly the known-bad list, sometimes random code units or text, sometimes a value the app knows. */
export function hostileString(known: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: codeUnits },
    { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
    ...(known.length ? [{ weight: 2, arbitrary: fc.constantFrom(...known) }] : []),
  );
}

/** A field name: one the app uses, a prototype key, or random code units. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: codeUnits });

/**
 * Percent-encodes a string as its UTF-8 bytes, lone surrogates as the three bytes WTF-8 gives them (what
 * `encodeURIComponent` refuses to produce): the server sees exactly what a raw client can send.
 */
export function percentEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(s[i]!);
  }
  return out;
}

/** `k=v&k=v…` from pairs (repeated keys kept), raw-encoded. */
export function encodePairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}

/** Query or form pairs: up to 5 keys (the route's own field names first, when known) with hostile values. */
export function hostilePairs(known: readonly string[] = [], fields: readonly string[] = []): fc.Arbitrary<Array<[string, string]>> {
  const key = fields.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: hostileKey }) : hostileKey;
  return fc.array(fc.tuple(key, hostileString(known)), { maxLength: 5 });
}

/** Values every field of a route gets in turn in the deterministic sweeps (one probe per value). */
export const SWEEP_VALUES = ['a\u0000b', 'x\ud800y', '2026-02-30'] as const;

/**
 * A JSON text, written by hand so it can hold `\ud800`, `__proto__`, duplicate keys, 1e400 and deep nesting
 * (up to `maxDepth` levels: a value that must still be signed or stringified by the test needs less).
 */
export function hostileJson(known: readonly string[] = [], options: { maxDepth?: number } = {}): fc.Arbitrary<string> {
  const str = hostileString(known).map((s) => JSON.stringify(s));
  const leaf = fc.oneof(str, fc.constantFrom('1e400', '-1e400', '1e-400', '123456789012345678901234567890', '-0', 'true', 'null', '"\\ud800"', '"\\u0000"', '[]', '{}'));
  const { tree } = fc.letrec<{ tree: string }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('tree'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`),
      fc.array(fc.tuple(hostileKey, tie('tree')), { maxLength: 4 }).map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  }));
  const deep = fc.integer({ min: 65, max: options.maxDepth ?? 20_000 }).map((n) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`);
  const wide = fc.integer({ min: 20_001, max: 30_000 }).map((n) => `{"a":[${'0,'.repeat(n)}0]}`);
  const broken = fc.constantFrom('{', '{"a":', '[1,]', '{"a":1}}', '\u0000', '"\\ud800"', 'nul', '');
  return fc.oneof({ weight: 6, arbitrary: tree }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: wide }, { weight: 1, arbitrary: broken });
}

/** A multipart body (fields and maybe a file with a hostile name), as raw bytes with its content type. */
export function hostileMultipart(known: readonly string[] = []): fc.Arbitrary<{ body: Buffer; contentType: string }> {
  return fc.tuple(hostilePairs(known), fc.option(fc.tuple(hostileString(['a.csv', 'a.json', 'a.pdf']), hostileString()), { nil: undefined })).map(([fields, file]) => {
    const boundary = 'robustness0boundary';
    const parts = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/"/g, '')}"\r\n\r\n${v}\r\n`);
    if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file[0].replace(/"/g, '')}"\r\nContent-Type: application/octet-stream\r\n\r\n${file[1]}\r\n`);
    return { body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'), contentType: `multipart/form-data; boundary=${boundary}` };
  });
}
