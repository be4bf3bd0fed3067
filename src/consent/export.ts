import { stringify } from 'csv-stringify/sync';
import type { StoredStatus } from '../store/contract.js';

/** Formats of `exportOptOuts`. */
export type ExportFormat = 'csv' | 'jsonl';

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
export function toOptOutRecord(status: StoredStatus): OptOutRecord {
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

/**
 * Streams records as RFC 4180 CSV (header first, CRLF line ends, fields quoted by csv-stringify
 * where needed) or as JSON lines.
 */
export async function* exportRows(
  records: AsyncIterable<OptOutRecord>,
  format: ExportFormat,
): AsyncGenerator<string, void, undefined> {
  if (format === 'csv') {
    yield stringify([EXPORT_COLUMNS], { record_delimiter: 'windows' });
    for await (const record of records) {
      yield stringify([EXPORT_COLUMNS.map((column) => record[column])], { record_delimiter: 'windows' });
    }
    return;
  }
  for await (const record of records) yield `${JSON.stringify(record)}\n`;
}
