import { type Options, stringify } from 'csv-stringify/sync';
import type { ConsentStatus } from './types.js';

/** Formats of `exportOptOuts`. */
export type ExportFormat = 'csv' | 'jsonl';

/**
 * How the CSV export writes a field that a spreadsheet would run as a formula (one starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return, or their full-width forms): `'neutralize'`
 * (default) prefixes it with `'`, as OWASP's CSV injection advice says; `'raw'` writes it unchanged,
 * for tools that read the file as data only.
 */
export type CsvFormulas = 'neutralize' | 'raw';

/** One line of the opt-out export. */
export interface OptOutRecord {
  readonly phone: string;
  readonly opted_out_at: string;
  readonly source: string;
  readonly keyword: string;
  readonly message_id: string;
  readonly body: string;
  readonly event_id: string;
}

/** The columns of the CSV export, in order. */
export const EXPORT_COLUMNS: readonly (keyof OptOutRecord)[] = [
  'phone',
  'opted_out_at',
  'source',
  'keyword',
  'message_id',
  'body',
  'event_id',
];

/** The export line of an opted-out status. */
export function toOptOutRecord(status: ConsentStatus): OptOutRecord {
  const cause = status.cause;
  return {
    phone: status.phone,
    opted_out_at: status.since ?? '',
    source: cause?.source ?? '',
    keyword: cause?.evidence.keyword ?? '',
    message_id: cause?.evidence.messageId ?? '',
    body: cause?.evidence.body ?? '',
    event_id: cause?.id ?? '',
  };
}

// https://owasp.org/www-community/attacks/CSV_Injection; the full-width forms as csv-stringify's
// own `escape_formulas` lists them (Apple Numbers folds them).
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * Every field holding a CR or LF is quoted, not only one holding the record delimiter (CRLF):
 * spreadsheets and most CSV readers end a record at a bare CR or LF too.
 */
const CSV_OPTIONS: Options = { record_delimiter: 'windows', quoted_match: /[\r\n]/ };

/**
 * Streams records as RFC 4180 CSV (header first, CRLF line ends, fields quoted by csv-stringify
 * where needed, formula prefixes neutralized unless `formulas` is `'raw'`) or as JSON lines.
 */
export async function* exportRows(
  records: AsyncIterable<OptOutRecord>,
  format: ExportFormat,
  formulas: CsvFormulas = 'neutralize',
): AsyncGenerator<string, void, undefined> {
  if (format === 'csv') {
    const cell = formulas === 'raw' ? (value: string) => value : neutralizeFormula;
    yield stringify([EXPORT_COLUMNS], CSV_OPTIONS);
    for await (const record of records) {
      // The phone is E.164 made by normalizePhone: a `+` and digits, which a spreadsheet reads as a number.
      const row = EXPORT_COLUMNS.map((column) => (column === 'phone' ? record.phone : cell(record[column])));
      yield stringify([row], CSV_OPTIONS);
    }
    return;
  }
  for await (const record of records) yield `${JSON.stringify(record)}\n`;
}

function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
