import { generateKeyPairSync } from 'node:crypto';
import { Messages, SMS as VonageSmsMessage } from '@vonage/messages';
import { SMS } from '@vonage/sms';
import { Configuration, MessagesApi } from 'bandwidth-sdk';
import plivo from 'plivo';
import { OptedOutError } from 'sms-consent';
import { guardBandwidthClient } from 'sms-consent/bandwidth';
import { guardPlivoClient } from 'sms-consent/plivo';
import { guardTelnyxClient } from 'sms-consent/telnyx';
import { guardVonageClient } from 'sms-consent/vonage';
import Telnyx from 'telnyx';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAnswer, fakeProviderApi, type Received } from './fake-provider.js';
import { freshConsent, LEAD } from './harness.js';

const OURS = '+18005550100';
/** A lead who texted STOP to the provider: its API refuses sends to this number. */
const BLOCKED = '+14155550199';
let closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function api(answer: (request: Received) => FakeAnswer) {
  const fake = await fakeProviderApi(answer);
  closers.push(fake.close);
  return fake;
}

/** A manager where LEAD opted out with a plain-language text, so one confirmation is pending. */
async function optedOutLead() {
  const { consent, store } = freshConsent();
  const { reply } = await consent.handleInbound({
    from: LEAD,
    to: OURS,
    body: 'please stop texting me',
    messageId: 'm1',
  });
  expect(reply).toBeDefined();
  return { consent, store, reply: reply as string };
}

const sentTo = (request: Received | undefined, field: string) =>
  request === undefined ? undefined : (JSON.parse(request.body) as Record<string, unknown>)[field];

describe('guardTelnyxClient (telnyx SDK, fake Telnyx API)', () => {
  /** Telnyx's answer for a number with a STOP block rule: 40300 in `errors`. */
  const telnyxApi = () =>
    api((request) =>
      sentTo(request, 'to') === BLOCKED
        ? {
            status: 400,
            json: {
              errors: [
                {
                  code: '40300',
                  title: 'Blocked due to STOP message',
                  detail: `Messages cannot be sent from '${OURS}' to '${BLOCKED}' due to an existing block rule.`,
                },
              ],
            },
          }
        : { status: 200, json: { data: { id: crypto.randomUUID(), record_type: 'message', to: [] } } },
    );

  it('refuses an opted-out recipient before any request, sends others normalized, lets the confirmation through once', async () => {
    const fake = await telnyxApi();
    const { consent, reply } = await optedOutLead();
    const client = new Telnyx({ apiKey: 'KEY_test', baseURL: fake.origin, maxRetries: 0 });
    const sms = guardTelnyxClient(client, consent);
    await expect(sms.messages.send({ to: LEAD, from: OURS, text: 'Sale!' })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    await expect(
      sms.messages.send({ to: LEAD, from: OURS, text: reply, media_urls: ['https://example.com/ad.png'] }),
    ).rejects.toBeInstanceOf(OptedOutError);
    expect(fake.received).toHaveLength(0);
    await sms.messages.send({ to: '(415) 555-2671', from: OURS, text: reply });
    await expect(sms.messages.send({ to: LEAD, from: OURS, text: reply })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    await sms.messages.send({ to: '(212) 555-0100', from: OURS, text: 'See you at 3' });
    // Ten digits are a national number (the default country), not E.164 without `+`.
    await sms.messages.send({ to: '3125550100', from: OURS, text: 'See you at 4' });
    expect(fake.received.map((request) => [request.path, sentTo(request, 'to')])).toEqual([
      ['/messages', LEAD],
      ['/messages', '+12125550100'],
      ['/messages', '+13125550100'],
    ]);
  });

  it('puts the confirmation back when its send fails, so the retry goes out once', async () => {
    let down = true;
    const fake = await api(() =>
      down
        ? { status: 503, json: { errors: [{ code: '10011', title: 'Service unavailable' }] } }
        : { status: 200, json: { data: { id: crypto.randomUUID(), record_type: 'message', to: [] } } },
    );
    const { consent, reply } = await optedOutLead();
    const sms = guardTelnyxClient(
      new Telnyx({ apiKey: 'KEY_test', baseURL: fake.origin, maxRetries: 0 }),
      consent,
    );
    await expect(sms.messages.send({ to: LEAD, from: OURS, text: reply })).rejects.toBeInstanceOf(
      Telnyx.APIError,
    );
    down = false;
    await sms.messages.send({ to: LEAD, from: OURS, text: reply });
    await expect(sms.messages.send({ to: LEAD, from: OURS, text: reply })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(fake.received).toHaveLength(2);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
  });

  it('records Telnyx 40300 as a delivery-error opt-out; other errors pass through unrecorded', async () => {
    const fake = await telnyxApi();
    const { consent, store } = freshConsent();
    const sms = guardTelnyxClient(
      new Telnyx({ apiKey: 'KEY_test', baseURL: fake.origin, maxRetries: 0 }),
      consent,
    );
    const failure = await sms.messages
      .send({ to: BLOCKED, from: OURS, text: 'Hi' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OptedOutError);
    expect((failure as Error).cause).toBeInstanceOf(Telnyx.APIError);
    const status = await consent.getStatus(BLOCKED);
    expect(status.status).toBe('opted_out');
    expect(status.lastEvent?.source).toBe('delivery_error');
    expect(status.lastEvent?.evidence).toMatchObject({ errorCode: 40300, from: OURS });
    const unauthorized = await api(() => ({
      status: 401,
      json: { errors: [{ code: '10009', title: 'Authentication failed' }] },
    }));
    const other = guardTelnyxClient(
      new Telnyx({ apiKey: 'bad', baseURL: unauthorized.origin, maxRetries: 0 }),
      consent,
    );
    const error = await other.messages
      .send({ to: '+12125550100', from: OURS, text: 'Hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Telnyx.AuthenticationError);
    expect(store.internals.tenants.get('default')?.events.length).toBe(1);
  });
});

describe('guardPlivoClient (plivo SDK, fake Plivo API)', () => {
  const AUTH_ID = 'MAXXXXXXXXXXXXXXXXXX';
  const plivoApi = () =>
    api(() => ({
      status: 202,
      json: {
        api_id: crypto.randomUUID(),
        message: 'message(s) queued',
        message_uuid: [crypto.randomUUID()],
      },
    }));
  const client = (origin: string) =>
    new plivo.Client(AUTH_ID, 'auth-token-0123456789', { url: `${origin}/v1/Account/${AUTH_ID}` });

  it('refuses an opted-out recipient in either call form, and any opted-out one of several', async () => {
    const fake = await plivoApi();
    const { consent } = await optedOutLead();
    const sms = guardPlivoClient(client(fake.origin), consent);
    await expect(
      sms.messages.create({ src: OURS, dst: '14155552671', text: 'Sale!' }),
    ).rejects.toBeInstanceOf(OptedOutError);
    await expect(sms.messages.create(OURS, LEAD, 'Sale!')).rejects.toBeInstanceOf(OptedOutError);
    await expect(sms.messages.create(OURS, `12125550100<${LEAD}`, 'Sale!')).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(fake.received).toHaveLength(0);
  });

  it('sends to the normalized recipients in the caller’s style, and lets the confirmation through once as plain SMS', async () => {
    const fake = await plivoApi();
    const { consent, reply } = await optedOutLead();
    const sms = guardPlivoClient(client(fake.origin), consent);
    await sms.messages.create(OURS, '(212) 555-0100<+13125550100', 'See you at 3');
    await expect(
      sms.messages.create({
        src: OURS,
        dst: LEAD,
        text: reply,
        type: 'mms',
        media_urls: ['https://x/a.png'],
      }),
    ).rejects.toBeInstanceOf(OptedOutError);
    await sms.messages.create({ src: OURS, dst: '14155552671', text: reply });
    await expect(sms.messages.create({ src: OURS, dst: LEAD, text: reply })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(
      fake.received.map((request) => [request.path, sentTo(request, 'dst'), sentTo(request, 'text')]),
    ).toEqual([
      [`/v1/Account/${AUTH_ID}/Message/`, '12125550100<+13125550100', 'See you at 3'],
      [`/v1/Account/${AUTH_ID}/Message/`, '14155552671', reply],
    ]);
  });
});

describe('guardVonageClient (@vonage/messages and @vonage/sms, fake Vonage API)', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  /** SMS API: status 7 "Number barred" for BLOCKED, 0 otherwise; Messages API: 202 with a uuid. */
  const vonageApi = () =>
    api((request) => {
      if (request.path === '/v1/messages')
        return { status: 202, json: { message_uuid: crypto.randomUUID() } };
      const to = sentTo(request, 'to');
      return {
        status: 200,
        json: {
          'message-count': '1',
          messages: [
            to === BLOCKED.slice(1)
              ? { to, status: '7', 'error-text': 'Number barred.' }
              : {
                  to,
                  'message-id': crypto.randomUUID(),
                  status: '0',
                  'remaining-balance': '3.14',
                  'message-price': '0.01',
                  network: '12345',
                },
          ],
        },
      };
    });
  const vonage = (origin: string) => ({
    messages: new Messages({ applicationId: crypto.randomUUID(), privateKey: pem }, { apiHost: origin }),
    sms: new SMS({ apiKey: 'abcd1234', apiSecret: 'secret' }, { restHost: origin }),
  });

  it('refuses an opted-out recipient on both APIs before any request and sends others as E.164 digits', async () => {
    const fake = await vonageApi();
    const { consent, reply } = await optedOutLead();
    const guarded = guardVonageClient(vonage(fake.origin), consent);
    await expect(guarded.sms.send({ to: '14155552671', from: 'Acme', text: 'Sale!' })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    await expect(
      guarded.messages.send(new VonageSmsMessage('Sale!', '14155552671', '18005550100')),
    ).rejects.toBeInstanceOf(OptedOutError);
    expect(fake.received).toHaveLength(0);
    await guarded.messages.send(new VonageSmsMessage(reply, '14155552671', '18005550100'));
    await expect(guarded.sms.send({ to: LEAD, from: 'Acme', text: reply })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    await guarded.sms.send({ to: '+1 212 555 0100', from: 'Acme', text: 'See you at 3' });
    expect(
      fake.received.map((request) => [request.path, sentTo(request, 'to'), sentTo(request, 'text')]),
    ).toEqual([
      ['/v1/messages', '14155552671', reply],
      ['/sms/json', '12125550100', 'See you at 3'],
    ]);
  });

  it('checks the recipient of every failover message of a Messages API send, Messenger or not', async () => {
    const fake = await vonageApi();
    const { consent } = await optedOutLead();
    const guarded = guardVonageClient(vonage(fake.origin), consent);
    const toLead = {
      to: LEAD.slice(1),
      from: '18005550100',
      channel: 'sms',
      message_type: 'text',
      text: 'Sale!',
    };
    await expect(
      guarded.messages.send({
        to: '12125550100',
        from: 'Acme',
        channel: 'rcs',
        message_type: 'text',
        text: 'Sale!',
        failover: [toLead],
      } as never),
    ).rejects.toBeInstanceOf(OptedOutError);
    await expect(
      guarded.messages.send({
        to: '1234567890123456',
        from: '9876543210',
        channel: 'messenger',
        message_type: 'text',
        text: 'Sale!',
        failover: [toLead],
      } as never),
    ).rejects.toBeInstanceOf(OptedOutError);
    expect(fake.received).toHaveLength(0);
    await guarded.messages.send({
      to: '+1 212 555 0100',
      from: 'Acme',
      channel: 'rcs',
      message_type: 'text',
      text: 'See you at 3',
      failover: [{ ...toLead, to: '+1 212 555 0100' }],
    } as never);
    const sent = JSON.parse(fake.received[0]?.body ?? '{}') as { to: string; failover: { to: string }[] };
    expect([sent.to, sent.failover.map((message) => message.to)]).toEqual(['12125550100', ['12125550100']]);
  });

  it('records SMS API status 7 (number barred) as a delivery-error opt-out', async () => {
    const fake = await vonageApi();
    const { consent } = freshConsent();
    const guarded = guardVonageClient(vonage(fake.origin), consent);
    const failure = await guarded.sms
      .send({ to: BLOCKED, from: 'Acme', text: 'Hi' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OptedOutError);
    const status = await consent.getStatus(BLOCKED);
    expect(status.lastEvent?.source).toBe('delivery_error');
    expect(status.lastEvent?.evidence).toMatchObject({ errorCode: 7, from: 'Acme' });
  });
});

describe('guardBandwidthClient (bandwidth-sdk, fake Bandwidth API)', () => {
  const bandwidthApi = () =>
    api((request) => ({
      status: 202,
      json: {
        id: crypto.randomUUID(),
        owner: OURS,
        applicationId: 'app',
        time: '2026-12-01T12:00:00Z',
        segmentCount: 1,
        direction: 'out',
        to: sentTo(request, 'to'),
        from: OURS,
        text: sentTo(request, 'text'),
      },
    }));
  const messagesApi = (origin: string) =>
    new MessagesApi(new Configuration({ username: 'api-user', password: 'api-password', basePath: origin }));

  it('refuses a send with any opted-out recipient before any request, and lets the confirmation through once to one recipient', async () => {
    const fake = await bandwidthApi();
    const { consent, reply } = await optedOutLead();
    const messages = guardBandwidthClient(messagesApi(fake.origin), consent);
    const request = (to: string[], text: string) => ({
      applicationId: 'app',
      to: new Set(to),
      from: OURS,
      text,
    });
    await expect(
      messages.createMessage('9900000', request(['(415) 555-2671'], 'Sale!')),
    ).rejects.toBeInstanceOf(OptedOutError);
    await expect(
      messages.createMessage('9900000', request(['+12125550100', LEAD], reply)),
    ).rejects.toBeInstanceOf(OptedOutError);
    expect(fake.received).toHaveLength(0);
    await messages.createMessage('9900000', request([LEAD], reply));
    await expect(messages.createMessage('9900000', request([LEAD], reply))).rejects.toBeInstanceOf(
      OptedOutError,
    );
    const sent = await messages.createMessage('9900000', request(['(212) 555-0100'], 'See you at 3'));
    expect(sent.status).toBe(202);
    expect(fake.received.map((r) => [r.path, sentTo(r, 'to'), r.headers.authorization])).toEqual([
      ['/users/9900000/messages', [LEAD], `Basic ${btoa('api-user:api-password')}`],
      ['/users/9900000/messages', ['+12125550100'], `Basic ${btoa('api-user:api-password')}`],
    ]);
  });
});
