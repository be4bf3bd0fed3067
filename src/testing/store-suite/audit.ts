import { generateKeyPairSync } from 'node:crypto';
import { type AuditProblem, sealEvent } from '../../consent/audit.js';
import type { AuditKey } from '../../consent/audit-key.js';
import { verifyCheckpointSignature } from '../../consent/checkpoint.js';
import type { ConsentEvent, UnsealedEvent } from '../../consent/types.js';
import { createConsentManager } from '../../manager/manager.js';
import type { E164 } from '../../phone.js';
import { OTHER, PHONE } from './fixtures.js';
import type { GroupKit, SuiteContext } from './types.js';

/** A fixed test secret; real ones come from the app's configuration. */
const SECRET = 'suite-audit-secret-0123456789abcdef';
const THIRD = '+14155550999' as E164;

/** Three numbers: PHONE opted out, OTHER out then in by text, THIRD out then a refused form opt-in. */
async function seedLedger({ store, clock }: SuiteContext, auditKey?: AuditKey) {
  const consent = createConsentManager({
    store,
    clock,
    defaultCountry: 'US',
    ...(auditKey ? { auditKey } : {}),
  });
  const texts: [E164, string][] = [
    [PHONE, 'STOP'],
    [OTHER, 'STOP'],
    [OTHER, 'START'],
    [THIRD, 'STOP'],
  ];
  for (const [index, [from, body]] of texts.entries()) {
    clock.advance(60_000);
    await consent.handleInbound({ from, body, messageId: `SM-audit-${index}` });
  }
  clock.advance(60_000);
  await consent.record({ phone: THIRD, action: 'opt_in', source: 'form', evidence: { consentText: 'Yes' } });
  const chain = async (phone: E164) =>
    (await store.getEvents('default', phone)).sort((a, b) => a.seq - b.seq);
  return { consent, chain };
}

/** An event's content without its place in the chain, to seal it again elsewhere. */
function contentOf(event: ConsentEvent): UnsealedEvent {
  const { seq: _seq, prevHash: _prev, hash: _hash, mac: _mac, chain: _chain, ...content } = event;
  return content;
}

/** The problems of a result, as `phone:problem`. */
function problems(result: { findings?: readonly { phone?: string; problem: AuditProblem }[] }): string[] {
  return (result.findings ?? []).map((finding) => `${finding.phone ?? '-'}:${finding.problem}`);
}

/** Checkpoints and keyed MACs: every tampering with the stored data is named by `verifyAuditTrail`. */
export function auditTests({ define, expect }: GroupKit): void {
  define(
    'an untouched ledger verifies against its signed checkpoint, and so do later writes',
    async (context) => {
      const { consent } = await seedLedger(context, SECRET);
      const checkpoint = await consent.checkpoint();
      expect(checkpoint).toMatchObject({ version: 1, tenantId: 'default', numbers: 3, events: 5 });
      expect(checkpoint.signature?.alg).toBe('HMAC-SHA256');
      expect(await context.store.listCheckpoints('default', { limit: 5 })).toEqual([checkpoint]);
      expect(await consent.verifyAuditTrail({ checkpoint })).toEqual({
        ok: true,
        checked: 5,
        signature: 'verified',
      });
      context.clock.advance(60_000);
      await consent.handleInbound({ from: PHONE, body: 'START', messageId: 'SM-after' });
      await consent.record({ phone: '+14155550100', action: 'opt_out', source: 'api' });
      expect(await consent.verifyAuditTrail({ checkpoint })).toEqual({
        ok: true,
        checked: 7,
        signature: 'verified',
      });
      expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: 7 });
    },
  );

  define('an Ed25519 checkpoint is checked with the public key alone', async (context) => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { consent } = await seedLedger(context, { secret: SECRET, privateKey });
    const checkpoint = await consent.checkpoint();
    expect(checkpoint.signature?.alg).toBe('Ed25519');
    expect(verifyCheckpointSignature(checkpoint, { publicKey: pem })).toBe(true);
    const auditor = createConsentManager({ store: context.store, auditKey: { publicKey: pem } });
    expect(await auditor.verifyAuditTrail({ checkpoint })).toMatchObject({ ok: true, signature: 'verified' });
    const forged = { ...checkpoint, root: '0'.repeat(64) };
    expect(verifyCheckpointSignature(forged, { publicKey: pem })).toBe(false);
    expect(problems(await auditor.verifyAuditTrail({ checkpoint: forged }))).toEqual([
      '-:signature_invalid',
      '-:checkpoint_mismatch',
    ]);
  });

  define(
    'a status row flipped to opted_in (UPDATE) is named, though canSend believed it',
    async (context) => {
      const { consent } = await seedLedger(context);
      const [state] = await context.store.readNumberStates('default', { limit: 1, after: '+14155552670' });
      await context.tamperer?.writeStatusRow('default', {
        ...(state as NonNullable<typeof state>),
        status: 'opted_in',
      });
      expect((await consent.canSend(PHONE)).allowed).toBe(true);
      expect(problems(await consent.verifyAuditTrail())).toEqual([`${PHONE}:status_mismatch`]);
    },
    { tamper: true },
  );

  define(
    'a deleted status row is named',
    async (context) => {
      const { consent } = await seedLedger(context);
      await context.tamperer?.deleteStatusRow('default', PHONE);
      expect(problems(await consent.verifyAuditTrail())).toContain(`${PHONE}:status_mismatch`);
    },
    { tamper: true },
  );

  define(
    'a forged, correctly chained sms START that moves the head passes a plain chain, not the MAC',
    async (context) => {
      const { consent, chain } = await seedLedger(context, SECRET);
      const checkpoint = await consent.checkpoint();
      const events = await chain(PHONE);
      const newest = events.at(-1) as ConsentEvent;
      const forged = sealEvent(
        {
          ...contentOf(newest),
          id: 'evt_forged',
          action: 'opt_in',
          source: 'sms',
          occurredAt: context.clock.now().toISOString(),
          recordedAt: context.clock.now().toISOString(),
          evidence: { messageId: 'SM-forged', body: 'START' },
        },
        { seq: newest.seq, hash: newest.hash },
      );
      await context.tamperer?.insertEvent(forged);
      await context.tamperer?.writeStatusRow('default', {
        phone: PHONE,
        status: 'opted_in',
        since: forged.occurredAt,
        causeEventId: forged.id,
        lastEventId: forged.id,
        head: { seq: forged.seq, hash: forged.hash },
      });
      expect((await consent.canSend(PHONE)).allowed).toBe(true);
      const plain = createConsentManager({ store: context.store });
      expect((await plain.verifyAuditTrail({ checkpoint })).ok).toBe(true);
      expect(problems(await consent.verifyAuditTrail({ checkpoint }))).toEqual([`${PHONE}:mac_missing`]);
      await context.tamperer?.updateEvent('default', forged.id, { ...forged, mac: 'ab'.repeat(32) });
      expect(problems(await consent.verifyAuditTrail())).toEqual([`${PHONE}:mac_invalid`]);
    },
    { tamper: true },
  );

  define(
    'an edited checkpointed event is named by its hash',
    async (context) => {
      const { consent, chain } = await seedLedger(context);
      const checkpoint = await consent.checkpoint();
      const [first] = await chain(OTHER);
      const edited = { ...(first as ConsentEvent), occurredAt: '2020-01-01T00:00:00.000Z' };
      await context.tamperer?.updateEvent('default', edited.id, edited);
      const result = await consent.verifyAuditTrail({ checkpoint });
      expect(result.brokenAt).toMatchObject({
        phone: OTHER,
        seq: 1,
        eventId: edited.id,
        problem: 'hash_mismatch',
      });
    },
    { tamper: true },
  );

  define(
    'a deleted checkpointed event leaves a gap',
    async (context) => {
      const { consent, chain } = await seedLedger(context);
      const checkpoint = await consent.checkpoint();
      const [first] = await chain(OTHER);
      await context.tamperer?.deleteEvent('default', (first as ConsentEvent).id);
      expect((await consent.verifyAuditTrail({ checkpoint })).brokenAt).toMatchObject({
        phone: OTHER,
        seq: 1,
        problem: 'sequence_gap',
      });
    },
    { tamper: true },
  );

  define(
    'reordered events break the chain',
    async (context) => {
      const { consent, chain } = await seedLedger(context);
      const [first, second] = (await chain(OTHER)) as [ConsentEvent, ConsentEvent];
      await context.tamperer?.updateEvent('default', first.id, { ...first, seq: 2 });
      await context.tamperer?.updateEvent('default', second.id, { ...second, seq: 1 });
      expect((await consent.verifyAuditTrail()).brokenAt).toMatchObject({
        phone: OTHER,
        problem: 'chain_mismatch',
      });
    },
    { tamper: true },
  );

  define(
    'a truncated chain with its head moved back is found against the checkpoint',
    async (context) => {
      const { consent, chain } = await seedLedger(context);
      const checkpoint = await consent.checkpoint();
      const [first, second] = (await chain(OTHER)) as [ConsentEvent, ConsentEvent];
      await context.tamperer?.deleteEvent('default', second.id);
      await context.tamperer?.writeStatusRow('default', {
        phone: OTHER,
        status: 'opted_out',
        since: first.occurredAt,
        causeEventId: first.id,
        lastEventId: first.id,
        head: { seq: 1, hash: first.hash },
      });
      expect((await consent.verifyAuditTrail()).ok).toBe(true);
      expect(problems(await consent.verifyAuditTrail({ checkpoint }))).toEqual([`${OTHER}:truncated`]);
    },
    { tamper: true },
  );

  define(
    'a rewritten chain (every hash recomputed) is found against the checkpoint',
    async (context) => {
      const { consent, chain } = await seedLedger(context);
      const checkpoint = await consent.checkpoint();
      const [first, second] = (await chain(OTHER)) as [ConsentEvent, ConsentEvent];
      const rewritten = sealEvent(
        { ...contentOf(first), evidence: { ...first.evidence, body: 'hello' } },
        null,
      );
      const next = sealEvent(contentOf(second), { seq: 1, hash: rewritten.hash });
      await context.tamperer?.updateEvent('default', first.id, rewritten);
      await context.tamperer?.updateEvent('default', second.id, next);
      const [state] = (await context.store.readNumberStates('default', { limit: 10 })).filter(
        (row) => row.phone === OTHER,
      );
      await context.tamperer?.writeStatusRow('default', {
        ...(state as NonNullable<typeof state>),
        head: { seq: 2, hash: next.hash },
      });
      expect((await consent.verifyAuditTrail()).ok).toBe(true);
      expect(problems(await consent.verifyAuditTrail({ checkpoint }))).toEqual([
        `${OTHER}:checkpoint_mismatch`,
      ]);
    },
    { tamper: true },
  );

  define(
    'a duplicated sequence is named',
    async (context) => {
      const { consent, chain } = await seedLedger(context);
      const [first] = (await chain(OTHER)) as [ConsentEvent];
      const twin = sealEvent({ ...contentOf(first), id: 'evt_twin', action: 'opt_in', source: 'sms' }, null);
      await context.tamperer?.insertEvent(twin);
      expect(problems(await consent.verifyAuditTrail())).toContain(`${OTHER}:duplicate_seq`);
    },
    { tamper: true },
  );

  define(
    'a checkpoint whose stored heads were changed no longer matches its root',
    async (context) => {
      const { consent, chain } = await seedLedger(context, SECRET);
      const checkpoint = await consent.checkpoint();
      const [first] = (await chain(OTHER)) as [ConsentEvent];
      await context.tamperer?.updateSnapshotHead('default', checkpoint.id, {
        phone: OTHER,
        seq: 1,
        hash: first.hash,
      });
      expect(problems(await consent.verifyAuditTrail({ checkpoint }))).toEqual(['-:checkpoint_mismatch']);
    },
    { tamper: true },
  );
}
