import * as fc from 'fast-check';
import { parseCsv } from '../../lib/private/csv';
import { validationErrorOf } from '../util/errors';
import { fuzzParams } from '../util/fuzz';

const cells = (text: string) => parseCsv(text, 'f.csv').map(r => r.cells);
const lines = (text: string) => parseCsv(text, 'f.csv').map(r => r.line);

/** A cell as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
function render(cell: string, forceQuote = false): string {
  return forceQuote || /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

describe('parseCsv (RFC 4180)', () => {
  test('records, cells and the line each starts on', () => {
    expect(cells('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(lines('a,b\n1,2')).toEqual([1, 2]);
  });

  test('CRLF, LF and a lone CR end a record; a final line break is optional', () => {
    expect(cells('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(cells('a,b\r1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(lines('a\r\n\r\nb\rc\n')).toEqual([1, 3, 4]);
  });

  test('a BOM at the start is not part of the first cell', () => {
    expect(cells('\ufeffname,servers\n')).toEqual([['name', 'servers']]);
  });

  test('empty lines are skipped but counted', () => {
    expect(parseCsv('a\n\n\nb\n\n', 'f.csv')).toEqual([
      { line: 1, cells: ['a'], quoted: [false] },
      { line: 4, cells: ['b'], quoted: [false] },
    ]);
    expect(parseCsv('', 'f.csv')).toEqual([]);
    expect(parseCsv('\ufeff\n\r\n', 'f.csv')).toEqual([]);
  });

  test('quoted cells: commas, doubled quotes, line breaks kept as written; the next record counts their lines', () => {
    const text = 'a,"b,c","say ""hi""","x\r\ny"\n"2\n3",z\n';
    expect(cells(text)).toEqual([['a', 'b,c', 'say "hi"', 'x\r\ny'], ['2\n3', 'z']]);
    expect(lines(text)).toEqual([1, 3]);
    expect(lines('"a\nb\nc"\nd\n')).toEqual([1, 4]);
    expect(lines('"a\rb"\nd\n')).toEqual([1, 3]);
  });

  test('empty cells, quoted empty cells, trailing commas', () => {
    expect(parseCsv('a,,""\n,', 'f.csv')).toEqual([
      { line: 1, cells: ['a', '', ''], quoted: [false, false, true] },
      { line: 2, cells: ['', ''], quoted: [false, false] },
    ]);
  });

  test('spaces are part of a cell (the caller decides what to trim)', () => {
    expect(cells(' a , b ')).toEqual([[' a ', ' b ']]);
  });

  test('an unterminated quote names the line it opens on', () => {
    const e = validationErrorOf(() => parseCsv('a,b\n1,2\n3,"4\n5,6\n', 'sites.csv'));
    expect([e.constructPath, e.prop]).toEqual(['sites.csv:3', 'csv']);
    expect(e.problem).toMatch(/never closed/);
  });

  test('a quote inside an unquoted cell, and text after a closing quote, are errors on their line', () => {
    expect(validationErrorOf(() => parseCsv('a\n5" panel\n', 'f.csv')).constructPath).toBe('f.csv:2');
    const e = validationErrorOf(() => parseCsv('a\n"x\ny"z\n', 'f.csv'));
    expect([e.constructPath, e.problem]).toEqual(['f.csv:3', 'has text after the closing quote of a quoted cell']);
  });

  test('property: any table of strings, rendered as RFC 4180 writes it, reads back the same', () => {
    const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', ',', '"', '""', '\n', '\r\n', '\r', ' x ', 'a,"b"', '\ufeff'));
    fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean(),
      (table, crlf, quoteAll) => {
        // A record of one empty cell is an empty line, which the reader skips: quote it.
        const text = table.map(r => r.map((c, k) => render(c, quoteAll || (r.length === 1 && c === '') || (k === 0 && c.startsWith('\ufeff')))).join(','))
          .join(crlf ? '\r\n' : '\n');
        expect(cells(text)).toEqual(table);
      }), fuzzParams({ numRuns: 1000 }));
  });

  test('property: any text gives records or the library error, nothing else', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60, unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', '\ufeff') }), text => {
      try {
        parseCsv(text, 'f.csv');
      } catch (e) {
        validationErrorOf(() => {
          throw e;
        });
      }
    }), fuzzParams({ numRuns: 1000 }));
  });

  test('linear: 20,000 records in one pass', () => {
    const text = 'name,servers\n' + Array.from({ length: 20_000 }, (_, i) => `site-${i},"s${i}@10.0.${i % 250}.1"`).join('\n');
    const records = parseCsv(text, 'big.csv');
    expect(records.length).toBe(20_001);
    expect(records[20_000]).toEqual({ line: 20_001, cells: ['site-19999', 's19999@10.0.249.1'], quoted: [false, true] });
  });
});
