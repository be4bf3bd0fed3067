import { sealEvent } from '../../consent/audit.js';
import type { createIdGenerator } from '../../consent/ids.js';
import { foldConsent } from '../../consent/rules.js';
import type { ConsentEvent, UnsealedEvent } from '../../consent/types.js';
import type { E164 } from '../../phone.js';
import type { ConsentStore, PhoneTransaction } from '../../store/contract.js';
import type { SuiteContext, SuiteRunner } from './types.js';

export const PHONE = '+14155552671' as E164;
export const OTHER = '+14155550123' as E164;
/** The suite's fixed now, as the stores write timestamps. */
export const NOW = '2026-03-02T14:00:00.000Z';

type Ids = ReturnType<typeof createIdGenerator>;

/** An opt-out or opt-in of the transaction's number, not yet sealed. */
export function draftEvent(
  id: string,
  tx: Pick<PhoneTransaction, 'tenantId' | 'phone'>,
  action: 'opt_out' | 'opt_in',
): UnsealedEvent {
  return {
    id,
    tenantId: tx.tenantId,
    phone: tx.phone,
    action,
    source: 'api',
    occurredAt: NOW,
    recordedAt: NOW,
    applied: true,
    evidence: {},
  };
}

/**
 * The writes of one opt-out inside a transaction, straight on the store: seal after the head,
 * append, put the status row, enqueue a `crm_sync` job created at `jobCreatedAt`.
 */
export async function writeOptOut(
  tx: PhoneTransaction,
  ids: Ids,
  jobCreatedAt: string = NOW,
): Promise<ConsentEvent> {
  const event = sealEvent(draftEvent(ids('evt'), tx, 'opt_out'), await tx.chainHead());
  await tx.append(event);
  await tx.putStatus({
    status: 'opted_out',
    since: event.occurredAt,
    causeEventId: event.id,
    lastEventId: event.id,
  });
  await tx.enqueue({
    id: ids('job'),
    tenantId: tx.tenantId,
    phone: tx.phone,
    kind: 'crm_sync',
    eventId: event.id,
    createdAt: jobCreatedAt,
  });
  return event;
}

/** `count` opt-outs of distinct numbers of a tenant, each with its job, created a minute before {@link NOW}. */
export async function writeWithJobs(
  store: ConsentStore,
  ids: Ids,
  count: number,
  tenantId = 'default',
): Promise<void> {
  for (let index = 0; index < count; index++) {
    const phone = `+1415555${String(5000 + index)}` as E164;
    await store.transact(tenantId, phone, (tx) => writeOptOut(tx, ids, '2026-03-02T13:59:00.000Z'));
  }
}

/**
 * Checks that the status row of a number is the fold of its events, through the adapter and,
 * when there is an inspector, through its raw reads too. Returns the adapter's events.
 */
export async function expectFoldMatches(
  expect: SuiteRunner['expect'],
  { store, inspector }: Pick<SuiteContext, 'store' | 'inspector'>,
  tenantId: string,
  phone: E164,
): Promise<ConsentEvent[]> {
  const events = await store.getEvents(tenantId, phone);
  const fold = foldConsent(events);
  const status = await store.getStatus(tenantId, phone);
  expect(status?.status ?? 'unknown').toBe(fold.status);
  expect(status?.cause?.id).toBe(fold.cause?.id);
  if (inspector) {
    const raw = (await inspector.events(tenantId)).filter((event) => event.phone === phone);
    expect(raw.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    const rawFold = foldConsent(raw);
    const row = await inspector.status(tenantId, phone);
    expect(row?.status ?? 'unknown').toBe(rawFold.status);
    expect(row?.causeEventId).toBe(rawFold.cause?.id);
  }
  return events;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

export function allMethodNames(value: object): string[] {
  const names = new Set<string>();
  for (
    let current: object | null = value;
    current && current !== Object.prototype;
    current = Object.getPrototypeOf(current)
  ) {
    for (const name of Object.getOwnPropertyNames(current)) names.add(name);
  }
  return [...names];
}
