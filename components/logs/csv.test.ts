import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, toCsv } from './csv';

describe('toCsv', () => {
  it('quotes cells a spreadsheet would run as formulas', () => {
    for (const v of ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)']) assert.equal(csvCell(v).replace(/^"|"$/g, '').startsWith("'"), true, v);
    assert.equal(csvCell('plain'), 'plain');
  });

  it('escapes quotes, commas and newlines; @ field names are guarded too (Excel runs @… as a formula)', () => {
    assert.equal(toCsv(['@message', 'n'], [{ '@message': 'a "b", c\nd', n: '1' }, { n: '2' }]), `'@message,n\r\n"a ""b"", c\nd",1\r\n,2\r\n`);
  });
});
