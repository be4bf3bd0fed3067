import { PGlite } from '@electric-sql/pglite';
import { createConsentManager, createMemoryStore, type InboundMessage } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import { revocationDueBy } from '../src/review/business-days.js';
import { type Bench, measure, ratio } from './harness.js';

const MEMORY_TEXTS = 20_000;
const PGLITE_TEXTS = 500;
const DATES = 200_000;

/** `count` texts from as many numbers, one body for all, distinct message ids. */
function texts(count: number, body: string): InboundMessage[] {
  const start = Date.UTC(2026, 0, 5);
  return Array.from({ length: count }, (_, index) => ({
    from: `+1415${2_000_000 + index}`,
    to: '+18005550100',
    body,
    messageId: `SM${index.toString(16).padStart(32, '0')}`,
    receivedAt: new Date(start + index * 60_000),
  }));
}

/** Handles every text on a fresh manager from `createStore`. */
async function handleAll(
  createStore: () => Promise<{
    store: Parameters<typeof createConsentManager>[0]['store'];
    close(): Promise<void>;
  }>,
  messages: readonly InboundMessage[],
): Promise<void> {
  const { store, close } = await createStore();
  const consent = createConsentManager({ store, defaultCountry: 'US' });
  try {
    for (const message of messages) await consent.handleInbound(message);
  } finally {
    await close();
  }
}

const bench: Bench = async () => {
  const memory = async () => ({ store: createMemoryStore(), close: async () => {} });
  const pglite = async () => {
    const db = await PGlite.create();
    const store = createPostgresStore({ client: db });
    await store.migrate();
    return { store, close: () => db.close() };
  };

  // Baseline: texts that are plainly not a revocation ("see you at 3"): classified, nothing written.
  const plainMemory = texts(MEMORY_TEXTS, 'see you at 3');
  const reviewMemory = texts(MEMORY_TEXTS, 'Not interested');
  const plain = await measure('handleInbound, plain text, memory store', MEMORY_TEXTS, () =>
    handleAll(memory, plainMemory),
  );
  const queued = await measure('handleInbound, needsReview text queued, memory store', MEMORY_TEXTS, () =>
    handleAll(memory, reviewMemory),
  );
  const plainPg = await measure(
    'handleInbound, plain text, PGlite',
    PGLITE_TEXTS,
    () => handleAll(pglite, texts(PGLITE_TEXTS, 'see you at 3')),
    1,
  );
  const queuedPg = await measure(
    'handleInbound, needsReview text queued, PGlite',
    PGLITE_TEXTS,
    () => handleAll(pglite, texts(PGLITE_TEXTS, 'Not interested')),
    1,
  );

  // Paging the whole queue, 1,000 at a time, on the memory store.
  const { store } = await memory();
  const consent = createConsentManager({ store, defaultCountry: 'US' });
  for (const message of reviewMemory) await consent.handleInbound(message);
  const paging = await measure(
    'reviews(): page through 20,000 open reviews, 1,000 a page',
    MEMORY_TEXTS,
    async () => {
      let after: string | undefined;
      let seen = 0;
      do {
        const page = await consent.reviews({ limit: 1000, ...(after === undefined ? {} : { after }) });
        seen += page.items.length;
        after = page.next;
      } while (after !== undefined);
      if (seen !== MEMORY_TEXTS) throw new Error(`expected ${MEMORY_TEXTS} reviews, saw ${seen}`);
    },
  );

  // The deadline: ten business days with the holiday table, against adding 14 calendar days.
  const instants = Array.from(
    { length: DATES },
    (_, index) => new Date(Date.UTC(2025, 0, 1) + index * 317_000),
  );
  const calendar = await measure('baseline: received + 14 calendar days', DATES, () => {
    let last = 0;
    for (const instant of instants) last = new Date(instant.getTime() + 14 * 86_400_000).getTime();
    return last;
  });
  const dueBy = await measure('revocationDueBy (10 business days, federal holidays)', DATES, () => {
    let last = 0;
    for (const instant of instants) last = revocationDueBy(instant).getTime();
    return last;
  });

  return {
    title: 'Review queue',
    rows: [plain, queued, plainPg, queuedPg, paging, calendar, dueBy],
    notes: [
      `queueing a needsReview text costs ${ratio(queued, plain)}x the rate of a plain text on the memory store, ${ratio(queuedPg, plainPg)}x on PGlite (one INSERT … ON CONFLICT more)`,
      `revocationDueBy runs at ${ratio(dueBy, calendar)}x the rate of plain date arithmetic`,
    ],
  };
};

export default bench;
