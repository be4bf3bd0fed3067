import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import {
  type ConsentManager,
  type ConsentStore,
  createConsentManager,
  createMemoryStore,
  type E164,
  type InboundResult,
  OptedOutError,
} from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { createFixedClock } from 'sms-consent/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfirmationClaim, createReplyClaims } from '../../src/ledger/confirmation.js';
import { createServerPool, DATABASE_URL, randomSchema } from '../postgres/helpers.js';

// Attacks on the one opt-out confirmation a handleInbound result claims: every test counts what
// reaches the number, on the memory store and on PostgreSQL (PGlite, and a server when set).

const LEAD = '+14155552671';
const STOP = { from: LEAD, body: 'please stop texting me', messageId: 'SM-stop-1' };
const START = { from: LEAD, body: 'START', messageId: 'SM-start-1' };
const STOP_AGAIN = { from: LEAD, body: 'please stop texting me', messageId: 'SM-stop-2' };

let db: PGlite;
let pool: pg.Pool | undefined;
beforeAll(async () => {
  db = await PGlite.create();
  if (DATABASE_URL) pool = createServerPool();
});
afterAll(async () => {
  await db?.close();
  await pool?.end();
});

type Backend = readonly [string, () => Promise<ConsentStore>];
const postgres = (client: () => PGlite | pg.Pool) => async () => {
  const store = createPostgresStore({ client: client(), schema: randomSchema() });
  await store.migrate();
  return store;
};
const backends: Backend[] = [
  ['memory', async () => createMemoryStore()],
  ['PGlite', postgres(() => db)],
  ...(DATABASE_URL ? [['PostgreSQL', postgres(() => pool as pg.Pool)] as const] : []),
];

describe.each(backends)('the claimed reply on %s', (_name, createStore) => {
  async function setup() {
    const store = await createStore();
    const clock = createFixedClock('2026-03-02T14:00:00Z');
    const manager = () => createConsentManager({ store, clock, defaultCountry: 'US' });
    const sent: string[] = [];
    const send = async (to: string, body: string) => {
      sent.push(`${to}:${body}`);
      return 'sent';
    };
    return { store, clock, a: manager(), b: manager(), sent, send };
  }

  /** Sends what is left: the reply of every result, then the guard with the confirmation text. */
  async function drain(
    managers: readonly ConsentManager[],
    results: readonly InboundResult[],
    text: string,
    send: (to: string, body: string) => Promise<string>,
  ) {
    for (const manager of managers) {
      for (const result of results) await manager.sendReply(result, send);
      await manager
        .sendChecked(LEAD, { body: text }, (to) => send(to, text))
        .catch((error) => {
          if (!(error instanceof OptedOutError)) throw error;
        });
    }
  }

  it('a put-back claim raced by releases, sendReply, redeliveries and sendChecked on two managers goes out once', async () => {
    const { a, b, sent, send } = await setup();
    const first = await a.handleInbound(STOP);
    const text = first.reply as string;
    expect(text).toBeTypeOf('string');
    const redeliveries: InboundResult[] = [];
    const guarded = (manager: ConsentManager) =>
      manager
        .sendChecked(LEAD, { body: text }, (to) => send(to, text))
        .catch((error) => {
          if (!(error instanceof OptedOutError)) throw error;
        });
    const redeliver = async (manager: ConsentManager) => {
      const result = await manager.handleInbound(STOP);
      redeliveries.push(result);
      await manager.sendReply(result, send);
    };
    await Promise.all([
      a.releaseReply(first),
      a.releaseReply(first),
      a.sendReply(first, send),
      ...[a, b, a, b].map(redeliver),
      ...[a, b, a, b].map(guarded),
      a.releaseReply(first),
    ]);
    await drain([a, b], [first, ...redeliveries], text, send);
    expect(sent).toEqual([`${LEAD}:${text}`]);
  });

  it('releaseReply called twice at once puts the claim back once', async () => {
    const { a } = await setup();
    const result = await a.handleInbound(STOP);
    const released = await Promise.all([a.releaseReply(result), a.releaseReply(result)]);
    expect(released.filter(Boolean)).toHaveLength(1);
  });

  it('a failed sendReply raced by a redelivery on the other manager: one send in all', async () => {
    const { a, b, sent, send } = await setup();
    const first = await a.handleInbound(STOP);
    const text = first.reply as string;
    const results: InboundResult[] = [first];
    await Promise.all([
      a.sendReply(first, () => Promise.reject(new Error('provider unreachable'))).catch(() => {}),
      (async () => {
        const again = await b.handleInbound(STOP);
        results.push(again);
        await b.sendReply(again, send);
      })(),
    ]);
    await drain([a, b], results, text, send);
    expect(sent).toEqual([`${LEAD}:${text}`]);
  });

  it('sendReply of an old opt-out result after START and a new STOP sends nothing: the new result sends its own', async () => {
    const { a, clock, sent, send } = await setup();
    const old = await a.handleInbound(STOP);
    clock.advance(1000);
    await a.handleInbound(START);
    clock.advance(1000);
    const fresh = await a.handleInbound(STOP_AGAIN);
    expect(fresh.reply).toBeTypeOf('string');
    expect(await a.sendReply(old, send)).toBeUndefined();
    expect(await a.sendReply(fresh, send)).toBe('sent');
    expect(sent).toHaveLength(1);
  });

  it('a claim held for an old opt-out is not sent once another manager recorded START and a new STOP', async () => {
    const { a, b, clock, sent, send } = await setup();
    const old = await a.handleInbound(STOP);
    clock.advance(1000);
    await b.handleInbound(START);
    clock.advance(1000);
    const fresh = await b.handleInbound(STOP_AGAIN);
    expect(await b.sendReply(fresh, send)).toBe('sent');
    // The number is opted out by the new STOP and got its one confirmation: the old claim is stale.
    expect(await a.sendReply(old, send)).toBeUndefined();
    expect(sent).toHaveLength(1);
  });

  it('a claim held for an opt-out another manager saw lifted sends no opt-out confirmation to an opted-in number', async () => {
    const { a, b, clock, send } = await setup();
    const old = await a.handleInbound(STOP);
    clock.advance(1000);
    await b.handleInbound(START);
    expect((await a.getStatus(LEAD)).status).toBe('opted_in');
    expect(await a.sendReply(old, send)).toBeUndefined();
  });

  it('the held claim lets only its own body, tenant and window through', async () => {
    const { a, clock, store } = await setup();
    const result = await a.handleInbound(STOP);
    const text = result.reply as string;
    await a.record({ phone: LEAD, action: 'opt_out', source: 'api', tenantId: 'other' });
    await expect(a.assertCanSend(LEAD, { body: 'Big sale!' })).rejects.toBeInstanceOf(OptedOutError);
    await expect(a.assertCanSend(LEAD, { body: `${text} ` })).rejects.toBeInstanceOf(OptedOutError);
    await expect(a.assertCanSend(LEAD, { body: text, tenantId: 'other' })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    const forged = { ...result, status: { ...result.status, tenantId: 'other' } };
    expect(await a.sendReply(forged, async () => 'sent')).toBeUndefined();
    clock.advance(5 * 60_000 + 1);
    await expect(a.assertCanSend('(415) 555-2671', { body: text })).rejects.toBeInstanceOf(OptedOutError);
    expect(await a.sendReply(result, async () => 'sent')).toBeUndefined();
    expect(await store.getStatus('default', LEAD as E164)).toMatchObject({ status: 'opted_out' });
  });

  it('sendReply of a forged result with the raw number sends nothing to an opted-out number', async () => {
    const { a, sent, send } = await setup();
    await a.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM-keyword' });
    const help = await a.handleInbound({ from: LEAD, body: 'HELP', messageId: 'SM-help' });
    const forged = {
      ...help,
      reply: 'Big sale! 50% off today',
      status: { ...help.status, phone: '(415) 555-2671' as E164 },
    };
    expect(await a.sendReply(forged, send)).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('a failed send of an old claim is not put back over the opt-out another manager recorded meanwhile', async () => {
    const { a, b, clock, sent, send } = await setup();
    const old = await a.handleInbound(STOP);
    let fresh: InboundResult | undefined;
    const failing = async () => {
      clock.advance(1000);
      await b.handleInbound(START);
      clock.advance(1000);
      fresh = await b.handleInbound(STOP_AGAIN);
      throw new Error('provider unreachable');
    };
    await expect(a.sendReply(old, failing)).rejects.toThrow('provider unreachable');
    expect(await a.releaseReply(old)).toBe(false);
    await expect(a.assertCanSend(LEAD, { body: old.reply as string })).rejects.toBeInstanceOf(OptedOutError);
    expect(await b.sendReply(fresh as InboundResult, send)).toBe('sent');
    expect(sent).toHaveLength(1);
  });

  it('another manager can neither put back nor send a claim it does not hold', async () => {
    const { a, b, sent, send } = await setup();
    const result = await a.handleInbound(STOP);
    expect(await b.releaseReply(result)).toBe(false);
    expect(await b.sendReply(result, send)).toBeUndefined();
    expect(await a.sendReply(result, send)).toBe('sent');
    expect(sent).toHaveLength(1);
  });
});

describe('the held claims in memory', () => {
  const phone = (index: number) => `+1415555${String(1000 + index)}` as E164;
  const claim = (until: string): ConfirmationClaim => ({ text: 'bye', until, causeEventId: 'evt' });
  const any = () => true;

  it('never sent, they are dropped once their window ended, even held out of order', async () => {
    const clock = createFixedClock('2026-03-02T14:00:00Z');
    const claims = createReplyClaims(clock);
    for (let index = 0; index < 1000; index++) {
      claims.hold('default', phone(index), claim('2026-03-02T14:05:00Z'));
    }
    // A claim taken back from the store keeps the earlier end of its window.
    claims.hold('default', phone(1000), claim('2026-03-02T14:01:00Z'));
    clock.set('2026-03-02T14:05:00.001Z');
    claims.hold('default', phone(1001), claim('2026-03-02T14:10:00Z'));
    const left = Array.from({ length: 1002 }, (_, index) => claims.peek('default', phone(index), any));
    expect(left.filter(Boolean)).toHaveLength(1);
  });

  it('a clock that goes back keeps them, and drops them once it passes their window again', async () => {
    const clock = createFixedClock('2026-03-02T14:00:00Z');
    const claims = createReplyClaims(clock);
    claims.hold('default', phone(0), claim('2026-03-02T14:05:00Z'));
    clock.set('2026-03-02T13:00:00Z');
    claims.hold('default', phone(1), claim('2026-03-02T13:05:00Z'));
    expect(claims.peek('default', phone(0), any)).toBeDefined();
    clock.set('2026-03-02T14:06:00Z');
    claims.hold('default', phone(2), claim('2026-03-02T14:11:00Z'));
    expect(claims.peek('default', phone(0), any)).toBeUndefined();
    expect(claims.peek('default', phone(1), any)).toBeUndefined();
  });
});
