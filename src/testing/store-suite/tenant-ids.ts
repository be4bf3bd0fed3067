import type { ConsentStore } from '../../store/contract.js';
import { NOW, PHONE } from './fixtures.js';
import type { GroupKit, SuiteContext } from './types.js';

/** Ids outside the one tenant-id rule: empty, too long, NUL, lone surrogates, not a string. */
export const INVALID_TENANT_IDS: readonly unknown[] = [
  '',
  'x'.repeat(201),
  'firm\u0000a',
  'firm-\uD800',
  '\uDC00firm',
  42,
];

/** Every store method that takes a tenant id, called with `tenantId`. */
function storeCalls(store: ConsentStore, tenantId: string): [string, () => Promise<unknown>][] {
  return [
    ['transact', () => store.transact(tenantId, PHONE, async (tx) => tx.events())],
    ['getStatus', () => store.getStatus(tenantId, PHONE)],
    ['getStatuses', () => store.getStatuses(tenantId, [PHONE])],
    ['listStatuses', () => store.listStatuses(tenantId, { limit: 10 })],
    ['getEvents', () => store.getEvents(tenantId, PHONE)],
    ['getEvent', () => store.getEvent(tenantId, 'evt_x')],
    ['readLedger', () => store.readLedger(tenantId, { limit: 10 })],
    ['readNumberStates', () => store.readNumberStates(tenantId, { limit: 10 })],
    ['getChainHead', () => store.getChainHead(tenantId)],
    ['snapshotHeads', () => store.snapshotHeads(tenantId, 'cpt_x')],
    ['readSnapshot', () => store.readSnapshot(tenantId, 'cpt_x', { limit: 10 })],
    [
      'saveCheckpoint',
      () =>
        store.saveCheckpoint({
          version: 1,
          id: 'cpt_x',
          tenantId,
          at: NOW,
          numbers: 0,
          events: 0,
          root: '0'.repeat(64),
        }),
    ],
    ['listCheckpoints', () => store.listCheckpoints(tenantId, { limit: 10 })],
    ['consumeConfirmation', () => store.consumeConfirmation(tenantId, PHONE, 'text', NOW)],
    ['claimJobs', () => store.claimJobs({ limit: 1, leaseMs: 1000, now: NOW, leaseToken: 't', tenantId })],
    ['listJobs', () => store.listJobs({ state: 'pending', tenantId, limit: 1 })],
    [
      'addReview',
      () =>
        store.addReview({
          id: 'rev_x',
          tenantId,
          phone: PHONE,
          key: 'msg:SM1',
          body: 'Not interested',
          from: PHONE,
          receivedAt: NOW,
          dueBy: NOW,
          classification: { intent: 'none', match: null },
          createdAt: NOW,
        }),
    ],
    ['getReview', () => store.getReview(tenantId, 'rev_x')],
    ['listReviews', () => store.listReviews(tenantId, { limit: 10 })],
    [
      'resolveReview',
      () => store.resolveReview(tenantId, 'rev_x', { decision: 'opt_out', actor: 'ana', resolvedAt: NOW }),
    ],
  ];
}

/** Every manager method that takes a tenant id, reads first. */
function managerCalls({ consent }: SuiteContext, tenantId: string): [string, () => Promise<unknown>][] {
  return [
    ['canSend', () => consent.canSend(PHONE, { tenantId })],
    ['assertCanSend', () => consent.assertCanSend(PHONE, { tenantId })],
    ['partitionRecipients', () => consent.partitionRecipients([PHONE], { tenantId })],
    ['getStatus', () => consent.getStatus(PHONE, { tenantId })],
    ['history', () => consent.history(PHONE, { tenantId })],
    ['explain', () => consent.explain(PHONE, { tenantId })],
    ['verifyAuditTrail', () => consent.verifyAuditTrail({ tenantId })],
    ['checkpoint', () => consent.checkpoint({ tenantId })],
    [
      'exportOptOuts',
      async () => consent.exportOptOuts({ tenantId, format: 'csv' })[Symbol.asyncIterator]().next(),
    ],
    ['record', () => consent.record({ phone: PHONE, action: 'opt_out', source: 'admin', tenantId })],
    ['handleInbound', () => consent.handleInbound({ from: PHONE, body: 'STOP', messageId: 'SM1', tenantId })],
    [
      'handleInbound (review)',
      () => consent.handleInbound({ from: PHONE, body: 'Not interested', messageId: 'SM2', tenantId }),
    ],
    ['reviews', () => consent.reviews({ tenantId })],
    ['resolveReview', () => consent.resolveReview('rev_x', { decision: 'opt_out', actor: 'ana', tenantId })],
  ];
}

/** The one tenant-id rule: reads fail closed with the same typed error as writes, in every store. */
export function tenantIdTests({ define, expect }: GroupKit): void {
  define('a tenant id outside the rule is refused by every store method, reads included', async (context) => {
    for (const tenantId of INVALID_TENANT_IDS) {
      for (const [name, call] of storeCalls(context.store, tenantId as string)) {
        const outcome = await call().then(
          () => `${name}(${JSON.stringify(tenantId)}) resolved`,
          (error: { code?: unknown }) => error.code,
        );
        expect(outcome).toBe('INVALID_INPUT');
      }
    }
    expect(await context.store.listTenants()).toEqual([]);
  });

  define('the manager refuses those ids on reads as on writes, with the same error', async (context) => {
    for (const tenantId of INVALID_TENANT_IDS) {
      for (const [name, call] of managerCalls(context, tenantId as string)) {
        const outcome = await call().then(
          () => `${name}(${JSON.stringify(tenantId)}) resolved`,
          (error: { code?: unknown }) => error.code,
        );
        expect(outcome).toBe('INVALID_INPUT');
      }
    }
    expect(await context.store.listTenants()).toEqual([]);
  });

  define('ids at the edges of the rule are kept apart exactly', async ({ consent, store }) => {
    const longest = 'x'.repeat(200);
    const astral = 'firm-\u{1F600}';
    await consent.record({ phone: PHONE, action: 'opt_out', source: 'admin', tenantId: longest });
    await consent.record({ phone: PHONE, action: 'opt_out', source: 'admin', tenantId: astral });
    expect((await consent.canSend(PHONE, { tenantId: longest })).allowed).toBe(false);
    expect((await consent.canSend(PHONE, { tenantId: astral })).allowed).toBe(false);
    expect((await consent.canSend(PHONE, { tenantId: longest.slice(1) })).allowed).toBe(true);
    expect((await store.listTenants()).sort()).toEqual([astral, longest].sort());
  });
}
