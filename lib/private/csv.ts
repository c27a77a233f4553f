import { propError } from './errors';

/**
 * An RFC 4180 CSV reader for inventory files: one pass over the text (linear), records with the
 * line they start on, so every error can name the line a user sees in an editor.
 *
 * - fields are separated by `,`, records by CRLF, LF or a lone CR;
 * - a field that starts with `"` is quoted: it may hold `,`, line breaks and `""` (one quote);
 *   its line breaks are kept as written;
 * - a `"` inside an unquoted field, or text after a closing quote, is an error (a cell pasted
 *   without its quotes would otherwise be read silently wrong);
 * - a BOM at the start is ignored; empty lines (no character at all) are skipped; a final line
 *   break is optional.
 */

/** One record: its cells and the 1-based line of the file it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly cells: string[];
  /** Whether each cell was quoted (a quoted empty cell is still a cell). */
  readonly quoted: boolean[];
}

/**
 * The records of `text`; throws the library's error (scope `<fileName>:<line>`) for an
 * unterminated quote or a stray quote.
 *
 * @internal
 */
export function parseCsv(text: string, fileName: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    // An empty line: no record.
    const c0 = text.charCodeAt(i);
    if (c0 === 10 /* \n */ || c0 === 13 /* \r */) {
      i += c0 === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      continue;
    }
    const start = line;
    const cells: string[] = [];
    const quoted: boolean[] = [];
    for (;;) {
      let cell: string;
      let wasQuoted = false;
      if (text.charCodeAt(i) === 34 /* " */) {
        wasQuoted = true;
        const quoteLine = line;
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            throw propError(`${fileName}:${quoteLine}`, 'csv', excerpt(text, i), 'has a quote that is never closed (the rest of the file would be one cell)',
              'close the quoted cell with ", and write a quote inside a quoted cell as ""');
          }
          line += countLineBreaks(text, from, q);
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) === 34) {
            value += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        cell = value;
        const next = i < n ? text.charCodeAt(i) : -1;
        if (next !== -1 && next !== 44 && next !== 10 && next !== 13) {
          throw propError(`${fileName}:${line}`, 'csv', excerpt(text, i), 'has text after the closing quote of a quoted cell',
            'quote the whole cell ("a ""b"" c"), or remove the quotes');
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          if (c === 34) {
            throw propError(`${fileName}:${line}`, 'csv', excerpt(text, i), 'has a quote inside an unquoted cell',
              'quote the whole cell and double the quote inside ("5"" panel"), as RFC 4180 writes it');
          }
          j++;
        }
        cell = text.slice(i, j);
        i = j;
      }
      cells.push(cell);
      quoted.push(wasQuoted);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      // End of the record.
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      break;
    }
    records.push({ line: start, cells, quoted });
  }
  return records;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 10) count++;
    else if (c === 13 && text.charCodeAt(k + 1) !== 10) count++;
  }
  return count;
}

function excerpt(text: string, at: number): string {
  const end = text.slice(at, at + 40).search(/[\r\n]/);
  const s = end < 0 ? text.slice(at, at + 40) : text.slice(at, at + end);
  return s.length >= 40 ? `${s}...` : s;
}
