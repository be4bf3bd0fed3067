import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createConsentManager, createMemoryStore, type HistoryMessage } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import {
  readTwilioBulkExport,
  type TwilioHistoryClient,
  type TwilioMessageHistoryOptions,
  twilioMessageHistory,
} from 'sms-consent/twilio';
import twilio from 'twilio';
import { afterAll, describe, expect, test } from 'vitest';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const FIRM = '+18005550100';
const LEAD = '+14155552671';
const folder = mkdtempSync(join(tmpdir(), 'sms-consent-bulk-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A Message record as Bulk Export writes it: snake_case, ISO 8601 UTC dates. */
function record(index: number, fields: Record<string, unknown> = {}) {
  return {
    sid: `SM${String(index).padStart(32, '0')}`,
    account_sid: ACCOUNT,
    from: LEAD,
    to: FIRM,
    body: 'hello',
    direction: 'inbound',
    status: 'received',
    error_code: null,
    num_media: '0',
    messaging_service_sid: null,
    date_created: `2026-01-01T00:0${index}:00Z`,
    date_sent: `2026-01-01T00:0${index}:01Z`,
    date_updated: `2026-01-01T00:0${index}:02Z`,
    ...fields,
  };
}

const lines = (records: readonly object[]) => `${records.map((entry) => JSON.stringify(entry)).join('\n')}\n`;

async function collect(source: AsyncIterable<HistoryMessage>): Promise<HistoryMessage[]> {
  const all: HistoryMessage[] = [];
  for await (const message of source) all.push(message);
  return all;
}

describe('readTwilioBulkExport', () => {
  const records = [
    record(1, { body: 'STOP' }),
    record(2, {
      direction: 'outbound-api',
      from: FIRM,
      to: '+14155550100',
      body: 'promo',
      error_code: 21610,
      date_sent: null,
    }),
    record(3, { direction: 'outbound-reply', from: FIRM, to: LEAD, body: 'STOP' }),
  ];

  test('reads gzip and plain files alike, told apart by their magic bytes', async () => {
    const gz = join(folder, 'day.json');
    const plain = join(folder, 'day.json.gz');
    writeFileSync(gz, gzipSync(lines(records)));
    writeFileSync(plain, lines(records));
    const fromGzip = await collect(readTwilioBulkExport(gz));
    const fromPlain = await collect(readTwilioBulkExport(plain));
    expect(fromGzip).toEqual(fromPlain);
    expect(fromGzip).toEqual([
      {
        id: records[0]?.sid,
        direction: 'inbound',
        from: LEAD,
        to: FIRM,
        body: 'STOP',
        sentAt: '2026-01-01T00:01:01Z',
        errorCode: null,
        accountId: ACCOUNT,
      },
      {
        id: records[1]?.sid,
        direction: 'outbound',
        from: FIRM,
        to: '+14155550100',
        body: 'promo',
        sentAt: '2026-01-01T00:02:00Z',
        errorCode: 21610,
        accountId: ACCOUNT,
      },
      {
        id: records[2]?.sid,
        direction: 'outbound',
        from: FIRM,
        to: LEAD,
        body: 'STOP',
        sentAt: '2026-01-01T00:03:01Z',
        errorCode: null,
        accountId: ACCOUNT,
      },
    ]);
  });

  test('streams: chunks split anywhere, even inside a character or the gzip header', async () => {
    const text = lines([record(1, { body: 'ARRÊT 😀' }), record(2)]);
    for (const bytes of [Buffer.from(text), gzipSync(text)]) {
      const pieces = Array.from({ length: Math.ceil(bytes.length / 1) }, (_, index) =>
        bytes.subarray(index, index + 1),
      );
      const messages = await collect(readTwilioBulkExport(Readable.from(pieces), { tenantId: 'acme' }));
      expect(messages.map((message) => [message.body, message.tenantId])).toEqual([
        ['ARRÊT 😀', 'acme'],
        ['hello', 'acme'],
      ]);
    }
  });

  test('names the line of malformed JSON or a record without sid; skips blank lines', async () => {
    const file = join(folder, 'broken.json');
    writeFileSync(file, `${JSON.stringify(record(1))}\n\n{"sid": "SM2", "direction": "inbound",\n`);
    await expect(collect(readTwilioBulkExport(file))).rejects.toThrow(`${file} line 3: not valid JSON`);
    writeFileSync(file, `${JSON.stringify(record(1))}\r\n${JSON.stringify({ direction: 'inbound' })}`);
    await expect(collect(readTwilioBulkExport(file))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `${file} line 2: sid is missing`,
    });
  });

  test('a corrupt gzip file is an error, not an empty history', async () => {
    const file = join(folder, 'corrupt.json.gz');
    writeFileSync(file, gzipSync(lines(records)).subarray(0, 30));
    await expect(collect(readTwilioBulkExport(file))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  test('backfills a day file: inbound keywords and 21610 errors become opt-outs', async () => {
    const file = join(folder, 'backfill.json.gz');
    writeFileSync(file, gzipSync(lines(records)));
    const consent = createConsentManager({
      store: createMemoryStore(),
      clock: createFixedClock(),
      defaultCountry: 'US',
    });
    const result = await consent.backfill(readTwilioBulkExport(file));
    expect(result).toMatchObject({ read: 3, inbound: 1, outbound: 2, deliveryErrors: 1, recorded: 2 });
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    expect((await consent.getStatus('+14155550100')).cause?.source).toBe('delivery_error');
  });
});

describe('twilioMessageHistory', () => {
  test('pages through the Messages API with the real twilio client', async () => {
    const seen: URL[] = [];
    const message = (index: number, fields: Record<string, unknown>) => ({
      ...record(index),
      date_sent: `Thu, 01 Jan 2026 00:0${index}:01 +0000`,
      date_created: `Thu, 01 Jan 2026 00:0${index}:00 +0000`,
      date_updated: `Thu, 01 Jan 2026 00:0${index}:02 +0000`,
      api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${ACCOUNT}/Messages/SM${index}.json`,
      ...fields,
    });
    const path = `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push(url);
      const second = url.searchParams.get('Page') === '1';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          messages: second
            ? [message(1, { body: 'STOP' })]
            : [
                message(3, { body: 'START' }),
                message(2, { direction: 'outbound-api', from: FIRM, to: LEAD, error_code: 21610 }),
              ],
          page: second ? 1 : 0,
          page_size: 2,
          first_page_uri: `${path}?PageSize=2&Page=0`,
          next_page_uri: second ? null : `${path}?PageSize=2&Page=1&PageToken=PASM1`,
          previous_page_uri: null,
          uri: url.pathname + url.search,
          start: second ? 2 : 0,
          end: second ? 2 : 1,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = twilio(ACCOUNT, 'auth-token');
      client.api.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const options: TwilioMessageHistoryOptions = { since: '2025-12-01', to: FIRM, pageSize: 2 };
      const history = await collect(twilioMessageHistory(client, options));
      expect(history.map((entry) => [entry.direction, entry.body, entry.errorCode])).toEqual([
        ['inbound', 'START', null],
        ['outbound', 'hello', 21610],
        ['inbound', 'STOP', null],
      ]);
      expect(history[0]?.sentAt).toEqual(new Date('2026-01-01T00:03:01Z'));
      expect(seen[0]?.searchParams.get('To')).toBe(FIRM);
      expect(seen[0]?.searchParams.get('DateSent>')).toBe('2025-12-01T00:00:00Z');
      expect(seen).toHaveLength(2);

      const consent = createConsentManager({
        store: createMemoryStore(),
        clock: createFixedClock(),
        defaultCountry: 'US',
      });
      await consent.backfill(twilioMessageHistory(client, options));
      expect((await consent.getStatus(LEAD)).status).toBe('opted_in');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('accepts any client of the twilio shape', async () => {
    const client: TwilioHistoryClient = {
      messages: {
        page: async () => ({
          instances: [
            { sid: 'SM1', direction: 'inbound', from: LEAD, to: FIRM, body: 'STOP', dateSent: new Date(0) },
          ],
          nextPage: () => undefined,
        }),
      },
    };
    const history = await collect(twilioMessageHistory(client));
    expect(history).toEqual([
      {
        id: 'SM1',
        direction: 'inbound',
        from: LEAD,
        to: FIRM,
        body: 'STOP',
        sentAt: new Date(0),
        errorCode: null,
      },
    ]);
  });
});
