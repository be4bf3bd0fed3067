import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundParams } from '../twilio/fixtures.js';
import { AUTH_TOKEN, LEAD } from './harness.js';
import { vonageSmsInbound, vonageSmsSign } from './providers.js';

// The real workerd binary (Cloudflare's Workers runtime, shipped in the `workerd` npm package as
// @cloudflare/workerd-linux-64) runs the bundled Worker; the test talks to it over loopback HTTP.
const require = (await import('node:module')).createRequire(import.meta.url);
const WORKERD = require.resolve('@cloudflare/workerd-linux-64/bin/workerd');
const root = fileURLToPath(new URL('../..', import.meta.url));

let dir = '';
let listener: Server;
let origin = '';
let stop: () => Promise<void> = async () => {};
let logs = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sms-consent-workerd-'));
  await build({
    entryPoints: [join(root, 'test/webhooks/workerd/worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import'],
    external: ['node:*'],
    alias: {
      'sms-consent': join(root, 'src/index.ts'),
      'sms-consent/twilio': join(root, 'src/twilio/index.ts'),
      'sms-consent/vonage': join(root, 'src/vonage/index.ts'),
    },
    outfile: join(dir, 'worker.js'),
    logLevel: 'silent',
  });
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", service = "main", http = ()) ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [ (name = "TWILIO_AUTH_TOKEN", text = "${AUTH_TOKEN}") ],
);
`,
  );
  // A socket opened here and handed to workerd as fd 3: connections wait in its backlog until
  // workerd accepts them, so no polling for readiness.
  listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
  const child = spawn(WORKERD, ['serve', join(dir, 'config.capnp'), '--socket-fd', 'http=3'], {
    stdio: ['ignore', 'pipe', 'pipe', fd],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    logs += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    logs += chunk.toString();
  });
  // The child holds its own copy of the socket; this process must not accept on it too.
  listener.close();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
});

afterAll(async () => {
  await stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the Fetch handler inside workerd', () => {
  it('records a signed STOP on the memory store, refuses a forged one, and shows the opt-out after', async () => {
    const params = inboundParams({ Body: 'STOP' });
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, 'https://sms.example.com/twilio', params);
    const post = (sig: string) =>
      fetch(`${origin}/twilio`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': sig },
        body: new URLSearchParams(params).toString(),
      });
    const forged = await post('forged');
    expect(forged.status, logs).toBe(403);
    const before = await (await fetch(`${origin}/status?phone=${encodeURIComponent(LEAD)}`)).json();
    expect(before).toEqual({ status: 'unknown', source: null });
    const response = await post(signature);
    expect(response.status, logs).toBe(200);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const after = await (await fetch(`${origin}/status?phone=${encodeURIComponent(LEAD)}`)).json();
    expect(after).toEqual({ status: 'opted_out', source: 'sms' });
  });

  it('checks a Vonage SMS API sig made with MD5 hash, which Web Crypto lacks', async () => {
    const params = vonageSmsInbound(Math.floor(Date.now() / 1000), { text: 'STOP', msisdn: '12125550123' });
    const get = (sig: string) => fetch(`${origin}/vonage?${new URLSearchParams({ ...params, sig })}`);
    expect((await get('0'.repeat(32))).status, logs).toBe(403);
    const response = await get(vonageSmsSign(params, AUTH_TOKEN, 'md5hash'));
    expect(response.status, logs).toBe(200);
    const after = await (await fetch(`${origin}/status?phone=${encodeURIComponent('+12125550123')}`)).json();
    expect(after).toEqual({ status: 'opted_out', source: 'sms' });
  });
});
