import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, test } from 'vitest';
import { type BulkRecord, writeBulkExport } from './fixtures.js';
import { pgliteKind, runCli } from './helpers.js';

const kind = pgliteKind();
const folder = mkdtempSync(join(tmpdir(), 'sms-consent-cli-formulas-'));
afterAll(async () => {
  await kind.close();
  rmSync(folder, { recursive: true, force: true });
});

const bodies = ['Stop texting me\nThis is John', 'STOP\rnow', '=STOP', '@STOP', '-STOP', '+STOP', '\tSTOP'];
const records: BulkRecord[] = bodies.map((body, index) => ({
  sid: `SM${String(index).padStart(32, '0')}`,
  account_sid: `AC${'0'.repeat(32)}`,
  from: `+1415555${1000 + index}`,
  to: '+18005550100',
  body,
  direction: 'inbound',
  status: 'received',
  error_code: null,
  date_sent: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
  date_created: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
}));

/** Reads a CSV the way spreadsheets do: CR, LF and CRLF all end a record. */
const readCsv = (text: string) =>
  parse(text, { columns: true, record_delimiter: ['\r\n', '\n', '\r'] }) as Record<string, string>[];

describe('sms-consent export of hostile bodies', () => {
  test('keeps each multi-line body on its row and neutralizes formulas, unless --raw-formulas', {
    timeout: 120_000,
  }, async () => {
    const store = await kind.create();
    const file = join(folder, 'history.json');
    writeBulkExport(file, records);
    expect((await runCli(['import', file, '--quiet', ...store.flags])).code).toBe(0);

    const out = join(folder, 'opt-outs.csv');
    expect((await runCli(['export', '--out', out, ...store.flags])).code).toBe(0);
    const rows = readCsv(readFileSync(out, 'utf8'));
    expect(rows.map((row) => row.body)).toEqual([
      'Stop texting me\nThis is John',
      'STOP\rnow',
      ...bodies.slice(2).map((body) => `'${body}`),
    ]);

    const raw = await runCli(['export', '--raw-formulas', ...store.flags]);
    expect(raw.code).toBe(0);
    expect(readCsv(raw.stdout).map((row) => row.body)).toEqual(bodies);
  });
});
