import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const ACCOUNT = `AC${'0'.repeat(32)}`;
const FIRM = '+18005550100';
const BASE = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;

/** A Message record as Twilio Bulk Export writes it (snake_case, ISO 8601 UTC dates). */
export interface BulkRecord {
  readonly sid: string;
  readonly account_sid: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly direction: 'inbound' | 'outbound-api';
  readonly status: string;
  readonly error_code: number | null;
  readonly date_sent: string | null;
  readonly date_created: string;
}

/** A synthetic account history and, independently of the library, what it should lead to. */
export interface History {
  readonly records: readonly BulkRecord[];
  /** Expected opt-out list at `asOf` (ms): phone → opted_out_at, by a plain fold of the model. */
  optOutsAsOf(asOf: number): Map<string, string>;
  /** The instant of the `index`-th message in time order. */
  timeAt(index: number): number;
}

/**
 * `count` messages over `phones` numbers, in scrambled time order (so files are not sorted): inbound
 * STOP, START and chit-chat, outbound messages of which some failed with 21610, and a few texts from
 * a short code (skipped). Every message has its own minute, so the model has no ties.
 */
export function makeHistory(count: number, phones: number): History {
  const records: BulkRecord[] = [];
  const model: { phone: string; at: number; action: 'opt_out' | 'opt_in' }[] = [];
  const stride = coprimeStride(count);
  for (let i = 0; i < count; i++) {
    const at = BASE + ((i * stride) % count) * MINUTE;
    const phone = `+1415555${String(1000 + (i % phones)).padStart(4, '0')}`;
    const inbound = i % 3 !== 0;
    const shortCode = inbound && i % 97 === 5;
    const body = inbound
      ? i % 4 === 0
        ? 'STOP'
        : i % 4 === 1
          ? 'START'
          : 'see you then'
      : 'Your appointment';
    const refused = !inbound && i % 11 === 0;
    records.push({
      sid: `SM${String(i).padStart(32, '0')}`,
      account_sid: ACCOUNT,
      from: inbound ? (shortCode ? '12345' : phone) : FIRM,
      to: inbound ? FIRM : phone,
      body,
      direction: inbound ? 'inbound' : 'outbound-api',
      status: inbound ? 'received' : refused ? 'failed' : 'delivered',
      error_code: refused ? 21610 : null,
      // Some records carry only date_created, as undelivered ones do.
      date_sent: i % 13 === 0 ? null : new Date(at).toISOString(),
      date_created: new Date(at).toISOString(),
    });
    if (shortCode) continue;
    if (inbound && body === 'STOP') model.push({ phone, at, action: 'opt_out' });
    if (inbound && body === 'START') model.push({ phone, at, action: 'opt_in' });
    if (refused) model.push({ phone, at, action: 'opt_out' });
  }
  model.sort((a, b) => a.at - b.at);
  return {
    records,
    timeAt: (index) => BASE + index * MINUTE,
    optOutsAsOf(asOf) {
      const since = new Map<string, string>();
      for (const event of model) {
        if (event.at > asOf) break;
        if (event.action === 'opt_in') since.delete(event.phone);
        else if (!since.has(event.phone)) since.set(event.phone, new Date(event.at).toISOString());
      }
      return since;
    },
  };
}

/** Writes records as a Bulk Export day file (JSON lines), gzip-compressed when the name ends in .gz. */
export function writeBulkExport(path: string, records: readonly BulkRecord[]): void {
  const text = `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text);
}

function coprimeStride(count: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.floor(count * 0.618) | 1;
  while (gcd(stride, count) !== 1) stride += 2;
  return stride;
}
