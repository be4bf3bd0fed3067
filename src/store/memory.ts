import type { ChainHead } from '../consent/audit.js';
import type { Checkpoint } from '../consent/checkpoint.js';
import type { NumberHead } from '../consent/merkle.js';
import type { ConsentEvent, ConsentStatusValue } from '../consent/types.js';
import { ConsentError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import { assertTenantId } from '../helpers/tenant-id.js';
import type { E164 } from '../phone.js';
import { assertAppendable } from './append.js';
import type {
  ConsentStore,
  LedgerCursor,
  NewOutboxJob,
  NumberState,
  OutboxJob,
  PendingConfirmation,
  PhoneTransaction,
  StatusWrite,
  StoredStatus,
} from './contract.js';
import { compareJobs } from './job-order.js';
import { createKeyedMutex, type Release } from './keyed-mutex.js';
import { createMemoryReviews, type MemoryReviewData } from './memory-reviews.js';
import { createSortedKeys, type SortedKeys } from './sorted-keys.js';

/** A status row as the memory store keeps it: ids, not events, and the number's chain head. */
export interface MemoryStatusRow extends StatusWrite {
  readonly tenantId: string;
  readonly phone: E164;
  /**
   * The number's chain head, moved when a transaction commits and kept apart from the events, so
   * that removing a number's newest events is detected by `verifyAuditTrail`.
   */
  readonly head?: ChainHead;
}

/** The memory store's data, one object per tenant. */
export interface MemoryTenantData {
  /** Every event in the order it was committed. */
  readonly events: ConsentEvent[];
  readonly eventsById: Map<string, ConsentEvent>;
  /** Each number's chain in `seq` order. */
  readonly eventsByPhone: Map<E164, ConsentEvent[]>;
  /** Events of a tenant chain (`chain: 'tenant'`) in `seq` order: only tests put any here. */
  readonly legacy: ConsentEvent[];
  /** The frozen head of `legacy`. */
  legacyHead: ChainHead | null;
  readonly statuses: Map<E164, MemoryStatusRow>;
  /** Every number that was ever written, read sorted, for paging by phone. */
  readonly phones: SortedKeys<E164>;
  readonly keys: Map<string, string>;
  /** Snapshots of the numbers' heads, by checkpoint id. */
  readonly snapshots: Map<string, readonly NumberHead[]>;
  readonly checkpoints: Checkpoint[];
}

/**
 * The memory store's raw data, for tests that must look past the adapter (or tamper with the
 * ledger to prove the audit check). Changing it breaks every guarantee of the store.
 */
export interface MemoryStoreInternals {
  readonly tenants: Map<string, MemoryTenantData>;
  readonly jobs: Map<string, OutboxJob>;
  /** The review queue, per tenant. */
  readonly reviews: Map<string, MemoryReviewData>;
}

/** The memory store: a {@link ConsentStore} plus its raw data. */
export interface MemoryConsentStore extends ConsentStore {
  readonly internals: MemoryStoreInternals;
}

/**
 * The reference {@link ConsentStore}: everything in this process's memory, lost when it ends. For
 * development and tests; production wants `sms-consent/postgres`.
 *
 * @example
 * const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
 */
export function createMemoryStore(): MemoryConsentStore {
  const tenants = new Map<string, MemoryTenantData>();
  const jobs = new Map<string, OutboxJob>();
  const reviews = new Map<string, MemoryReviewData>();
  const locks = createKeyedMutex();

  function tenant(tenantId: string): MemoryTenantData {
    let data = tenants.get(tenantId);
    if (!data) {
      data = {
        events: [],
        eventsById: new Map(),
        eventsByPhone: new Map(),
        legacy: [],
        legacyHead: null,
        statuses: new Map(),
        phones: createSortedKeys(),
        keys: new Map(),
        snapshots: new Map(),
        checkpoints: [],
      };
      tenants.set(tenantId, data);
    }
    return data;
  }

  function toStatus(data: MemoryTenantData, row: MemoryStatusRow): StoredStatus {
    const cause = row.causeEventId === undefined ? undefined : data.eventsById.get(row.causeEventId);
    const lastEvent = row.lastEventId === undefined ? undefined : data.eventsById.get(row.lastEventId);
    // Every read of a status builds one (each text reads its number's): a literal with the fields
    // that are there, not `omitUndefined` over one that may hold undefined ones.
    const status: { -readonly [K in keyof StoredStatus]: StoredStatus[K] } = {
      tenantId: row.tenantId,
      phone: row.phone,
      status: row.status,
    };
    if (row.since !== undefined) status.since = row.since;
    if (cause !== undefined) status.cause = cause;
    if (lastEvent !== undefined) status.lastEvent = lastEvent;
    if (row.confirmation) status.confirmation = row.confirmation;
    return status;
  }

  async function transact<T>(
    tenantId: string,
    phone: E164,
    fn: (tx: PhoneTransaction) => Promise<T>,
  ): Promise<T> {
    assertTenantId(tenantId);
    const releases: Release[] = [await locks.acquire(`phone\u0000${tenantId}\u0000${phone}`)];
    const data = tenant(tenantId);
    const appended: ConsentEvent[] = [];
    const claims = new Map<string, string>();
    const queued: NewOutboxJob[] = [];
    let statusWrite: StatusWrite | undefined;
    let head: ChainHead | null | undefined;
    const tx: PhoneTransaction = {
      tenantId,
      phone,
      async events() {
        return [...(data.eventsByPhone.get(phone) ?? []), ...appended];
      },
      async claimKey(key, eventId) {
        releases.push(await locks.acquire(`key\u0000${tenantId}\u0000${key}`));
        const owner = data.keys.get(key) ?? claims.get(key);
        if (owner !== undefined) return { claimed: false, eventId: owner };
        claims.set(key, eventId);
        return { claimed: true };
      },
      async chainHead() {
        head ??= data.statuses.get(phone)?.head ?? null;
        const latest = appended.at(-1);
        return latest ? { seq: latest.seq, hash: latest.hash } : head;
      },
      async append(event) {
        assertAppendable(event, appended.at(-1) ?? head, tenantId, phone);
        appended.push(event);
      },
      async putStatus(row) {
        statusWrite = row;
      },
      async enqueue(job) {
        queued.push(job);
      },
    };
    try {
      const result = await fn(tx);
      commit();
      return result;
    } finally {
      for (const release of releases.reverse()) release();
    }

    function commit(): void {
      const isNew = !data.statuses.has(phone) && !data.eventsByPhone.has(phone);
      for (const event of appended) {
        // Frozen, evidence included: reads hand these very objects out (a status's cause, history),
        // and a caller that changed one would rewrite the ledger the next write folds.
        deepFreeze(event);
        data.events.push(event);
        data.eventsById.set(event.id, event);
        const ofPhone = data.eventsByPhone.get(phone);
        if (ofPhone) ofPhone.push(event);
        else data.eventsByPhone.set(phone, [event]);
      }
      const last = appended.at(-1);
      for (const [key, eventId] of claims) data.keys.set(key, eventId);
      // The head lives in the status row: an append without a status write still moves it.
      statusWrite ??= last ? (data.statuses.get(phone) ?? { status: 'unknown' }) : undefined;
      if (statusWrite) {
        const previous = data.statuses.get(phone);
        if (isNew) data.phones.add(phone);
        const confirmation: PendingConfirmation | null | undefined =
          statusWrite.confirmation === undefined ? previous?.confirmation : statusWrite.confirmation;
        const movedHead = last ? { seq: last.seq, hash: last.hash } : previous?.head;
        data.statuses.set(phone, {
          ...withoutConfirmation(statusWrite),
          tenantId,
          phone,
          ...(movedHead ? { head: movedHead } : {}),
          ...(confirmation ? { confirmation } : {}),
        });
      }
      for (const job of queued) {
        jobs.set(job.id, { ...job, state: 'pending', attempts: 0, availableAt: job.createdAt });
      }
    }
  }

  const store: MemoryConsentStore = {
    internals: { tenants, jobs, reviews },
    transact,
    ...createMemoryReviews(reviews),
    async getStatus(tenantId, phone) {
      assertTenantId(tenantId);
      const data = tenants.get(tenantId);
      const row = data?.statuses.get(phone);
      return data && row ? toStatus(data, row) : null;
    },
    async getStatuses(tenantId, phones) {
      assertTenantId(tenantId);
      const result = new Map<E164, ConsentStatusValue>();
      const statuses = tenants.get(tenantId)?.statuses;
      if (!statuses) return result;
      for (const phone of phones) {
        const row = statuses.get(phone);
        if (row) result.set(phone, row.status);
      }
      return result;
    },
    async listStatuses(tenantId, { status, after, limit }) {
      assertTenantId(tenantId);
      const data = tenants.get(tenantId);
      if (!data) return { items: [] };
      const phones = data.phones.sorted();
      const start = after === undefined ? 0 : firstIndex(phones, (phone) => phone > after);
      const items: StoredStatus[] = [];
      for (let index = start; index < phones.length; index++) {
        const phone = phones[index] as E164;
        const row = data.statuses.get(phone);
        if (!row || (status !== undefined && row.status !== status)) continue;
        if (items.length === limit) return { items, next: items.at(-1)?.phone ?? phone };
        items.push(toStatus(data, row));
      }
      return { items };
    },
    async getEvents(tenantId, phone) {
      assertTenantId(tenantId);
      return [...(tenants.get(tenantId)?.eventsByPhone.get(phone) ?? [])];
    },
    async getEvent(tenantId, eventId) {
      assertTenantId(tenantId);
      return tenants.get(tenantId)?.eventsById.get(eventId) ?? null;
    },
    async readLedger(tenantId, { after, limit }) {
      assertTenantId(tenantId);
      const data = tenants.get(tenantId);
      return data ? readLedgerPage(data, after, Math.max(0, Math.floor(limit))) : [];
    },
    async readNumberStates(tenantId, { after, limit }) {
      assertTenantId(tenantId);
      const data = tenants.get(tenantId);
      if (!data) return [];
      const states: NumberState[] = [];
      const phones = data.phones.sorted();
      const start = after === undefined ? 0 : firstIndex(phones, (phone) => phone > after);
      for (let index = start; index < phones.length && states.length < limit; index++) {
        const row = data.statuses.get(phones[index] as E164);
        if (row) states.push(numberState(row));
      }
      return states;
    },
    async getChainHead(tenantId) {
      assertTenantId(tenantId);
      return tenants.get(tenantId)?.legacyHead ?? null;
    },
    async snapshotHeads(tenantId, checkpointId) {
      assertTenantId(tenantId);
      const data = tenant(tenantId);
      const heads: NumberHead[] = [];
      let events = 0;
      for (const phone of data.phones.sorted()) {
        const head = data.statuses.get(phone)?.head;
        if (!head) continue;
        heads.push({ phone, seq: head.seq, hash: head.hash });
        events += head.seq;
      }
      data.snapshots.set(checkpointId, heads);
      return { numbers: heads.length, events };
    },
    async readSnapshot(tenantId, checkpointId, { after, limit }) {
      assertTenantId(tenantId);
      const heads = tenants.get(tenantId)?.snapshots.get(checkpointId) ?? [];
      const start = after === undefined ? 0 : firstIndex(heads, (head) => head.phone > after);
      return heads.slice(start, start + Math.max(0, Math.floor(limit)));
    },
    async saveCheckpoint(checkpoint) {
      assertTenantId(checkpoint.tenantId);
      const data = tenant(checkpoint.tenantId);
      if (data.checkpoints.some((known) => known.id === checkpoint.id)) {
        throw new ConsentError('STORE_FAILURE', `Checkpoint ${checkpoint.id} is already saved`);
      }
      data.checkpoints.push(checkpoint);
    },
    async listCheckpoints(tenantId, { limit }) {
      assertTenantId(tenantId);
      return [...(tenants.get(tenantId)?.checkpoints ?? [])].reverse().slice(0, Math.max(0, limit));
    },
    async consumeConfirmation(tenantId, phone, text, now) {
      assertTenantId(tenantId);
      const statuses = tenants.get(tenantId)?.statuses;
      const row = statuses?.get(phone);
      if (!statuses || !row?.confirmation) return false;
      if (row.confirmation.text !== text || Date.parse(row.confirmation.until) < Date.parse(now))
        return false;
      statuses.set(phone, withoutConfirmation(row));
      return true;
    },
    async claimJobs({ limit, leaseMs, now, leaseToken, kind, tenantId }) {
      if (tenantId !== undefined) assertTenantId(tenantId);
      const nowMs = Date.parse(now);
      const leaseUntil = new Date(nowMs + leaseMs).toISOString();
      const claimable = [...jobs.values()]
        .filter(
          (job) =>
            job.state === 'pending' &&
            (kind === undefined || job.kind === kind) &&
            (tenantId === undefined || job.tenantId === tenantId) &&
            Date.parse(job.availableAt) <= nowMs &&
            (job.leaseUntil === undefined || Date.parse(job.leaseUntil) <= nowMs),
        )
        .sort(compareJobs)
        .slice(0, limit);
      return claimable.map((job) => {
        const leased: OutboxJob = { ...job, leaseToken, leaseUntil };
        jobs.set(job.id, leased);
        return leased;
      });
    },
    async completeJob(jobId, leaseToken) {
      if (jobs.get(jobId)?.leaseToken !== leaseToken) return false;
      jobs.delete(jobId);
      return true;
    },
    async retryJob(jobId, leaseToken, { availableAt, error, dead }) {
      const job = jobs.get(jobId);
      if (!job || job.leaseToken !== leaseToken) return false;
      const { leaseToken: _token, leaseUntil: _until, ...rest } = job;
      jobs.set(jobId, {
        ...rest,
        attempts: job.attempts + 1,
        availableAt,
        lastError: error,
        state: dead ? 'dead' : 'pending',
      });
      return true;
    },
    async listJobs({ state, tenantId, limit }) {
      if (tenantId !== undefined) assertTenantId(tenantId);
      return [...jobs.values()]
        .filter((job) => job.state === state && (tenantId === undefined || job.tenantId === tenantId))
        .sort(compareJobs)
        .slice(0, limit);
    },
    async listTenants() {
      return [...tenants.entries()]
        .filter(([, data]) => data.phones.size > 0 || data.legacy.length > 0)
        .map(([tenantId]) => tenantId);
    },
    async close() {},
  };
  return store;
}

function numberState(row: MemoryStatusRow): NumberState {
  return omitUndefined({
    phone: row.phone,
    status: row.status,
    since: row.since,
    causeEventId: row.causeEventId,
    lastEventId: row.lastEventId,
    head: row.head ?? null,
  });
}

/** Orders a number's chain as every store reads it: by `seq`, then id. */
function byChainPlace(a: ConsentEvent, b: ConsentEvent): number {
  return a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** After `cursor` in ledger order: the tenant chain by seq, then numbers by phone, seq and id. */
function isAfter(event: ConsentEvent, cursor: LedgerCursor | undefined): boolean {
  if (!cursor) return true;
  if ((event.chain === 'tenant') !== (cursor.chain === 'tenant')) return cursor.chain === 'tenant';
  if (event.chain !== 'tenant' && event.phone !== cursor.phone) return event.phone > cursor.phone;
  return byChainPlace(event, cursor as ConsentEvent) > 0;
}

function readLedgerPage(
  data: MemoryTenantData,
  after: LedgerCursor | undefined,
  limit: number,
): ConsentEvent[] {
  const page: ConsentEvent[] = [];
  if (after === undefined || after.chain === 'tenant') {
    for (const event of [...data.legacy].sort(byChainPlace)) {
      if (page.length === limit) return page;
      if (isAfter(event, after)) page.push(event);
    }
  }
  const phones = data.phones.sorted();
  const start =
    after === undefined || after.chain === 'tenant' ? 0 : firstIndex(phones, (phone) => phone >= after.phone);
  for (let index = start; index < phones.length && page.length < limit; index++) {
    const chain = data.eventsByPhone.get(phones[index] as E164) ?? [];
    for (const event of [...chain].sort(byChainPlace)) {
      if (page.length === limit) break;
      if (isAfter(event, after)) page.push(event);
    }
  }
  return page;
}

function withoutConfirmation<T extends { readonly confirmation?: unknown }>(row: T): Omit<T, 'confirmation'> {
  const { confirmation: _confirmation, ...rest } = row;
  return rest;
}

/**
 * The first index of a sorted array whose item satisfies `isAfter` (false for a prefix, then true),
 * or its length. The ledger is in `seq` order (index = seq - 1, unless someone removed events).
 */
function firstIndex<T>(items: readonly T[], isAfter: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAfter(items[middle] as T)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Freezes a plain value and every object or array inside it. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}
