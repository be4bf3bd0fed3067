import fc from 'fast-check';
import {
  createConsentManager,
  createMemoryStore,
  type HistoryMessage,
  type InboundMessage,
} from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';
import type { BackfillProgress } from '../../src/ledger/backfill.js';

const FIRM = '+18005550100';
const LEAD = '+14155552671';

function manager() {
  const clock = createFixedClock('2026-06-01T00:00:00Z');
  return createConsentManager({ store: createMemoryStore(), clock, defaultCountry: 'US' });
}

let sequence = 0;
function inbound(
  from: string,
  body: string,
  at: string,
  id = `SM${String(++sequence).padStart(32, '0')}`,
): HistoryMessage {
  return { id, direction: 'inbound', from, to: FIRM, body, sentAt: at };
}

describe('backfill', () => {
  test('replays inbound texts in time order through the live rules and counts by intent', async () => {
    const consent = manager();
    const result = await consent.backfill([
      inbound(LEAD, 'START', '2026-01-03T10:00:00Z'),
      inbound(LEAD, 'Stop.', '2026-01-02T10:00:00Z'),
      inbound(LEAD, 'can you stop by at 3?', '2026-01-04T10:00:00Z'),
      inbound('(415) 555-0100', 'please stop texting me', '2026-01-05T10:00:00Z'),
      inbound('(415) 555-0101', 'HELP', '2026-01-05T10:00:00Z'),
    ]);
    expect(result).toMatchObject({
      read: 5,
      inbound: 5,
      intents: { opt_out: 2, opt_in: 1, help: 1, none: 1 },
      recorded: 3,
      duplicates: 0,
      changed: 3,
    });
    const lead = await consent.getStatus(LEAD);
    expect(lead).toMatchObject({ status: 'opted_in', since: '2026-01-03T10:00:00.000Z' });
    expect(lead.cause).toMatchObject({ source: 'sms', evidence: { body: 'START', keyword: 'START' } });
    expect((await consent.getStatus('+14155550100')).status).toBe('opted_out');
    expect((await consent.history(LEAD)).map((event) => event.idempotencyKey?.slice(0, 4))).toEqual([
      'msg:',
      'msg:',
    ]);
  });

  test('outbound 21610 is an opt-out at that time; outbound bodies are never classified', async () => {
    const consent = manager();
    const result = await consent.backfill([
      {
        id: 'SMout1',
        direction: 'outbound',
        from: FIRM,
        to: LEAD,
        body: 'STOP',
        sentAt: '2026-01-01T00:00:00Z',
      },
      {
        id: 'SMout2',
        direction: 'outbound',
        from: FIRM,
        to: LEAD,
        body: 'Hi!',
        sentAt: '2026-02-01T00:00:00Z',
        errorCode: 21610,
      },
      {
        id: 'SMout3',
        direction: 'outbound',
        from: FIRM,
        to: '+14155550100',
        body: 'x',
        sentAt: '2026-02-01T00:00:00Z',
        errorCode: 30003,
      },
    ]);
    expect(result).toMatchObject({ outbound: 3, deliveryErrors: 1, recorded: 1, intents: { opt_out: 0 } });
    const status = await consent.getStatus(LEAD);
    expect(status).toMatchObject({ status: 'opted_out', since: '2026-02-01T00:00:00.000Z' });
    expect(status.cause).toMatchObject({
      source: 'delivery_error',
      idempotencyKey: 'twilio-status:SMout2',
      evidence: { errorCode: 21610 },
    });
    expect(status.cause?.evidence.body).toBeUndefined();
  });

  test('messages handled live are duplicates, and a second backfill records nothing', async () => {
    const consent = manager();
    const history = [
      inbound(LEAD, 'STOP', '2026-01-02T10:00:00Z', 'SMlive'),
      inbound(LEAD, 'START', '2026-01-03T10:00:00Z'),
    ];
    await consent.handleInbound({
      from: LEAD,
      to: FIRM,
      body: 'STOP',
      messageId: 'SMlive',
      receivedAt: '2026-01-02T10:00:00Z',
    });
    expect(await consent.backfill(history)).toMatchObject({ recorded: 1, duplicates: 1 });
    expect(await consent.backfill(history)).toMatchObject({ recorded: 0, duplicates: 2, changed: 0 });
    expect(await consent.history(LEAD)).toHaveLength(2);
  });

  test('a backfill interrupted half-way and run again ends in the same state', async () => {
    const random = fc.sample(fc.integer(), { numRuns: 1, seed: 7 })[0] ?? 7;
    const history = generateHistory(400, 25, random);
    const whole = manager();
    await whole.backfill(history, { batchSize: 20 });

    const interrupted = manager();
    const controller = new AbortController();
    const stopHalfWay = (progress: BackfillProgress) => {
      if (progress.phase === 'apply' && progress.applied >= progress.events / 2) controller.abort();
    };
    await expect(
      interrupted.backfill(history, { batchSize: 20, onProgress: stopHalfWay, signal: controller.signal }),
    ).rejects.toThrow();
    const halfway = await interrupted.verifyAuditTrail();
    expect(halfway.checked).toBeGreaterThan(0);
    const finished = await interrupted.backfill(history, { batchSize: 20 });
    expect(finished.duplicates).toBe(halfway.checked);
    expect(await statuses(interrupted, history)).toEqual(await statuses(whole, history));
  });

  test('a newest-first source (as the Messages API lists) ends as an oldest-first one', async () => {
    const history = generateHistory(300, 10, 3, { distinctTimes: true });
    const forward = manager();
    const backward = manager();
    await forward.backfill(history);
    await backward.backfill([...history].reverse());
    expect(await statuses(backward, history)).toEqual(await statuses(forward, history));
  });

  test('short codes and sender ids are skipped and counted; unreadable times too', async () => {
    const consent = manager();
    const result = await consent.backfill([
      inbound('12345', 'STOP', '2026-01-01T00:00:00Z'),
      inbound('AMAZON', 'STOP', '2026-01-01T00:00:00Z'),
      inbound(LEAD, 'STOP', 'not a date'),
    ]);
    expect(result).toMatchObject({ invalidPhones: 2, invalidRecords: 1, recorded: 0 });
  });

  test('reports progress while reading and while writing; async sources are welcome', async () => {
    const consent = manager();
    async function* source() {
      for (let index = 0; index < 10; index++)
        yield inbound(`+1415555010${index}`, 'STOP', `2026-01-01T00:00:0${index}Z`);
    }
    const seen: BackfillProgress[] = [];
    await consent.backfill(source(), { batchSize: 4, onProgress: (progress) => void seen.push(progress) });
    expect(seen.map((progress) => [progress.phase, progress.applied])).toEqual([
      ['read', 0],
      ['apply', 4],
      ['apply', 8],
      ['apply', 10],
    ]);
  });

  test('property: backfill ends where live handling of the same messages in arrival order ends', async () => {
    const phones = ['+14155550101', '+14155550102', '(415) 555-0103', '+1 415 555 0104'];
    const bodies = [
      'STOP',
      'stop',
      'Stop.',
      'START',
      'UNSTOP',
      'yes',
      'YES',
      'HELP',
      'please stop texting me',
      'ok',
      'stop by at 3?',
      'ＳＴＯＰ',
      'unsubscribe',
    ];
    const arbitraryMessage = fc.record({
      phone: fc.constantFrom(...phones),
      body: fc.constantFrom(...bodies),
      minute: fc.integer({ min: 0, max: 20 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryMessage, { maxLength: 40 }), fc.nat(), async (drawn, seed) => {
        const messages: InboundMessage[] = drawn.map((message, index) => ({
          from: message.phone,
          to: FIRM,
          body: message.body,
          messageId: `SM${String(index).padStart(32, '0')}`,
          receivedAt: new Date(Date.UTC(2026, 0, 1, 0, message.minute)),
        }));
        // Providers retry: some messages arrive twice.
        const arrivals = [...messages];
        if (messages.length > 0)
          arrivals.splice(
            seed % (arrivals.length + 1),
            0,
            messages[seed % messages.length] as InboundMessage,
          );
        const live = manager();
        for (const message of arrivals) await live.handleInbound(message);
        const replayed = manager();
        await replayed.backfill(
          arrivals.map((message) => ({
            id: message.messageId as string,
            direction: 'inbound' as const,
            from: message.from,
            to: FIRM,
            body: message.body,
            sentAt: message.receivedAt as Date,
          })),
          { batchSize: 3, concurrency: 3 },
        );
        for (const phone of phones) {
          const a = await live.getStatus(phone);
          const b = await replayed.getStatus(phone);
          expect([b.status, b.since, b.cause?.evidence.messageId]).toEqual([
            a.status,
            a.since,
            a.cause?.evidence.messageId,
          ]);
        }
      }),
      { numRuns: 150 },
    );
  });
});

/** A history of `size` texts from `numbers` numbers, about one in five a keyword, times in 30 days. */
function generateHistory(
  size: number,
  numbers: number,
  seed: number,
  options: { distinctTimes?: boolean } = {},
): HistoryMessage[] {
  const bodies = ['STOP', 'START', 'hello', 'see you then', 'UNSUBSCRIBE', 'thanks', 'yes', 'ok', 'no'];
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: size }, (_, index) => ({
    id: `SMgen${seed}x${index}`,
    direction: 'inbound' as const,
    from: `+1415555${String(1000 + Math.floor(next() * numbers))}`,
    to: FIRM,
    body: bodies[Math.floor(next() * bodies.length)] as string,
    sentAt: new Date(
      Date.UTC(2026, 0, 1) + (options.distinctTimes ? index * 60_000 : Math.floor(next() * 30) * 86_400_000),
    ),
  }));
}

async function statuses(consent: ReturnType<typeof manager>, history: readonly HistoryMessage[]) {
  const phones = [...new Set(history.map((message) => message.from))].sort();
  return Promise.all(
    phones.map(async (phone) => {
      const status = await consent.getStatus(phone);
      return [phone, status.status, status.since, status.cause?.evidence.messageId];
    }),
  );
}
