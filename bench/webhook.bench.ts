import { randomBytes } from 'node:crypto';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type Bench, type Measurement, seededRandom } from './harness.js';

// Signed Twilio inbound webhooks over loopback HTTP. Each server runs in a worker thread (its own core
// and event loop), the client loop in the main thread, the same for every app; two pairs. A baseline
// does the I/O any webhook route does (read the form body, parse it, answer TwiML) and no more:
// - bare-express: an Express 5 route behind express.urlencoded that answers empty TwiML;
// - consent-express: the demo-style app, createTwilioWebhook on the memory store plus an app message log;
// - bare-http: a Node http handler that reads the body, parses it with URLSearchParams, answers empty TwiML;
// - fetch-http: the Fetch core, twilioHandler through toNodeHandler on Node http, same store and log.

const REQUESTS = 20_000;
const WARMUP = 3_000;
const CONCURRENCY = 16;
const ROUNDS = 7;
const NUMBERS = 5_000;
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';
const OUR_NUMBER = '+18005550100';
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const PATH = '/twilio/inbound';
const CHATTER = [
  'Hi, is the 3pm slot still open tomorrow?',
  'Thanks! See you then',
  'Can you send me the address again please',
  'ok',
  'Yes see you at 3',
  'Could we move it to Friday instead? My daughter has a recital on Thursday evening.',
];
const KEYWORDS = ['STOP', 'Stop.', 'START', 'HELP', 'please stop texting me'];
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

// The servers run the published build (`dist/`, which `npm run bench` builds first), as an app that
// installs the package does. Run from source under tsx, every closure made per request is wrapped for
// `keepNames` (an `Object.defineProperty` call each, 2–3 % of the webhook's profile): a cost of the
// bench's loader, not of the library, and one the baselines (three closures per request against
// about fifteen) barely pay.
type Library = {
  '': typeof import('sms-consent');
  twilio: typeof import('sms-consent/twilio');
  node: typeof import('sms-consent/node');
  express: typeof import('sms-consent/express');
};
const built = <K extends keyof Library>(subpath: K): Promise<Library[K]> =>
  import(new URL(`../dist/${subpath === '' ? '' : `${subpath}/`}index.js`, import.meta.url).href);

type AppKind = 'bare-express' | 'consent-express' | 'bare-http' | 'fetch-http';
const KINDS: readonly AppKind[] = ['bare-express', 'consent-express', 'bare-http', 'fetch-http'];

if (!isMainThread && parentPort) {
  const port = await serve(workerData as AppKind);
  // Asked 'busy', the worker answers how long its event loop has been active (ms): the server time.
  parentPort.on('message', () => parentPort?.postMessage(performance.eventLoopUtilization().active));
  parentPort.postMessage(port);
}

/** Runs in the worker: starts one of the apps on 127.0.0.1 and returns its port. */
async function serve(kind: AppKind): Promise<number> {
  const { createConsentManager, createMemoryStore } = await built('');
  const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
  const messages: { from: string; body: string; sid: string }[] = [];
  const onInbound = ({ message }: { message: { from: string; body: string; messageId: string } }) => {
    messages.push({ from: message.from, body: message.body, sid: message.messageId });
  };
  let server: Server;
  if (kind === 'bare-http' || kind === 'fetch-http') {
    const { createServer } = await import('node:http');
    if (kind === 'bare-http') {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
          messages.push({
            from: form.get('From') ?? '',
            body: form.get('Body') ?? '',
            sid: form.get('MessageSid') ?? '',
          });
          res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
          res.end(EMPTY_TWIML);
        });
      });
    } else {
      const { twilioHandler } = await built('twilio');
      const { toNodeHandler } = await built('node');
      const handler = twilioHandler({
        consent,
        authToken: AUTH_TOKEN,
        publicUrl: 'https://sms.example.com',
        onInbound,
      });
      server = createServer(toNodeHandler(handler));
    }
    server.listen(0, '127.0.0.1');
  } else {
    const { default: express } = await import('express');
    const app = express();
    if (kind === 'bare-express') {
      app.post(PATH, express.urlencoded({ extended: false }), (req, res) => {
        const form = req.body as Record<string, string>;
        messages.push({ from: form.From ?? '', body: form.Body ?? '', sid: form.MessageSid ?? '' });
        res.type('text/xml').send(EMPTY_TWIML);
      });
    } else {
      const { createTwilioWebhook } = await built('express');
      const hook = createTwilioWebhook({
        consent,
        authToken: AUTH_TOKEN,
        publicUrl: 'https://sms.example.com',
        onInbound,
      });
      app.post(PATH, hook.inbound);
    }
    server = app.listen(0, '127.0.0.1');
  }
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

interface Prepared {
  readonly body: Buffer;
  readonly signature: string;
}

/** The people texting in: one fixed pool for the whole run, as a real number's contacts are. */
function makePhones(random: () => number): string[] {
  const areaCodes = ['212', '305', '415', '503', '646', '702'];
  return Array.from({ length: NUMBERS }, (_, index) => {
    const area = areaCodes[index % areaCodes.length] as string;
    return `+1${area}${200 + Math.floor(random() * 800)}${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
  });
}

/** Signed requests with fresh MessageSids, ~5% keywords (signing is not timed). */
async function prepare(count: number, phones: readonly string[], random: () => number): Promise<Prepared[]> {
  const { signTwilioRequest } = await built('twilio');
  return Array.from({ length: count }, () => {
    const pool = random() < 0.05 ? KEYWORDS : CHATTER;
    const from = phones[Math.floor(random() * phones.length)] as string;
    // Every field Twilio sends with an inbound SMS, as it sends them.
    const params = {
      ToCountry: 'US',
      ToState: 'CA',
      SmsMessageSid: `SM${randomBytes(16).toString('hex')}`,
      NumMedia: '0',
      ToCity: 'SAN FRANCISCO',
      FromZip: '94105',
      SmsSid: `SM${randomBytes(16).toString('hex')}`,
      FromState: 'CA',
      SmsStatus: 'received',
      FromCity: 'SAN FRANCISCO',
      Body: pool[Math.floor(random() * pool.length)] as string,
      FromCountry: 'US',
      To: OUR_NUMBER,
      MessagingServiceSid: `MG${'2'.repeat(32)}`,
      ToZip: '94105',
      NumSegments: '1',
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: ACCOUNT_SID,
      From: from,
      ApiVersion: '2010-04-01',
    };
    return {
      body: Buffer.from(new URLSearchParams(params).toString()),
      signature: signTwilioRequest({ authToken: AUTH_TOKEN, url: `https://sms.example.com${PATH}`, params }),
    };
  });
}

interface RunResult {
  readonly seconds: number;
  readonly latencies: Float64Array;
}

/** The client loop: `CONCURRENCY` requests in flight on keep-alive sockets until all are answered. */
async function run(port: number, requests: readonly Prepared[]): Promise<RunResult> {
  // A fresh pool per run: sockets idle while the other app was measured may have been closed by the server.
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = new Float64Array(requests.length);
  let next = 0;
  const send = (item: Prepared): Promise<number> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          path: PATH,
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': item.body.length,
            'X-Twilio-Signature': item.signature,
          },
        },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`webhook answered HTTP ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve(performance.now() - started));
        },
      );
      req.on('error', reject);
      req.end(item.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const index = next++;
        latencies[index] = await send(requests[index] as Prepared);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latencies };
}

function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function startWorker(kind: AppKind): Promise<{ port: number; worker: Worker }> {
  // A worker's entry is loaded before `--import` hooks apply: register tsx first, then load this file.
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: kind });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { port, worker };
}

/** The worker's event-loop active time so far, in ms. */
function busyMs(worker: Worker): Promise<number> {
  return new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage('busy');
  });
}

interface Round {
  readonly seconds: number;
  /** Server event-loop time per request, µs. */
  readonly serverMicros: number;
  readonly p50: number;
  readonly p99: number;
}

const bench: Bench = async () => {
  const random = seededRandom(7);
  const phones = makePhones(random);
  const targets = await Promise.all(KINDS.map(async (kind) => ({ kind, ...(await startWorker(kind)) })));
  const rounds = new Map<AppKind, Round[]>(KINDS.map((kind) => [kind, []]));
  try {
    for (const target of targets) await run(target.port, await prepare(WARMUP, phones, random));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so drift in the machine's load hits every app alike.
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        const requests = await prepare(REQUESTS, phones, random);
        const busyBefore = await busyMs(target.worker);
        const result = await run(target.port, requests);
        const serverMicros = ((await busyMs(target.worker)) - busyBefore) * (1000 / REQUESTS);
        rounds.get(target.kind)?.push({
          seconds: result.seconds,
          serverMicros,
          p50: percentile(result.latencies, 50),
          p99: percentile(result.latencies, 99),
        });
      }
    }
  } finally {
    await Promise.all(targets.map((target) => target.worker.terminate()));
  }

  const row = (kind: AppKind, name: string): Measurement & Round => {
    const fastest = [...(rounds.get(kind) ?? [])].sort((a, b) => a.seconds - b.seconds)[0];
    const seconds = fastest?.seconds ?? Number.NaN;
    return {
      name,
      ops: REQUESTS,
      seconds,
      perSecond: REQUESTS / seconds,
      p50: fastest?.p50 ?? Number.NaN,
      p99: fastest?.p99 ?? Number.NaN,
      serverMicros: Math.min(...(rounds.get(kind) ?? []).map((round) => round.serverMicros)),
    };
  };
  const rows = {
    'bare-express': row('bare-express', 'bare Express 5 route: urlencoded, log, TwiML (baseline)'),
    'consent-express': row('consent-express', 'createTwilioWebhook + memory store on Express 5'),
    'bare-http': row('bare-http', 'bare Node http: read, URLSearchParams, log, TwiML (baseline)'),
    'fetch-http': row('fetch-http', 'twilioHandler via toNodeHandler + memory store on http'),
  };
  const pair = (app: AppKind, base: AppKind, label: string): string[] => {
    const appRounds = rounds.get(app) ?? [];
    const paired = (rounds.get(base) ?? []).map(
      (round, index) => round.seconds / (appRounds[index]?.seconds ?? Number.NaN),
    );
    const median = [...paired].sort((a, b) => a - b)[Math.floor(paired.length / 2)] ?? Number.NaN;
    const a = rows[app];
    const b = rows[base];
    return [
      `${label}: latency p50 ${a.p50.toFixed(2)} ms vs ${b.p50.toFixed(2)} ms, p99 ${a.p99.toFixed(2)} ms vs ${b.p99.toFixed(2)} ms (fastest of ${ROUNDS} rounds)`,
      `${label}: server time per request ${a.serverMicros.toFixed(0)} µs vs ${b.serverMicros.toFixed(0)} µs (least of ${ROUNDS} rounds), ratio ${(b.serverMicros / a.serverMicros).toFixed(2)}`,
      `${label}: ratio throughput ${(a.perSecond / b.perSecond).toFixed(2)} fastest rounds, ${median.toFixed(2)} median of paired rounds [${paired.map((value) => value.toFixed(2)).join(', ')}] (target >= 0.7)`,
    ];
  };
  return {
    title: `Signed Twilio webhooks over loopback HTTP (${CONCURRENCY} in flight, keep-alive)`,
    rows: Object.values(rows),
    notes: [
      ...pair('consent-express', 'bare-express', 'Express consent/bare'),
      ...pair('fetch-http', 'bare-http', 'Fetch core http/bare http'),
    ],
  };
};

export default bench;
