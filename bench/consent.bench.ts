import { createConsentManager, createMemoryStore, type InboundMessage } from 'sms-consent';
import { type Bench, formatRate, measure, ratio, seededRandom } from './harness.js';

const MESSAGES = 1_000_000;
const NUMBERS = 50_000;
const CHATTER = [
  'Hi, is the 3pm slot still open tomorrow?',
  'Thanks! See you then',
  'Can you send me the address again please',
  'I will be 10 minutes late, sorry about that',
  'What time do you stop serving lunch?',
  'ok',
  'Yes see you at 3',
  'Could we move it to Friday instead? My daughter has a recital on Thursday evening.',
  "Got it, I'll stop by after work to pick up the forms",
  'How much is the deposit for the June event?',
];
const KEYWORDS = ['STOP', 'stop', 'Stop.', 'START', 'UNSUBSCRIBE', 'please stop texting me', 'HELP', 'yes'];

/** 1,000,000 inbound texts from 50,000 numbers, ~1% keywords, timestamps shuffled (random arrival order). */
function makeMessages(): InboundMessage[] {
  const random = seededRandom(42);
  const start = Date.UTC(2026, 0, 1);
  const messages: InboundMessage[] = [];
  for (let index = 0; index < MESSAGES; index++) {
    const keyword = random() < 0.01;
    const pool = keyword ? KEYWORDS : CHATTER;
    messages.push({
      from: `+1415${2_000_000 + Math.floor(random() * NUMBERS)}`,
      to: '+18005550100',
      body: pool[Math.floor(random() * pool.length)] as string,
      messageId: `SM${index.toString(16).padStart(32, '0')}`,
      receivedAt: new Date(start + Math.floor(random() * 86_400_000 * 30)),
    });
  }
  return messages;
}

const NAIVE_OPT_OUT = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
]);
const NAIVE_OPT_IN = new Set(['START', 'UNSTOP', 'YES']);

const bench: Bench = async () => {
  const messages = makeMessages();

  // Baseline: a naive keyword check and a Map of the last status, no ledger, no ordering, no phones.
  const naive = await measure('naive Set.has + Map.set (no ledger)', MESSAGES, () => {
    const statuses = new Map<string, string>();
    for (const message of messages) {
      const word = message.body.trim().toUpperCase();
      if (NAIVE_OPT_OUT.has(word)) statuses.set(message.from, 'opted_out');
      else if (NAIVE_OPT_IN.has(word)) statuses.set(message.from, 'opted_in');
    }
  });

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  let events = 0;
  const replay = await measure(
    'handleInbound, memory store (reasonable policy)',
    MESSAGES,
    async () => {
      events = 0;
      const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
      for (let index = 0; index < messages.length; index++) {
        const result = await consent.handleInbound(messages[index] as InboundMessage);
        if (result.event && !result.duplicate) events++;
        if ((index & 0xffff) === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }
    },
    1,
  );

  // partitionRecipients: 1,000,000 distinct numbers against 100,000 opt-outs.
  const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
  const e164 = Array.from({ length: 1_000_000 }, (_, index) => `+1212${String(2_000_000 + index)}`);
  const national = e164.map((phone) => `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`);
  for (let index = 0; index < 100_000; index++) {
    await consent.record({ phone: e164[index * 10] as string, action: 'opt_out', source: 'import' });
  }
  const optOutSet = new Set(e164.filter((_, index) => index % 10 === 0));
  const naivePartition = await measure('naive Set.has over 1M E.164 strings', e164.length, () => {
    const blocked = e164.filter((phone) => optOutSet.has(phone));
    if (blocked.length !== 100_000) throw new Error('seed failed');
  });
  const partitionTrusted = await measure(
    'partitionRecipients 1M E.164, alreadyNormalized',
    e164.length,
    async () => {
      const result = await consent.partitionRecipients(e164, { alreadyNormalized: true });
      if (result.blocked.length !== 100_000)
        throw new Error(`expected 100000 blocked, got ${result.blocked.length}`);
    },
    1,
  );
  const partitionE164 = await measure(
    'partitionRecipients 1M E.164, full validation',
    e164.length,
    async () => {
      const result = await consent.partitionRecipients(e164);
      if (result.blocked.length !== 100_000)
        throw new Error(`expected 100000 blocked, got ${result.blocked.length}`);
    },
    1,
  );
  const partitionNational = await measure(
    'partitionRecipients 1M national format',
    national.length,
    async () => {
      const result = await consent.partitionRecipients(national);
      if (result.blocked.length !== 100_000)
        throw new Error(`expected 100000 blocked, got ${result.blocked.length}`);
    },
    1,
  );

  return {
    title: 'Consent manager on the memory store',
    rows: [naive, replay, naivePartition, partitionTrusted, partitionE164, partitionNational],
    notes: [
      `replay: ${formatRate(replay.perSecond)} messages/s (target >= 300,000), ${events.toLocaleString('en-US')} events written; ratio to naive ${ratio(replay, naive)}`,
      `replay peak heap: ${Math.round(peakHeap / 2 ** 20)} MiB (${Math.round((peakHeap - heapBefore) / 2 ** 20)} MiB above the 1M input messages)`,
      `partition 1M E.164 (alreadyNormalized): ${partitionTrusted.seconds.toFixed(2)} s (target < 2 s); full validation: ${partitionE164.seconds.toFixed(2)} s; national format: ${partitionNational.seconds.toFixed(2)} s`,
    ],
  };
};

export default bench;
