import { expect } from 'chai';
import { csvCell, csvDocument } from '../../src/platform/csv';

describe('platform: CSV cells (OWASP CSV injection)', () => {
  it('prefixes text cells starting with =, +, -, @, tab or CR with an apostrophe, and quotes them', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`, ';')).to.equal(`"'${start}1+1"`);
    expect(csvCell('=HYPERLINK("https://evil.example","x")', ',')).to.equal(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
  });

  it('leaves plain text and our numbers alone, and quotes separators, quotes and line breaks', () => {
    expect(csvCell('DANE', ';')).to.equal('DANE');
    expect(csvCell('a;b', ';')).to.equal('"a;b"');
    expect(csvCell('dit "oui"', ',')).to.equal('"dit ""oui"""');
    expect(csvCell('deux\nlignes', ',')).to.equal('"deux\nlignes"');
    expect(csvCell(-0.25, ';', true)).to.equal('-0,25');
    expect(csvCell(0.5, ',', true)).to.equal('"0,5"');
  });

  it('writes a document with a BOM and CRLF line ends', () => {
    expect(csvDocument([['Service', 'Personnes'], ['@DANE', 5]], ';')).to.equal("\uFEFFService;Personnes\r\n\"'@DANE\";5\r\n");
  });
});
