import { classifyMessage, createClassifier, DEFAULT_KEYWORDS } from '../src/classify/index.js';
import { type Bench, formatRate, type Measurement, measure, ratio, seededRandom } from './harness.js';

const MESSAGES = 200_000;
const KEYWORD_SHARE = 0.02;
const MAX_LENGTH = 160;
const ROUNDS = 9;

// Replies people send to appointment reminders and business numbers; some with emoji and the curly
// apostrophes phones type, some with words a classifier must look at twice ("stop by", "don't", "end").
const FRAGMENTS = [
  'Hey, are we still on for tomorrow at 3?',
  'Thanks so much, see you then!',
  'Can you send me the address again?',
  "I'm running about 10 minutes late, sorry",
  'Sounds good to me',
  'What time does the office open on Saturday?',
  'Ok perfect',
  'Is there parking near the building?',
  "My daughter will come with me if that's okay",
  'Got it, thank you for the reminder',
  "I'll call you when I get there",
  'Could we move it to next week instead?',
  "Great news, I'll text you later tonight",
  'No problem at all',
  'Do you take credit cards or only cash?',
  'Confirmed 👍',
  'See you soon 😊',
  'I’ll be there around 2',
  'Can I stop by after work to drop off the forms?',
  "Don't forget to bring the paperwork",
  'What do I need to bring?',
  'Is the appointment still at the end of the month?',
  'Who should I ask for at the front desk?',
  'My insurance changed, do you need the new card?',
  'Perfect, thanks!',
  'Can you call me back when you get a chance',
  'I will be a few minutes early',
  'Do you have anything open on Friday morning?',
  'Yes that works for me',
  'Please send the invoice to my email',
  'How long will it take?',
  'The kids are coming too',
  'Running late, traffic is terrible 🚗',
  'Is it ok if I pay next week?',
  'Thank you!!',
  'Hi, this is Maria from the 4pm slot',
  'Can we do 30 minutes later?',
  'I can’t make it today, can we reschedule?',
];
const KEYWORD_MESSAGES = [
  'STOP',
  'Stop',
  'stop',
  'STOP ',
  'Stop.',
  'UNSUBSCRIBE',
  'START',
  'HELP',
  'YES',
  'Yes!',
  'opt out',
  'please stop texting me',
  'Remove me from your list',
  'stop stop',
  'END',
  'Cancel',
];

function realisticMix(): string[] {
  const random = seededRandom(20250411);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const messages: string[] = [];
  for (let index = 0; index < MESSAGES; index++) {
    if (random() < KEYWORD_SHARE) {
      messages.push(pick(KEYWORD_MESSAGES));
      continue;
    }
    let message = pick(FRAGMENTS);
    while (random() < 0.55) {
      const next = `${message} ${pick(FRAGMENTS)}`;
      if (next.length > MAX_LENGTH) break;
      message = next;
    }
    messages.push(message);
  }
  return messages;
}

/**
 * A timing loop of its own for one candidate. Every candidate, the naive baseline included, runs the
 * same loop source, compiled once per candidate: one shared loop would make its call site megamorphic
 * (nine callees), which costs the classifiers a dispatch per message that the baseline, inlined
 * before the others ran, did not pay in the first round.
 */
const classifyAll = (messages: readonly string[], classify: (body: string) => unknown): (() => number) => {
  const loop = new Function(
    'messages',
    'classify',
    'let hits = 0; for (const message of messages) if (classify(message)) hits++; return hits;',
  ) as (messages: readonly string[], classify: (body: string) => unknown) => number;
  return () => loop(messages, classify);
};

/** Classification throughput on a realistic mix, against the naive `Set.has(trim().toUpperCase())`. */
const bench: Bench = async () => {
  const messages = realisticMix();
  const twilioKeywords = new Set([
    ...DEFAULT_KEYWORDS.optOut,
    ...DEFAULT_KEYWORDS.optIn,
    ...DEFAULT_KEYWORDS.help,
  ]);
  const candidates: readonly [string, (body: string) => unknown][] = [
    ['naive Set.has(body.trim().toUpperCase())', (body) => twilioKeywords.has(body.trim().toUpperCase())],
    ["createClassifier({ policy: 'carrier' })", createClassifier({ policy: 'carrier' })],
    ["createClassifier({ policy: 'standard' })", createClassifier({ policy: 'standard' })],
    ["createClassifier({ policy: 'reasonable' })", createClassifier({ policy: 'reasonable' })],
    ['classifyMessage(body) (reasonable, cached)', (body) => classifyMessage(body)],
    // A fresh options object per call, the way people write it: looked up by value, not by object.
    [
      "classifyMessage(body, { policy: 'carrier' }) (inline)",
      (body) => classifyMessage(body, { policy: 'carrier' }),
    ],
    [
      "classifyMessage(body, { policy: 'reasonable' }) (inline)",
      (body) => classifyMessage(body, { policy: 'reasonable' }),
    ],
    // Options beyond a policy are looked up by a key built from their values.
    ["createClassifier({ languages: ['es'] })", createClassifier({ languages: ['es'] })],
    [
      "classifyMessage(body, { languages: ['es'] }) (inline)",
      (body) => classifyMessage(body, { languages: ['es'] }),
    ],
  ];
  // Interleaved rounds, fastest of each kept: a busy machine disturbs all of them alike, not one.
  const best = new Map<string, Measurement>();
  const loops = candidates.map(([name, classify]) => [name, classifyAll(messages, classify)] as const);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, loop] of loops) {
      const measured = await measure(name, messages.length, loop, 1);
      const previous = best.get(name);
      if (previous === undefined || measured.seconds < previous.seconds) best.set(name, measured);
    }
  }
  const rows = candidates.map(([name]) => best.get(name) as Measurement);
  const naive = rows[0] as Measurement;
  const [, carrier, standard, reasonable, , inlineCarrier, inlineReasonable, spanish, inlineSpanish] =
    rows as [
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
    ];
  const averageLength = messages.reduce((sum, message) => sum + message.length, 0) / messages.length;
  const nonAscii = messages.filter((message) => /[\u0080-\uFFFF]/.test(message)).length / messages.length;
  return {
    title: `Message classification: ${messages.length.toLocaleString('en-US')} messages, ${KEYWORD_SHARE * 100}% keywords, average ${averageLength.toFixed(0)} characters, ${(nonAscii * 100).toFixed(0)}% with emoji or curly quotes`,
    rows,
    notes: [
      `ratio carrier/naive: ${ratio(carrier, naive)} (target >= 1.0)`,
      `ratio standard/naive: ${ratio(standard, naive)}`,
      `ratio reasonable/naive: ${ratio(reasonable, naive)} (target >= 0.5)`,
      `ratio inline carrier/naive: ${ratio(inlineCarrier, naive)} (target >= 1.0)`,
      `ratio inline reasonable/naive: ${ratio(inlineReasonable, naive)} (target >= 0.5)`,
      `ratio inline languages/compiled languages: ${ratio(inlineSpanish, spanish)} (the cost of the key by value)`,
      `naive ${formatRate(naive.perSecond)}/s, reasonable ${formatRate(reasonable.perSecond)}/s`,
    ],
  };
};

export default bench;
