import { inspect } from 'node:util';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { toNodeHandler } from 'sms-consent/node';
import { twilioHandler } from 'sms-consent/twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { inboundParams } from '../twilio/fixtures.js';
import {
  AUTH_TOKEN,
  freshConsent,
  LEAD,
  type Listening,
  ledgerSize,
  listen,
  signedTwilioRequest,
} from './harness.js';

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const servers: Listening[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A signed STOP sent over the network to `url`, as Twilio sends it. */
async function sendStop(url: string, overrides: Record<string, string> = {}): Promise<Response> {
  const request = signedTwilioRequest(url, inboundParams({ Body: 'STOP', ...overrides }));
  return fetch(url, { method: 'POST', headers: request.headers, body: await request.text() });
}

async function expectOptedOut(response: Response, consent: ReturnType<typeof freshConsent>['consent']) {
  expect(response.status).toBe(200);
  expect(await response.text()).toBe(EMPTY);
  expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
}

describe('the Fetch handler in real frameworks', () => {
  it('runs under Node http through toNodeHandler', async () => {
    const { consent } = freshConsent();
    const server = await listen(toNodeHandler(twilioHandler({ consent, authToken: AUTH_TOKEN })));
    servers.push(server);
    await expectOptedOut(await sendStop(`${server.origin}/twilio`), consent);
  });

  it('hands every hook the request under Node http: the tenant function, onInbound and onStatus', async () => {
    const { consent } = freshConsent();
    const seen: string[] = [];
    const describeRequest = (where: string, request: Request): void => {
      seen.push(
        `${where} ${request.method} ${new URL(request.url).pathname} ${request.headers.get('x-test')}`,
      );
    };
    const server = await listen(
      toNodeHandler(
        twilioHandler({
          consent,
          authToken: AUTH_TOKEN,
          tenant: (context) => {
            describeRequest(`tenant ${context.kind} ${context.number}`, context.request);
            return 'acme';
          },
          onInbound: (event) =>
            describeRequest(`inbound ${event.tenantId} ${event.message.body}`, event.request),
          onStatus: (event) =>
            describeRequest(`status ${event.tenantId} ${event.status.status}`, event.request),
        }),
      ),
    );
    servers.push(server);
    const send = async (params: Record<string, string>) => {
      const request = signedTwilioRequest(`${server.origin}/twilio`, params);
      const headers = new Headers(request.headers);
      headers.set('X-Test', 'seen');
      return fetch(`${server.origin}/twilio`, { method: 'POST', headers, body: await request.text() });
    };
    expect((await send(inboundParams({ Body: 'STOP', To: '+18005550100' }))).status).toBe(200);
    const callback = {
      MessageSid: `SM${'a'.repeat(32)}`,
      MessageStatus: 'delivered',
      To: LEAD,
      From: '+18005550100',
    };
    expect((await send(callback)).status).toBe(200);
    expect(seen).toEqual([
      'tenant inbound +18005550100 POST /twilio seen',
      'inbound acme STOP POST /twilio seen',
      'tenant status +18005550100 POST /twilio seen',
      'status acme delivered POST /twilio seen',
    ]);
  });

  it('a hook context logged or spread shows its fields, never the exchange behind `request`', async () => {
    const { consent } = freshConsent();
    const shown: { logged: string; spread: string[] }[] = [];
    const server = await listen(
      toNodeHandler(
        twilioHandler({
          consent,
          authToken: AUTH_TOKEN,
          onInbound: (event) => {
            shown.push({
              logged: inspect(event, { depth: 4, showHidden: true }),
              spread: Object.keys({ ...event }),
            });
          },
        }),
      ),
    );
    servers.push(server);
    await expectOptedOut(await sendStop(`${server.origin}/twilio`), consent);
    const [context] = shown;
    expect(context?.spread.sort()).toEqual(['message', 'provider', 'result', 'tenantId']);
    // The raw signed form (its signature header and every field) stays inside the exchange.
    expect(context?.logged).not.toMatch(/x-twilio-signature|AccountSid=|exchange/i);
    expect(context?.logged).toContain("body: 'STOP'");
  });

  it('runs any Fetch handler under Node http, streaming the body in and the answer out', async () => {
    const server = await listen(
      toNodeHandler(async (request) => {
        const text = await request.text();
        return new Response(`${request.method} ${new URL(request.url).pathname} ${text.length}`, {
          status: 201,
          headers: [
            ['X-Seen', request.headers.get('x-test') ?? ''],
            ['Set-Cookie', 'a=1'],
            ['Set-Cookie', 'b=2'],
          ],
        });
      }),
    );
    servers.push(server);
    const response = await fetch(`${server.origin}/echo?x=1`, {
      method: 'POST',
      headers: { 'X-Test': 'yes' },
      body: 'x'.repeat(70_000),
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('POST /echo 70000');
    expect(response.headers.get('x-seen')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('answers 413 over Node http when the body is over maxBodyBytes, and 408 when it stalls', async () => {
    const { consent, store } = freshConsent();
    const server = await listen(
      toNodeHandler(twilioHandler({ consent, authToken: AUTH_TOKEN, maxBodyBytes: 64, bodyTimeoutMs: 50 })),
    );
    servers.push(server);
    expect((await sendStop(`${server.origin}/twilio`, { Body: 'x'.repeat(500) })).status).toBe(413);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.origin}/twilio`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': 40,
          'X-Twilio-Signature': 'x',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('Body=STOP&');
    });
    expect(status).toBe(408);
    expect(ledgerSize(store)).toBe(0);
  });

  for (const [name, load] of [
    ['Express 5', () => import('express')],
    ['Express 4', () => import('express4')],
  ] as const) {
    it(`runs as an ${name} route, mounted under a router prefix`, async () => {
      const { default: express } = await load();
      const { consent, store } = freshConsent();
      const app = express();
      const router = express.Router();
      router.post('/inbound', toNodeHandler(twilioHandler({ consent, authToken: AUTH_TOKEN })));
      app.use('/twilio', router);
      const server = await listen(app);
      servers.push(server);
      await expectOptedOut(await sendStop(`${server.origin}/twilio/inbound`), consent);
      const forged = await fetch(`${server.origin}/twilio/inbound`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'forged' },
        body: new URLSearchParams(inboundParams({ Body: 'START' })).toString(),
      });
      expect(forged.status).toBe(403);
      expect(ledgerSize(store)).toBe(1);
    });

    it(`uses the raw bytes an ${name} body parser kept`, async () => {
      const { default: express } = await load();
      const { consent } = freshConsent();
      const app = express();
      app.use(
        express.urlencoded({
          extended: false,
          verify: (req, _res, buffer) => {
            (req as unknown as { rawBody: Buffer }).rawBody = buffer;
          },
        }),
      );
      app.post('/twilio', toNodeHandler(twilioHandler({ consent, authToken: AUTH_TOKEN })));
      const server = await listen(app);
      servers.push(server);
      await expectOptedOut(await sendStop(`${server.origin}/twilio`), consent);
    });
  }

  it('answers 500 saying why when an Express body parser consumed the body without keeping it', async () => {
    const { default: express } = await import('express');
    const { consent, store } = freshConsent();
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.post('/twilio', toNodeHandler(twilioHandler({ consent, authToken: AUTH_TOKEN })));
    const server = await listen(app);
    servers.push(server);
    const response = await sendStop(`${server.origin}/twilio`);
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/body parser/);
    expect(ledgerSize(store)).toBe(0);
  });

  it('runs as a Fastify route on the raw request, with body parsing left to the handler', async () => {
    const { consent } = freshConsent();
    const handle = toNodeHandler(twilioHandler({ consent, authToken: AUTH_TOKEN }));
    const app = Fastify();
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      scope.post('/twilio', (request, reply) => {
        reply.hijack();
        handle(request.raw, reply.raw);
      });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    servers.push({ origin: '', close: () => app.close() });
    await expectOptedOut(await sendStop(`http://127.0.0.1:${port}/twilio`), consent);
  });

  it('runs as a Hono route, handed the raw Request', async () => {
    const { consent } = freshConsent();
    const handler = twilioHandler({ consent, authToken: AUTH_TOKEN });
    const app = new Hono();
    app.post('/twilio', (c) => handler(c.req.raw));
    await expectOptedOut(
      await app.fetch(signedTwilioRequest('http://localhost/twilio', inboundParams({ Body: 'STOP' }))),
      consent,
    );
  });

  it('runs as a Next.js App Router route: export const POST = handler', async () => {
    const { consent } = freshConsent();
    const route = {
      POST: twilioHandler({ consent, authToken: AUTH_TOKEN, publicUrl: 'https://app.example.com' }),
    };
    const request = signedTwilioRequest('http://localhost:3000/api/twilio', inboundParams({ Body: 'STOP' }), {
      signedUrl: 'https://app.example.com/api/twilio',
    });
    await expectOptedOut(await route.POST(request), consent);
  });
});
