import { expect } from 'chai';
import { markdownToText, renderMarkdown } from '../../src/platform/markdown';

describe('platform: Markdown rendering (renderMarkdown)', () => {
  it('renders emphasis, lists and links, opening links in a new tab without opener', () => {
    const html = renderMarkdown('**Tchap** en *bref* :\n\n- un\n- deux\n\n[site](https://tchap.gouv.fr)');
    expect(html).to.contain('<strong>Tchap</strong>').and.to.contain('<em>bref</em>').and.to.contain('<li>un</li>');
    expect(html).to.contain('<a href="https://tchap.gouv.fr" rel="noopener noreferrer" target="_blank">site</a>');
  });

  it('removes script tags, inline event handlers and style', () => {
    const html = renderMarkdown('Bonjour <script>alert(1)</script><img src=x onerror="alert(2)"><b style="color:red" onclick="x()">gras</b>');
    expect(html).not.to.match(/<script|onerror|onclick|style=|<img/i);
    expect(html).to.contain('<b>gras</b>');
  });

  it('drops javascript:, data: and protocol-relative links in Markdown and in raw HTML', () => {
    const html = renderMarkdown('[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) <a href="javascript:alert(3)">c</a> [d](data:text/html;base64,PHNjcmlwdD4=) [e](//evil.example)');
    expect(html).not.to.match(/javascript:|data:|\/\/evil/i);
  });

  it('moves headings below the page title and section headings', () => {
    expect(renderMarkdown('# Titre\n\n## Sous-titre')).to.equal('<h3>Titre</h3>\n<h4>Sous-titre</h4>\n');
  });

  it('gives empty output for empty input and plain text on demand', () => {
    expect(renderMarkdown('')).to.equal('');
    expect(renderMarkdown(null)).to.equal('');
    expect(markdownToText('# Titre\n\nDu **gras** <script>x</script>')).to.equal('Titre Du gras');
  });
});
