import {
  type ConsentEvent,
  createConsentManager,
  createMemoryStore,
  sealEvent,
  verifyChain,
} from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';
import { verifyTenantLedger } from '../../src/consent/queries.js';

async function ledgerOfFive() {
  const store = createMemoryStore();
  const clock = createFixedClock('2026-03-02T14:00:00Z');
  const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
  for (let index = 0; index < 5; index++) {
    clock.advance(60_000);
    await consent.handleInbound({
      from: `+1415555267${index}`,
      body: index % 2 ? 'START' : 'STOP',
      messageId: `SM${index}`,
    });
  }
  const events = store.internals.tenants.get('default')?.events as ConsentEvent[];
  return { store, consent, events, verify: () => verifyTenantLedger(store, 'default') };
}

describe('verifyAuditTrail', () => {
  test('an untouched ledger verifies', async () => {
    const { consent } = await ledgerOfFive();
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 5 });
    expect(await consent.verifyAuditTrail({ tenantId: 'empty' })).toEqual({ ok: true, checked: 0 });
  });

  test('an edited event is found by its hash', async () => {
    const { consent, events } = await ledgerOfFive();
    const original = events[2] as ConsentEvent;
    events[2] = { ...original, evidence: { ...original.evidence, body: 'hello' } };
    expect(await consent.verifyAuditTrail()).toEqual({
      ok: false,
      checked: 2,
      brokenAt: { seq: 3, eventId: original.id, problem: 'hash_mismatch' },
    });
  });

  test('an edited occurredAt is found', async () => {
    const { consent, events } = await ledgerOfFive();
    const original = events[1] as ConsentEvent;
    events[1] = { ...original, occurredAt: '2020-01-01T00:00:00.000Z' };
    expect((await consent.verifyAuditTrail()).brokenAt).toMatchObject({ seq: 2, problem: 'hash_mismatch' });
  });

  test('two events with the same seq are found, also when they fall on either side of a page', async () => {
    for (const at of [2, 999]) {
      const store = createMemoryStore();
      const consent = createConsentManager({ store, defaultCountry: 'US' });
      for (let index = 0; index < at + 2; index++) {
        await consent.record({
          phone: `+1415555${String(5000 + index)}`,
          action: 'opt_out',
          source: 'import',
        });
      }
      const events = store.internals.tenants.get('default')?.events as ConsentEvent[];
      // A second writer that appended after the same head: same seq and link, its own content.
      const original = events[at] as ConsentEvent;
      const { seq, prevHash, hash: _hash, ...content } = original;
      const twin = sealEvent({ ...content, id: `${original.id}x` }, { seq: seq - 1, hash: prevHash ?? '' });
      events.splice(at + 1, 0, twin);
      expect(await consent.verifyAuditTrail()).toEqual({
        ok: false,
        checked: at + 1,
        brokenAt: { seq: at + 1, eventId: twin.id, problem: 'duplicate_seq' },
      });
    }
  });

  test('a removed event leaves a gap', async () => {
    const { consent, events } = await ledgerOfFive();
    events.splice(3, 1);
    expect(await consent.verifyAuditTrail()).toMatchObject({
      ok: false,
      checked: 3,
      brokenAt: { seq: 4, problem: 'sequence_gap' },
    });
  });

  test('reordered events break the chain', async () => {
    const { consent, events } = await ledgerOfFive();
    const [first, second] = events as [ConsentEvent, ConsentEvent];
    // Swap two events and renumber them: their prevHash no longer matches.
    events[0] = { ...second, seq: 1 };
    events[1] = { ...first, seq: 2 };
    expect(await consent.verifyAuditTrail()).toMatchObject({
      ok: false,
      checked: 0,
      brokenAt: { seq: 1, problem: 'chain_mismatch' },
    });
  });
});

describe('verifyTenantLedger: the ledger must end at the sealed chain head', () => {
  test('an untouched ledger verifies, and an empty tenant too', async () => {
    const { store, verify } = await ledgerOfFive();
    expect(await verify()).toEqual({ ok: true, checked: 5 });
    expect(await verifyTenantLedger(store, 'empty')).toEqual({ ok: true, checked: 0 });
  });

  test('the newest event removed is found as a head mismatch', async () => {
    const { events, verify } = await ledgerOfFive();
    events.pop();
    expect(await verify()).toEqual({ ok: false, checked: 4, brokenAt: { seq: 5, problem: 'head_mismatch' } });
  });

  test('the two newest events removed are found as a head mismatch', async () => {
    const { events, verify } = await ledgerOfFive();
    events.splice(3, 2);
    expect(await verify()).toEqual({ ok: false, checked: 3, brokenAt: { seq: 4, problem: 'head_mismatch' } });
  });

  test('every event removed is found as a head mismatch', async () => {
    const { events, verify } = await ledgerOfFive();
    events.length = 0;
    expect(await verify()).toEqual({ ok: false, checked: 0, brokenAt: { seq: 1, problem: 'head_mismatch' } });
  });

  test('a newest event replaced and resealed (a valid chain) does not match the head', async () => {
    const { events, verify } = await ledgerOfFive();
    const [fourth, fifth] = events.slice(3) as [ConsentEvent, ConsentEvent];
    const { seq: _seq, prevHash: _prevHash, hash: _hash, ...content } = fifth;
    const forged = sealEvent({ ...content, evidence: { ...content.evidence, body: 'hello' } }, fourth);
    events[4] = forged;
    expect(await verify()).toEqual({
      ok: false,
      checked: 5,
      brokenAt: { seq: 5, eventId: fifth.id, problem: 'head_mismatch' },
    });
  });

  test('events appended while the ledger is read are verified, not reported as a mismatch', async () => {
    const { store, consent } = await ledgerOfFive();
    let appended = false;
    const racing = {
      ...store,
      async readLedger(tenantId: string, options: { readonly afterSeq: number; readonly limit: number }) {
        const page = await store.readLedger(tenantId, options);
        if (!appended) {
          appended = true;
          await consent.handleInbound({ from: '+14155550199', body: 'STOP', messageId: 'SM-racing' });
        }
        return page;
      },
    };
    expect(await verifyTenantLedger(racing, 'default')).toEqual({ ok: true, checked: 6 });
  });
});

describe('verifyChain with a head', () => {
  test('a chain that ends at the head verifies; one that stops short or runs past it does not', async () => {
    const { events } = await ledgerOfFive();
    const fifth = events[4] as ConsentEvent;
    const head = { seq: fifth.seq, hash: fifth.hash };
    expect(await verifyChain(events, { head })).toEqual({ ok: true, checked: 5 });
    expect(await verifyChain(events.slice(0, 4), { head })).toMatchObject({
      ok: false,
      checked: 4,
      brokenAt: { seq: 5, problem: 'head_mismatch' },
    });
    expect(await verifyChain(events, { head: { seq: 4, hash: events[3]?.hash ?? '' } })).toMatchObject({
      ok: false,
      brokenAt: { seq: 5, problem: 'head_mismatch' },
    });
    expect(await verifyChain([], { head: null })).toEqual({ ok: true, checked: 0 });
    expect(await verifyChain(events.slice(0, 4))).toEqual({ ok: true, checked: 4 });
  });
});
