import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A lead as the app's CRM keeps it: one per event or campaign, the phone as it was typed. */
export interface Lead {
  readonly id: string;
  readonly name: string;
  /** The event or campaign the lead signed up through. */
  readonly source: string;
  /** The phone exactly as stored in the CRM. */
  readonly phone: string;
}

/** One text of a conversation, keyed by the E.164 number (one thread per person). */
export interface Message {
  readonly id: string;
  readonly phone: string;
  readonly direction: 'inbound' | 'outbound';
  readonly body: string;
  /** ISO 8601 UTC. */
  readonly at: string;
  /** Twilio MessageSid, when there is one. */
  readonly sid?: string;
}

/** The app's own data: leads and messages. Consent lives in the sms-consent store, not here. */
export interface DemoData {
  readonly leads: readonly Lead[];
  listMessages(phone: string): Message[];
  /** Adds a message; a second one with the same `sid` is ignored (Twilio retries). */
  addMessage(message: Omit<Message, 'id'>): Promise<void>;
  /** Calls `listener` after every new message. */
  onMessage(listener: (message: Message) => void): () => void;
}

interface Stored {
  leads: Lead[];
  messages: Message[];
}

/** The seed: leads across events and campaigns; Maria and Priya appear several times, phones typed differently. */
const SEED_LEADS: readonly Lead[] = [
  { id: 'maria-open-house', name: 'Maria Garcia', source: 'Spring Open House 2026', phone: '(415) 555-2671' },
  { id: 'james-open-house', name: 'James Chen', source: 'Spring Open House 2026', phone: '(212) 555-0147' },
  {
    id: 'maria-webinar',
    name: 'Maria Garcia',
    source: 'Webinar: First-Time Buyers',
    phone: '+1 415-555-2671',
  },
  {
    id: 'priya-webinar',
    name: 'Priya Patel',
    source: 'Webinar: First-Time Buyers',
    phone: '+1 (646) 555-3890',
  },
  { id: 'daniel-condo', name: 'Daniel Okafor', source: 'Downtown Condo Launch', phone: '+1 305 555 0199' },
  { id: 'priya-condo', name: 'Priya Patel', source: 'Downtown Condo Launch', phone: '646.555.3890' },
  { id: 'maria-newsletter', name: 'M. Garcia', source: 'Summer Newsletter', phone: '4155552671' },
  { id: 'sofia-newsletter', name: 'Sofia Rossi', source: 'Summer Newsletter', phone: '(503) 555-7720' },
];

const SEED_CONVERSATIONS: Readonly<Record<string, readonly (readonly ['in' | 'out', string])[]>> = {
  '+14155552671': [
    ['out', 'Hi Maria, thanks for stopping by the Spring Open House! Any questions about the listings?'],
    ['in', 'Yes, is the Elm Street house still available?'],
    ['out', 'It is! Would you like a private showing this weekend?'],
  ],
  '+12125550147': [
    ['out', 'Hi James, great to meet you at the open house. Here is the brochure we talked about.'],
    ['in', 'Thanks, I will take a look.'],
  ],
  '+16465553890': [
    ['out', 'Hi Priya, the Downtown Condo Launch starts Thursday at 6 pm.'],
    ['in', 'See you there!'],
  ],
  '+13055550199': [
    ['out', 'Hi Daniel, floor plans for the downtown condos are ready. Want me to send them?'],
  ],
  '+15035557720': [['out', 'Hi Sofia, welcome to our summer newsletter by text.']],
};

function seed(now: number): Stored {
  const messages: Message[] = [];
  for (const [phone, conversation] of Object.entries(SEED_CONVERSATIONS)) {
    conversation.forEach(([direction, body], index) => {
      const at = new Date(now - (3 * 24 - index * 5) * 3_600_000).toISOString();
      messages.push({
        id: randomUUID(),
        phone,
        direction: direction === 'in' ? 'inbound' : 'outbound',
        body,
        at,
      });
    });
  }
  return { leads: [...SEED_LEADS], messages };
}

/**
 * Opens the app data: `<dataDir>/app.json` when `persist` (seeded on first start), else a fresh
 * seed in memory (when the consent store is in memory too, so both start over together).
 */
export async function openDemoData(dataDir: string, persist: boolean): Promise<DemoData> {
  const file = join(dataDir, 'app.json');
  let stored: Stored | undefined;
  if (persist) {
    await mkdir(dataDir, { recursive: true });
    stored = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as Stored,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      },
    );
  }
  const data = stored ?? seed(Date.now());
  const sids = new Set(data.messages.flatMap((message) => (message.sid ? [message.sid] : [])));
  const listeners = new Set<(message: Message) => void>();
  let writing: Promise<void> = persist && !stored ? save() : Promise.resolve();

  async function save(): Promise<void> {
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(data, null, 2));
    await rename(temporary, file);
  }

  await writing;
  return {
    leads: data.leads,
    listMessages: (phone) => data.messages.filter((message) => message.phone === phone),
    async addMessage(message) {
      if (message.sid !== undefined) {
        if (sids.has(message.sid)) return;
        sids.add(message.sid);
      }
      const added = { id: randomUUID(), ...message };
      data.messages.push(added);
      if (persist) {
        writing = writing.then(save, save);
        await writing;
      }
      for (const listener of listeners) listener(added);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
