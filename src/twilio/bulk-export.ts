import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { ValidationError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { HistoryMessage } from '../ledger/backfill.js';

/** A Bulk Export file: its path, or its bytes as a stream (gzip-compressed or plain). */
export type BulkExportInput = string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** Options of {@link readTwilioBulkExport}. */
export interface BulkExportOptions {
  /** Name used in error messages for a stream (a path names itself). */
  readonly name?: string;
  /** Tenant the messages belong to. */
  readonly tenantId?: string;
}

/** One line of a Bulk Export file: a Message record with snake_case fields. */
interface BulkExportRecord {
  readonly sid?: unknown;
  readonly account_sid?: unknown;
  readonly from?: unknown;
  readonly to?: unknown;
  readonly body?: unknown;
  readonly direction?: unknown;
  readonly error_code?: unknown;
  readonly date_sent?: unknown;
  readonly date_created?: unknown;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Reads a Twilio Bulk Export day file as a backfill source: JSON lines, one Message record per line
 * (`sid`, `from`, `to`, `body`, `direction`, `error_code`, `date_sent`, `date_created`, …), gzip or
 * plain — told apart by the gzip magic bytes, not the file name. The file is streamed line by line,
 * so a day of any size takes little memory. A line that is not JSON, or lacks `sid` or `direction`,
 * throws a `ValidationError` naming the file and the line number. Blank lines are skipped.
 *
 * Bulk Export reaches further back than the Messages API (400 days): use it for older history, one
 * file per UTC day.
 *
 * @example
 * for (const file of dayFiles) {
 *   await consent.backfill(readTwilioBulkExport(file), { onProgress: console.log });
 * }
 */
export async function* readTwilioBulkExport(
  input: BulkExportInput,
  options: BulkExportOptions = {},
): AsyncGenerator<HistoryMessage> {
  const name = typeof input === 'string' ? input : (options.name ?? 'Bulk Export stream');
  const raw: AsyncIterable<unknown> & Partial<{ destroy(): void }> =
    typeof input === 'string' ? createReadStream(input) : (input as AsyncIterable<unknown>);
  const chunks = raw[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, toBuffer(next.value)]);
  }
  async function* bytes(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield toBuffer(next.value);
    }
  }
  const gzipped = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const gunzip = gzipped ? createGunzip() : undefined;
  const failed = gunzip ? pipeline(Readable.from(bytes()), gunzip) : undefined;
  failed?.catch(() => undefined);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of gunzip ?? bytes()) {
      const text = rest + decoder.write(chunk as Buffer);
      let start = 0;
      for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
        line++;
        const message = parseLine(text.slice(start, end), line, name, options.tenantId);
        if (message) yield message;
        start = end + 1;
      }
      rest = text.slice(start);
    }
    await failed;
    rest += decoder.end();
    if (rest.length > 0) {
      const message = parseLine(rest, line + 1, name, options.tenantId);
      if (message) yield message;
    }
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(
      `${name}: cannot read the Bulk Export file after line ${line}: ${messageOf(error)}`,
      [{ path: `line ${line + 1}`, message: messageOf(error) }],
    );
  } finally {
    gunzip?.destroy();
    raw.destroy?.();
  }
}

/** One line as a {@link HistoryMessage}; undefined for a blank line. */
function parseLine(
  text: string,
  line: number,
  name: string,
  tenantId: string | undefined,
): HistoryMessage | undefined {
  if (text.trim() === '') return undefined;
  let record: BulkExportRecord;
  try {
    record = JSON.parse(text) as BulkExportRecord;
  } catch (error) {
    throw invalid(name, line, `not valid JSON (${messageOf(error)})`);
  }
  if (typeof record !== 'object' || record === null) throw invalid(name, line, 'not a Message record');
  if (typeof record.sid !== 'string' || record.sid === '') throw invalid(name, line, 'sid is missing');
  if (typeof record.direction !== 'string') throw invalid(name, line, 'direction is missing');
  const sentAt = textOf(record.date_sent) ?? textOf(record.date_created) ?? '';
  const errorCode = Number(record.error_code);
  return omitUndefined({
    id: record.sid,
    direction: record.direction === 'inbound' ? 'inbound' : 'outbound',
    from: textOf(record.from) ?? '',
    to: textOf(record.to) ?? '',
    body: textOf(record.body) ?? null,
    sentAt,
    errorCode:
      record.error_code === null || record.error_code === undefined || Number.isNaN(errorCode)
        ? null
        : errorCode,
    ...(typeof record.account_sid === 'string' ? { accountId: record.account_sid } : {}),
    tenantId,
  });
}

function invalid(name: string, line: number, problem: string): ValidationError {
  return new ValidationError(`${name} line ${line}: ${problem}`, [
    { path: `line ${line}`, message: problem },
  ]);
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
