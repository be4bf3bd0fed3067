import { bandwidthHandler } from 'sms-consent/bandwidth';
import { telnyxHandler } from 'sms-consent/telnyx';
import { twilioHandler } from 'sms-consent/twilio';
import twilio from 'twilio';
import { describe, expect, it, vi } from 'vitest';
import { inboundParams } from '../twilio/fixtures.js';
import { AUTH_TOKEN, freshConsent, LEAD, signedTwilioRequest } from './harness.js';
import { bandwidthReceived, telnyxInbound, telnyxKeyPair, telnyxSign } from './providers.js';

// Attacks on the confirmation a webhook answers with or puts back: whatever happens to the request,
// the number gets the one confirmation once, and it is never lost where it is promised back.

const PHRASE = 'please stop texting me';
const URL_ = 'https://sms.example.com/hook';
const NOW = new Date('2026-12-01T12:00:00Z');
const keys = telnyxKeyPair();

/** A Telnyx handler on `consent` at the fixed time, with the app's `onInbound`. */
function telnyxFor(
  consent: ReturnType<typeof freshConsent>['consent'],
  onInbound: NonNullable<Parameters<typeof telnyxHandler>[0]['onInbound']>,
) {
  return telnyxHandler({
    consent,
    publicKey: keys.publicKey,
    clock: { now: () => NOW },
    onError: () => {},
    onInbound,
  });
}

function telnyxRequest(body: string): Request {
  const timestamp = String(Math.floor(NOW.getTime() / 1000));
  return new Request(URL_, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'telnyx-timestamp': timestamp,
      'telnyx-signature-ed25519': telnyxSign(keys.privateKey, timestamp, body),
    },
    body,
  });
}

/** Sends the confirmation through the guard if it is still to be sent; true when it went out. */
async function guardSends(consent: ReturnType<typeof freshConsent>['consent'], text: string) {
  try {
    await consent.sendChecked(LEAD, { body: text }, async () => {});
    return true;
  } catch {
    return false;
  }
}

describe('the confirmation a webhook claimed', () => {
  it('Twilio GET: a HEAD puts it back, the GET redelivery answers with it once', async () => {
    const { consent } = freshConsent();
    const handler = twilioHandler({ consent, authToken: AUTH_TOKEN, method: 'GET', onError: () => {} });
    const url = `${URL_}?${new URLSearchParams(inboundParams({ Body: PHRASE }))}`;
    const signed = (method: string) =>
      new Request(url, {
        method,
        headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, {}) },
      });
    expect((await handler(signed('HEAD'))).status).toBe(200);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    const answers = await Promise.all([signed('GET'), signed('GET'), signed('HEAD')].map(handler));
    const texts = await Promise.all(answers.map((answer) => answer.text()));
    expect(texts.filter((text) => text.includes('<Message>'))).toHaveLength(1);
    expect(await (await handler(signed('GET'))).text()).not.toContain('<Message>');
  });

  it('Telnyx: a send that fails in onInbound answers 500, and the redelivery sends it once', async () => {
    const sent: string[] = [];
    let fail = true;
    const { consent } = freshConsent({ clock: { now: () => NOW } });
    const handler = telnyxFor(consent, async ({ result }) => {
      await consent.sendReply(result, async (_to, body) => {
        if (fail) throw new Error('provider unreachable');
        sent.push(body);
      });
    });
    const body = telnyxInbound({ text: PHRASE, id: 'msg-telnyx-1' });
    expect((await handler(telnyxRequest(body))).status).toBe(500);
    fail = false;
    expect((await handler(telnyxRequest(body))).status).toBe(200);
    expect((await handler(telnyxRequest(body))).status).toBe(200);
    expect(sent).toHaveLength(1);
    expect(await guardSends(consent, sent[0] as string)).toBe(false);
  });

  it('Telnyx: a send onInbound starts and does not wait for is not put back under it', async () => {
    const sent: string[] = [];
    let finish: () => void = () => {};
    const flight = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let sending: Promise<unknown> = Promise.resolve();
    const { consent } = freshConsent({ clock: { now: () => NOW } });
    const handler = telnyxFor(consent, ({ result }) => {
      sending = consent.sendReply(result, async (_to, text) => {
        await flight;
        sent.push(text);
      });
    });
    const body = telnyxInbound({ text: PHRASE, id: 'msg-telnyx-2' });
    expect((await handler(telnyxRequest(body))).status).toBe(200);
    finish();
    await sending;
    expect(sent).toHaveLength(1);
    expect(await guardSends(consent, sent[0] as string)).toBe(false);
    expect((await handler(telnyxRequest(body))).status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('Bandwidth: when a later event of the batch fails, the earlier one puts its claim back for the retry', async () => {
    const { consent, store } = freshConsent({ clock: { now: () => NOW } });
    let calls = 0;
    const handler = bandwidthHandler({
      consent,
      credentials: { username: 'bw', password: 'callback-password-0123456789' },
      onError: () => {},
      onInbound: () => {
        calls++;
        if (calls === 2) throw new Error('app database down');
      },
    });
    const request = () =>
      new Request(URL_, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from('bw:callback-password-0123456789').toString('base64')}`,
        },
        body: JSON.stringify([
          bandwidthReceived(PHRASE, 'bw-1', LEAD),
          bandwidthReceived('hello', 'bw-2', '+14155550123'),
        ]),
      });
    expect((await handler(request())).status).toBe(500);
    const pending = (await store.getStatus('default', consent.normalize(LEAD)))?.confirmation;
    expect(pending?.text).toBeTypeOf('string');
    expect((await handler(request())).status).toBe(200);
    expect(await guardSends(consent, pending?.text as string)).toBe(true);
    expect(await guardSends(consent, pending?.text as string)).toBe(false);
  });

  it('Twilio: a store failure while answering puts the claim back, so one answer in all carries it', async () => {
    const { consent, store } = freshConsent();
    let blip = true;
    const handler = twilioHandler({
      consent,
      authToken: AUTH_TOKEN,
      onError: () => {},
      onInbound: () => {
        if (blip) vi.spyOn(store, 'getStatus').mockRejectedValueOnce(new Error('database blip'));
        blip = false;
      },
    });
    const params = inboundParams({ Body: PHRASE });
    const answers: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      answers.push(await (await handler(signedTwilioRequest(URL_, params))).text());
    }
    expect(answers.filter((answer) => answer.includes('<Message>'))).toHaveLength(1);
  });
});
