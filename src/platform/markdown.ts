import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown typed by organisers → HTML safe to insert in a page: raw HTML is filtered by sanitize-html after
 * marked, so `<script>`, event handlers, `style` and `javascript:` or `data:` links never get through.
 */

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'abbr'],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], abbr: ['title'], th: ['scope'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // The page title is the h1 and sections are h2: the description's headings start below them.
    h1: 'h3',
    h2: 'h4',
    h3: 'h5',
    h4: 'h6',
    h5: 'h6',
    // Links leave the Moodle iframe in a new tab, without giving the opened page a handle on ours.
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer', target: '_blank' }),
  },
};

/** Renders Markdown to sanitised HTML (GitHub-flavoured: tables, strikethrough, autolinks). */
export function renderMarkdown(markdown: string | null | undefined): string {
  if (!markdown) return '';
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return sanitizeHtml(html, OPTIONS);
}

/** Renders Markdown to plain text (for summaries, titles and xAPI descriptions). */
export function markdownToText(markdown: string | null | undefined): string {
  if (!markdown) return '';
  const html = marked.parse(markdown, { async: false, gfm: true });
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, ' ').trim();
}
