import type { ConsentEvent, E164 } from 'sms-consent';
import type { MemoryConsentStore, MemoryTenantData } from 'sms-consent/store';
import type { StoreInspector, StoreTamperer } from 'sms-consent/testing';

function tenantOf(store: MemoryConsentStore, tenantId: string): MemoryTenantData {
  const data = store.internals.tenants.get(tenantId);
  if (!data) throw new Error(`no tenant ${tenantId}`);
  return data;
}

function byPlace(a: ConsentEvent, b: ConsentEvent): number {
  return a.phone < b.phone
    ? -1
    : a.phone > b.phone
      ? 1
      : a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The memory store's raw data as the suite's inspector: events in ledger order (by phone, seq, id). */
export function memoryInspector(store: MemoryConsentStore): StoreInspector {
  return {
    events: async (tenantId) => [...(store.internals.tenants.get(tenantId)?.events ?? [])].sort(byPlace),
    status: async (tenantId, phone: E164) =>
      store.internals.tenants.get(tenantId)?.statuses.get(phone) ?? null,
    keyCount: async (tenantId) => store.internals.tenants.get(tenantId)?.keys.size ?? 0,
    jobs: async () => [...store.internals.jobs.values()],
    reviews: async (tenantId) =>
      [...(store.internals.reviews.get(tenantId)?.byId.values() ?? [])].map((review) => ({
        id: review.id,
        key: review.key,
        state: review.state,
        ...(review.resolution ? { decision: review.resolution.decision } : {}),
      })),
  };
}

/** Tampering straight on the memory store's internals, as the `audit` group needs it. */
export function memoryTamperer(store: MemoryConsentStore): StoreTamperer {
  const without = (list: ConsentEvent[], eventId: string) => {
    const index = list.findIndex((event) => event.id === eventId);
    if (index >= 0) list.splice(index, 1);
  };
  return {
    async writeStatusRow(tenantId, { head, ...row }) {
      const data = tenantOf(store, tenantId);
      data.statuses.set(row.phone, { ...row, tenantId, ...(head ? { head } : {}) });
    },
    async deleteStatusRow(tenantId, phone) {
      tenantOf(store, tenantId).statuses.delete(phone);
    },
    async insertEvent(event) {
      const data = tenantOf(store, event.tenantId);
      data.events.push(event);
      data.eventsById.set(event.id, event);
      const chain = data.eventsByPhone.get(event.phone);
      if (chain) chain.push(event);
      else data.eventsByPhone.set(event.phone, [event]);
    },
    async updateEvent(tenantId, eventId, event) {
      const data = tenantOf(store, tenantId);
      const old = data.eventsById.get(eventId);
      if (!old) throw new Error(`no event ${eventId}`);
      for (const list of [data.events, data.eventsByPhone.get(old.phone) ?? []]) {
        const index = list.indexOf(old);
        if (index >= 0) list[index] = event;
      }
      data.eventsById.delete(eventId);
      data.eventsById.set(event.id, event);
    },
    async deleteEvent(tenantId, eventId) {
      const data = tenantOf(store, tenantId);
      const old = data.eventsById.get(eventId);
      if (!old) throw new Error(`no event ${eventId}`);
      without(data.events, eventId);
      without(data.eventsByPhone.get(old.phone) ?? [], eventId);
      data.eventsById.delete(eventId);
    },
    async updateSnapshotHead(tenantId, checkpointId, head) {
      const data = tenantOf(store, tenantId);
      const heads = data.snapshots.get(checkpointId) ?? [];
      data.snapshots.set(
        checkpointId,
        heads.map((known) => (known.phone === head.phone ? head : known)),
      );
    },
  };
}
