import { Resvg } from '@resvg/resvg-js';
import extractChunks from 'png-chunks-extract';
import { isPng } from './baking';

/**
 * Badge images: checked uploads (PNG or SVG, by content, not by name or declared type) and images drawn
 * from a few templates in the académie's colours. A PNG is needed for baking 2.0 badges that Moodle shows:
 * SVG images are rasterised with resvg (no browser, no network: external references are not loaded).
 */
export const TEMPLATES = ['medaille', 'hexagone', 'ecusson'] as const;
export type Template = (typeof TEMPLATES)[number];
export const COLOURS = ['bleu', 'vert', 'rouge', 'violet'] as const;
export type Colour = (typeof COLOURS)[number];

// Colours of the académie's charter (République française palette), with a text colour that keeps 4.5:1.
const PALETTE: Record<Colour, { main: string; light: string; text: string }> = {
  bleu: { main: '#000091', light: '#e3e3fd', text: '#ffffff' },
  vert: { main: '#18753c', light: '#b8fec9', text: '#ffffff' },
  rouge: { main: '#c9191e', light: '#fee9e9', text: '#ffffff' },
  violet: { main: '#6e445a', light: '#fee7fc', text: '#ffffff' },
};

export const MAX_IMAGE_BYTES = 512 * 1024;
const MAX_SIDE = 2048;

export type ImageProblem = 'too_large' | 'not_png_or_svg' | 'unsafe_svg' | 'unreadable' | 'too_big_dimensions';

/** Checks an uploaded image by its bytes: a readable PNG or a safe SVG of sensible size. */
export function checkImage(data: Buffer): { type: 'image/png' | 'image/svg+xml' } | { problem: ImageProblem } {
  if (data.length > MAX_IMAGE_BYTES) return { problem: 'too_large' };
  if (isPng(data)) {
    try {
      const ihdr = extractChunks(data)[0];
      if (!ihdr || ihdr.name !== 'IHDR') return { problem: 'unreadable' };
      const v = Buffer.from(ihdr.data);
      if (v.readUInt32BE(0) > MAX_SIDE || v.readUInt32BE(4) > MAX_SIDE) return { problem: 'too_big_dimensions' };
      return { type: 'image/png' };
    } catch {
      return { problem: 'unreadable' };
    }
  }
  const text = data.toString('utf8');
  if (!/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(text)) return { problem: 'not_png_or_svg' };
  // Served back to browsers: no scripts, event handlers, embedded documents or external references.
  if (/<script|<foreignObject|<iframe|<!ENTITY|\son\w+\s*=|javascript:|(href|src)\s*=\s*["']\s*(https?:|\/\/)/i.test(text)) return { problem: 'unsafe_svg' };
  try {
    rasterise(data);
  } catch {
    return { problem: 'unreadable' };
  }
  return { type: 'image/svg+xml' };
}

/** The PNG rendering of an SVG (256 px wide), for baking. */
export function rasterise(svg: Buffer | string, width = 256): Buffer {
  const r = new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return Buffer.from(r.render().asPng());
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits a title into at most three lines of about 14 characters, for the template's label. */
function lines(title: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of title.trim().split(/\s+/)) {
    if (cur && (cur + ' ' + word).length > 14) {
      out.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  if (out.length > 3) out.splice(2, out.length - 2, `${out.slice(2).join(' ').slice(0, 13)}…`);
  return out;
}

/** An SVG badge drawn from a template, with the badge's name on it. */
export function templateSvg(template: Template, colour: Colour, name: string): string {
  const c = PALETTE[colour];
  const shape = {
    medaille: `<circle cx="128" cy="128" r="120" fill="${c.main}"/><circle cx="128" cy="128" r="104" fill="none" stroke="${c.light}" stroke-width="6"/>`,
    hexagone: `<polygon points="128,6 234,67 234,189 128,250 22,189 22,67" fill="${c.main}"/><polygon points="128,24 218,76 218,180 128,232 38,180 38,76" fill="none" stroke="${c.light}" stroke-width="6"/>`,
    ecusson: `<path d="M128 6 L236 40 L236 120 C236 190 186 232 128 250 C70 232 20 190 20 120 L20 40 Z" fill="${c.main}"/><path d="M128 24 L220 52 L220 120 C220 180 178 216 128 232 C78 216 36 180 36 120 L36 52 Z" fill="none" stroke="${c.light}" stroke-width="6"/>`,
  }[template];
  const ls = lines(name);
  const y0 = 138 - (ls.length - 1) * 14;
  const text = ls.map((l, i) => `<text x="128" y="${y0 + i * 28}" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="22" font-weight="bold" fill="${c.text}">${esc(l)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-label="${esc(name)}"><title>${esc(name)}</title>${shape}${text}<text x="128" y="214" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="13" fill="${c.light}">Instants</text></svg>`;
}
