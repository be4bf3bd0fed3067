import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createConsentManager } from 'sms-consent';
import { createPostgresStore } from 'sms-consent/postgres';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CAN_RUN_PRIVATE_SERVER, createPrivateServer, type PrivateServer } from './private-server.js';

const AUTH_TOKEN = 'restart-test-token-0123456789abcdef';
const APP = fileURLToPath(new URL('./fixtures/webhook-app.ts', import.meta.url));

interface Inbound {
  readonly MessageSid: string;
  readonly From: string;
  readonly To: string;
  readonly Body: string;
  readonly AccountSid: string;
}

const inbound = (index: number): Inbound => ({
  MessageSid: `SM${String(index).padStart(32, '0')}`,
  From: `+1415555${String(3000 + index)}`,
  To: '+18005550100',
  Body: 'STOP',
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
});

// A server of this test's own: restarting the shared cluster would break the other test files.
describe.runIf(CAN_RUN_PRIVATE_SERVER)('a PostgreSQL restart under webhook load (private server)', () => {
  let server: PrivateServer;
  let app: ChildProcess;
  let origin = '';
  const poolErrors: string[] = [];

  beforeAll(async () => {
    server = createPrivateServer();
    server.start();
    app = fork(APP, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, PRIVATE_PG: JSON.stringify(server.config), AUTH_TOKEN },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    app.on('message', (message: { poolError?: string }) => {
      if (message.poolError) poolErrors.push(message.poolError);
    });
    const port = await new Promise<number>((resolve, reject) => {
      app.once('exit', (code) => reject(new Error(`the app exited with ${code} before listening`)));
      app.on('message', (message: { port?: number }) => {
        if (message.port) resolve(message.port);
      });
    });
    origin = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(() => {
    app?.kill('SIGKILL');
    server?.remove();
  });

  const post = async (message: Inbound): Promise<number> => {
    const url = `${origin}/twilio/inbound`;
    const params = { ...message };
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params),
      },
      body: new URLSearchParams(params),
    });
    await response.arrayBuffer();
    return response.status;
  };

  test('the process lives, answers 5xx while the server is down, and every text converges after', {
    timeout: 120_000,
  }, async () => {
    const before = Array.from({ length: 20 }, (_, index) => inbound(index));
    expect(await Promise.all(before.map(post))).toEqual(before.map(() => 200));

    // Stop the server while a batch is in flight: each answer is 200 (committed) or 5xx, never a hang.
    const during = Array.from({ length: 40 }, (_, index) => inbound(100 + index));
    const inFlight = Promise.all(during.map(post));
    server.stop();
    const answers = await inFlight;
    expect(answers.every((status) => status === 200 || status >= 500)).toBe(true);
    const down = Array.from({ length: 10 }, (_, index) => inbound(200 + index));
    const whileDown = await Promise.all(down.map(post));
    expect(whileDown.every((status) => status >= 500)).toBe(true);
    expect(app.exitCode).toBeNull();

    server.start();
    // Twilio retries what was not answered 200; after the restart every retry lands.
    const all = [...before, ...during, ...down];
    for (const message of all) {
      let status = await post(message);
      for (let attempt = 0; status !== 200 && attempt < 5; attempt++) status = await post(message);
      expect({ message: message.MessageSid, status }).toEqual({ message: message.MessageSid, status: 200 });
    }
    expect(app.exitCode).toBeNull();
    expect(poolErrors.length).toBeGreaterThan(0);

    const pool = new pg.Pool({ ...server.config, max: 2 });
    try {
      const consent = createConsentManager({
        store: createPostgresStore({ client: pool, schema: 'restart' }),
      });
      const rows = await pool.query(
        'SELECT count(*)::int AS events, count(DISTINCT idempotency_key)::int AS keys FROM restart.events',
      );
      expect(rows.rows).toEqual([{ events: all.length, keys: all.length }]);
      for (const message of all) expect((await consent.canSend(message.From)).allowed).toBe(false);
      expect(await consent.verifyAuditTrail()).toEqual({ ok: true, checked: all.length });
    } finally {
      await pool.end();
    }
  });
});
