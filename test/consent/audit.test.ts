import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { type ConsentEvent, type ConsentStore, createConsentManager, createMemoryStore } from 'sms-consent';
import { sealEvent, verifyChain } from 'sms-consent/store';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test, vi } from 'vitest';
import { createMerkleBuilder, leafHash, merkleRoot, type NumberHead } from '../../src/consent/merkle.js';

/** Five texts from three numbers, on a memory store with a fixed clock. */
async function ledgerOfFive() {
  const store = createMemoryStore();
  const clock = createFixedClock('2026-03-02T14:00:00Z');
  const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
  for (let index = 0; index < 5; index++) {
    clock.advance(60_000);
    await consent.handleInbound({
      from: `+1415555267${index % 3}`,
      body: index % 2 ? 'START' : 'STOP',
      messageId: `SM${index}`,
    });
  }
  const chainOf = (phone: string) =>
    store.internals.tenants
      .get('default')
      ?.eventsByPhone.get(phone as ConsentEvent['phone']) as ConsentEvent[];
  return { store, consent, clock, chainOf };
}

/** RFC 6962 section 2.1, written as the recursive definition (split at the largest power of two below n). */
function recursiveRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0] as Buffer;
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(recursiveRoot(leaves.slice(0, split)))
    .update(recursiveRoot(leaves.slice(split)))
    .digest();
}

describe('Merkle root of a checkpoint', () => {
  test('the streamed root is the RFC 6962 tree hash for every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), (size) => {
        const heads: NumberHead[] = Array.from({ length: size }, (_, index) => ({
          phone: `+1415555${String(1000 + index)}`,
          seq: index + 1,
          hash: createHash('sha256').update(String(index)).digest('hex'),
        }));
        expect(merkleRoot(heads)).toBe(recursiveRoot(heads.map(leafHash)).toString('hex'));
      }),
    );
    expect(createMerkleBuilder().root()).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  test('any change of one head changes the root', () => {
    const heads: NumberHead[] = [
      { phone: '+14155550100', seq: 2, hash: 'a'.repeat(64) },
      { phone: '+14155550101', seq: 1, hash: 'b'.repeat(64) },
      { phone: '+14155550102', seq: 7, hash: 'c'.repeat(64) },
    ];
    const root = merkleRoot(heads);
    expect(merkleRoot(heads.map((head, index) => (index === 1 ? { ...head, seq: 2 } : head)))).not.toBe(root);
    expect(merkleRoot(heads.slice(0, 2))).not.toBe(root);
    expect(merkleRoot([heads[1], heads[0], heads[2]] as NumberHead[])).not.toBe(root);
  });
});

describe("verifyChain: one number's chain", () => {
  test('an untouched chain verifies; an edit, a gap, a swap and a duplicate are named', async () => {
    const { chainOf } = await ledgerOfFive();
    const chain = chainOf('+14155552670');
    expect(chain.map((event) => event.seq)).toEqual([1, 2]);
    expect(await verifyChain(chain)).toEqual({ ok: true, checked: 2 });
    const [first, second] = chain as [ConsentEvent, ConsentEvent];
    expect(
      (await verifyChain([{ ...first, occurredAt: '2020-01-01T00:00:00.000Z' }, second])).brokenAt,
    ).toMatchObject({ seq: 1, problem: 'hash_mismatch' });
    expect((await verifyChain([second])).brokenAt).toMatchObject({ seq: 1, problem: 'sequence_gap' });
    expect(
      (
        await verifyChain([
          { ...second, seq: 1 },
          { ...first, seq: 2 },
        ])
      ).brokenAt,
    ).toMatchObject({
      seq: 1,
      problem: 'chain_mismatch',
    });
    expect((await verifyChain([first, first])).brokenAt).toMatchObject({ seq: 1, problem: 'duplicate_seq' });
  });

  test('an event sealed on one number cannot continue another number', async () => {
    const { chainOf } = await ledgerOfFive();
    const [mine] = chainOf('+14155552670') as [ConsentEvent];
    const { seq: _s, prevHash: _p, hash: _h, ...content } = mine;
    const other = sealEvent({ ...content, phone: '+14155552671' as ConsentEvent['phone'] }, null);
    expect(other.hash).not.toBe(mine.hash);
  });
});

describe('verifyAuditTrail on a live store', () => {
  test('an untouched ledger verifies, and an empty tenant too', async () => {
    const { consent } = await ledgerOfFive();
    expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 5 });
    expect(await consent.verifyAuditTrail({ tenantId: 'empty' })).toEqual({ ok: true, checked: 0 });
  });

  test("two events in one place of a number's chain are found, also on either side of a ledger page", async () => {
    // 999: the original is the last event of the first page of 1000, its twin the first of the next.
    for (const at of [2, 999]) {
      const store = createMemoryStore();
      const clock = createFixedClock('2026-03-02T14:00:00Z');
      const consent = createConsentManager({ store, clock, defaultCountry: 'US' });
      const phone = '+14155555000';
      for (let index = 0; index < at + 2; index++) {
        clock.advance(1000);
        await consent.handleInbound({
          from: phone,
          body: index % 2 ? 'START' : 'STOP',
          messageId: `SM${index}`,
        });
      }
      const chain = store.internals.tenants
        .get('default')
        ?.eventsByPhone.get(phone as ConsentEvent['phone']) as ConsentEvent[];
      // A second writer that appended after the same head: same seq and link, its own content.
      const original = chain[at] as ConsentEvent;
      const { seq, prevHash, hash: _hash, mac: _mac, ...content } = original;
      const twin = sealEvent({ ...content, id: `${original.id}x` }, { seq: seq - 1, hash: prevHash ?? '' });
      chain.splice(at + 1, 0, twin);
      expect(await consent.verifyAuditTrail()).toMatchObject({
        ok: false,
        checked: at + 1,
        brokenAt: { seq: at + 1, eventId: twin.id, phone, problem: 'duplicate_seq' },
      });
    }
  });

  test('events appended while the ledger is read are verified, not reported as a mismatch', async () => {
    const { store, consent } = await ledgerOfFive();
    let appended = false;
    const racing: ConsentStore = {
      ...store,
      async readNumberStates(tenantId, paging) {
        const page = await store.readNumberStates(tenantId, paging);
        if (!appended) {
          appended = true;
          // A write to a number already read from the ledger, and one to a new number.
          await consent.handleInbound({ from: '+14155552670', body: 'START', messageId: 'SM-racing-1' });
          await consent.handleInbound({ from: '+14155550199', body: 'STOP', messageId: 'SM-racing-2' });
        }
        return page;
      },
    };
    const result = await createConsentManager({ store: racing }).verifyAuditTrail();
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThanOrEqual(5);
  });

  test('a checkpoint of another tenant is refused', async () => {
    const { consent } = await ledgerOfFive();
    const checkpoint = await consent.checkpoint({ tenantId: 'default' });
    await expect(consent.verifyAuditTrail({ tenantId: 'other', checkpoint })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      consent.verifyAuditTrail({ checkpoint: { ...checkpoint, root: 'not hex' } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  test('a short auditKey secret is a CONFIG error', () => {
    expect(() => createConsentManager({ store: createMemoryStore(), auditKey: 'short' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});

describe('periodic checkpoints', () => {
  test('startCheckpoints checkpoints every tenant now and then every interval, until stopped', async () => {
    vi.useFakeTimers();
    try {
      const { consent, store } = await ledgerOfFive();
      const received: string[] = [];
      const schedule = consent.startCheckpoints({
        intervalMs: 60_000,
        onCheckpoint: (checkpoint) => void received.push(`${checkpoint.tenantId}:${checkpoint.events}`),
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(received).toEqual(['default:5']);
      await consent.record({ phone: '+14155550100', action: 'opt_out', source: 'api', tenantId: 'firm-b' });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(received).toEqual(['default:5', 'default:5', 'firm-b:1']);
      await schedule.stop();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(received).toHaveLength(3);
      expect(await store.listCheckpoints('default', { limit: 10 })).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
