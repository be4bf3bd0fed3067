import { type AuditFinding, type AuditResult, type ChainHead, startChainWalk } from '../consent/audit.js';
import type { ResolvedAuditKey } from '../consent/audit-key.js';
import { type Checkpoint, checkpointPayload } from '../consent/checkpoint.js';
import type { NumberHead } from '../consent/merkle.js';
import { readAhead } from '../consent/read-ahead.js';
import type { FoldableEvent } from '../consent/rules.js';
import type { ConsentEvent } from '../consent/types.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { ConsentStore, NumberState } from '../store/contract.js';
import { snapshotHeads, snapshotRoot } from './checkpoints.js';
import { auditNumber, type NumberEvidence } from './verify-number.js';

/** Options of {@link verifyTenantLedger}. */
export interface VerifyLedgerOptions {
  /** A checkpoint kept outside the database: the ledger must extend it. */
  readonly checkpoint?: Checkpoint;
  /** The manager's audit key: MACs of events and the checkpoint's signature are checked with it. */
  readonly key?: ResolvedAuditKey;
}

const PAGE = 1000;
const MAX_FINDINGS = 100;

/** The tenant's whole ledger in ledger order (tenant chain first, then numbers by phone), a page at a time. */
export function readWholeLedger(store: ConsentStore, tenantId: string): AsyncGenerator<ConsentEvent> {
  return readAhead<ConsentEvent>(PAGE, (last) =>
    store.readLedger(tenantId, {
      limit: PAGE,
      ...(last
        ? {
            after: {
              phone: last.phone,
              seq: last.seq,
              id: last.id,
              ...(last.chain ? { chain: last.chain } : {}),
            },
          }
        : {}),
    }),
  );
}

function numberStates(store: ConsentStore, tenantId: string): AsyncGenerator<NumberState> {
  return readAhead<NumberState>(PAGE, (last) =>
    store.readNumberStates(tenantId, omitUndefined({ limit: PAGE, after: last?.phone })),
  );
}

/** An async iterator whose next item can be looked at before it is taken. */
function peekable<T>(source: AsyncIterator<T>) {
  let ahead: IteratorResult<T> | undefined;
  return {
    async peek(): Promise<T | undefined> {
      ahead ??= await source.next();
      return ahead.done ? undefined : ahead.value;
    },
    async take(): Promise<T | undefined> {
      const value = await this.peek();
      ahead = undefined;
      return value;
    },
  };
}

/**
 * Verifies a tenant's audit trail on a live store, streaming (memory does not grow with the ledger,
 * only with a migrated tenant chain's number of phones): every number's chain (hashes, links, no gap
 * or duplicate, and MACs with a key), that it ends at the head the store keeps with the status row,
 * that every status row equals the fold of its number's events, and a migrated tenant chain up to its
 * frozen head. With a checkpoint: its signature, that the store's copy of its heads still hashes to
 * its root, and that every chain still holds, unchanged, every event it had at the checkpoint.
 * A number written to while it is read is read again before anything is reported about it.
 */
export async function verifyTenantLedger(
  store: ConsentStore,
  tenantId: string,
  options: VerifyLedgerOptions = {},
): Promise<AuditResult> {
  const { checkpoint, key } = options;
  const findings: AuditFinding[] = [];
  const report = (found: readonly AuditFinding[]) => {
    for (const item of found) if (findings.length < MAX_FINDINGS) findings.push(item);
  };
  let checked = 0;
  let signature: AuditResult['signature'];
  let leavesTrusted = false;
  if (checkpoint) {
    signature = checkSignature(checkpoint, key, report);
    const stored = await snapshotRoot(store, tenantId, checkpoint.id);
    leavesTrusted = stored.root === checkpoint.root && stored.numbers === checkpoint.numbers;
    if (!leavesTrusted) report([{ seq: 0, problem: 'checkpoint_mismatch' }]);
  }

  const events = peekable(readWholeLedger(store, tenantId)[Symbol.asyncIterator]());
  const legacyHead = await store.getChainHead(tenantId);
  const legacy = new Map<string, FoldableEvent[]>();
  checked += await walkTenantChain(events, legacyHead, checkpoint?.legacy, legacy, report);
  const legacyPhones = [...legacy.keys()].sort();

  const states = peekable(numberStates(store, tenantId)[Symbol.asyncIterator]());
  const leaves = peekable(
    (checkpoint && leavesTrusted
      ? snapshotHeads(store, tenantId, checkpoint.id)
      : (async function* (): AsyncGenerator<NumberHead> {})())[Symbol.asyncIterator](),
  );
  let legacyIndex = 0;
  for (;;) {
    const candidates = [
      (await events.peek())?.phone,
      (await states.peek())?.phone,
      (await leaves.peek())?.phone,
      legacyPhones[legacyIndex],
    ].filter((phone): phone is string => phone !== undefined);
    if (candidates.length === 0) break;
    const [phone] = candidates.sort() as [string];
    const chain: ConsentEvent[] = [];
    while ((await events.peek())?.phone === phone) chain.push((await events.take()) as ConsentEvent);
    const state = (await states.peek())?.phone === phone ? await states.take() : undefined;
    const checkpointed = (await leaves.peek())?.phone === phone ? await leaves.take() : undefined;
    if (legacyPhones[legacyIndex] === phone) legacyIndex++;
    const evidence: NumberEvidence = {
      phone,
      events: chain,
      legacy: legacy.get(phone) ?? [],
      state,
      checkpointed,
    };
    let audit = auditNumber(evidence, key);
    if (audit.findings.length > 0) audit = auditNumber(await reread(store, tenantId, evidence), key);
    checked += audit.checked;
    report(audit.findings);
  }
  return {
    ok: findings.length === 0,
    checked,
    ...(findings[0] ? { brokenAt: findings[0], findings } : {}),
    ...(signature ? { signature } : {}),
  };
}

function checkSignature(
  checkpoint: Checkpoint,
  key: ResolvedAuditKey | undefined,
  report: (found: readonly AuditFinding[]) => void,
): AuditResult['signature'] {
  const { signature, ...body } = checkpoint;
  if (!signature) {
    // A manager with a key signs every checkpoint: an unsigned one did not come from it.
    if (key) report([{ seq: 0, problem: 'signature_invalid' }]);
    return 'none';
  }
  const verdict = key?.verify(signature, checkpointPayload(body));
  if (verdict === undefined) return 'unchecked';
  if (!verdict) report([{ seq: 0, problem: 'signature_invalid' }]);
  return 'verified';
}

/** Walks the tenant chain of a migrated ledger (the first events of the ledger), keeping what the folds need. */
async function walkTenantChain(
  events: ReturnType<typeof peekable<ConsentEvent>>,
  frozen: ChainHead | null,
  checkpointed: ChainHead | undefined,
  legacy: Map<string, FoldableEvent[]>,
  report: (found: readonly AuditFinding[]) => void,
): Promise<number> {
  const walk = startChainWalk('tenant');
  let broken = false;
  for (let event = await events.peek(); event?.chain === 'tenant'; event = await events.peek()) {
    await events.take();
    const { action, source, occurredAt, recordedAt, id } = event;
    const ofPhone = legacy.get(event.phone);
    if (ofPhone) ofPhone.push({ action, source, occurredAt, recordedAt, id });
    else legacy.set(event.phone, [{ action, source, occurredAt, recordedAt, id }]);
    if (broken) continue;
    const failed = walk.check(event);
    if (failed) {
      report([failed]);
      broken = true;
    }
  }
  if (!broken) {
    const last = walk.last;
    for (const expected of checkpointed ? [frozen, checkpointed] : [frozen]) {
      if ((expected?.seq ?? 0) !== (last?.seq ?? 0) || expected?.hash !== last?.hash) {
        const problem =
          expected === checkpointed && (last?.seq ?? 0) < (expected?.seq ?? 0)
            ? 'truncated'
            : 'head_mismatch';
        report([{ seq: Math.min(expected?.seq ?? 0, last?.seq ?? 0) + 1, problem }]);
        break;
      }
    }
  }
  return walk.checked;
}

/** The number read again (state, events, state) when its first reading found something: a write may have crossed it. */
async function reread(
  store: ConsentStore,
  tenantId: string,
  evidence: NumberEvidence,
): Promise<NumberEvidence> {
  const stateOf = async () =>
    (await store.readNumberStates(tenantId, { limit: 1, after: before(evidence.phone) })).find(
      (state) => state.phone === evidence.phone,
    );
  const first = await stateOf();
  const events = (await store.getEvents(tenantId, evidence.phone as ConsentEvent['phone']))
    .filter((event) => event.chain !== 'tenant')
    .sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const second = await stateOf();
  const settled = JSON.stringify(first) === JSON.stringify(second);
  return settled ? { ...evidence, events, state: second } : evidence;
}

/** The greatest string before `phone` for keyset paging: `phone` minus its last character's successor. */
function before(phone: string): string {
  return `${phone.slice(0, -1) + String.fromCharCode(Math.max(0, phone.charCodeAt(phone.length - 1) - 1))}\uffff`;
}
