import {
  type ConsentManager,
  createConsentManager,
  createMemoryStore,
  InvalidPhoneNumberError,
  OptedOutError,
} from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { guardTwilioClient } from 'sms-consent/twilio';
import twilio from 'twilio';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_SID, OUR_NUMBER, twilioSid, unsubscribedRecipientError } from './fixtures.js';

interface SendParams {
  to: string;
  from?: string;
  body?: string;
  statusCallback?: string;
  mediaUrl?: string[];
  contentSid?: string;
  contentVariables?: string;
  sendAt?: Date;
  scheduleType?: 'fixed';
}

/** A stand-in for `twilio(...)`: records every create; `failWith` makes the next one reject like Twilio. */
function fakeTwilioClient() {
  const sent: SendParams[] = [];
  let failure: unknown;
  const client = {
    messages: {
      async create(params: SendParams) {
        if (failure !== undefined) {
          const error = failure;
          failure = undefined;
          throw error;
        }
        sent.push(params);
        return { sid: twilioSid('SM'), to: params.to, status: 'queued' as const };
      },
    },
  };
  return {
    client,
    sent,
    failWith(error: unknown) {
      failure = error;
    },
  };
}

const LEAD = '+14155552671';
let consent: ConsentManager;

beforeEach(() => {
  consent = createConsentManager({
    store: createMemoryStore(),
    defaultCountry: 'US',
    clock: createFixedClock(),
  });
});

async function optOut(phone = LEAD, tenantId?: string) {
  await consent.handleInbound({
    from: phone,
    to: OUR_NUMBER,
    body: 'STOP',
    messageId: twilioSid('SM'),
    ...(tenantId ? { tenantId } : {}),
  });
}

describe('guardTwilioClient', () => {
  it('sends to the normalized number and passes every other parameter through', async () => {
    const { client, sent } = fakeTwilioClient();
    const guarded = guardTwilioClient(client, consent);
    const result = await guarded.messages.create({
      to: '(415) 555-2671',
      from: OUR_NUMBER,
      body: 'Hi',
      statusCallback: 'https://x/s',
    });
    expect(result.status).toBe('queued');
    expect(sent).toEqual([{ to: LEAD, from: OUR_NUMBER, body: 'Hi', statusCallback: 'https://x/s' }]);
  });

  it('keeps a whatsapp: channel prefix', async () => {
    const { client, sent } = fakeTwilioClient();
    await guardTwilioClient(client, consent).messages.create({ to: 'whatsapp:+1 415-555-2671', body: 'Hi' });
    expect(sent[0]?.to).toBe(`whatsapp:${LEAD}`);
  });

  it('refuses an opted-out recipient before any network call, whatever format the number is in', async () => {
    const { client, sent } = fakeTwilioClient();
    const guarded = guardTwilioClient(client, consent);
    await optOut();
    for (const to of [LEAD, '4155552671', '+1 (415) 555-2671']) {
      await expect(guarded.messages.create({ to, body: 'Hi' })).rejects.toBeInstanceOf(OptedOutError);
    }
    expect(sent).toEqual([]);
  });

  it('lets the one pending opt-out confirmation through exactly once', async () => {
    const { client, sent } = fakeTwilioClient();
    const guarded = guardTwilioClient(client, consent);
    const { reply } = await consent.handleInbound({ from: LEAD, body: 'Stop.', messageId: twilioSid('SM') });
    expect(reply).toBeDefined();
    await expect(guarded.messages.create({ to: LEAD, body: 'Something else' })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    await guarded.messages.create({ to: LEAD, body: reply as string });
    await expect(guarded.messages.create({ to: LEAD, body: reply as string })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(sent.map((params) => params.body)).toEqual([reply]);
  });

  it('puts the confirmation back when Twilio fails, so the retry sends it, once', async () => {
    const { client, sent, failWith } = fakeTwilioClient();
    const guarded = guardTwilioClient(client, consent);
    const { reply } = await consent.handleInbound({ from: LEAD, body: 'Stop.', messageId: twilioSid('SM') });
    failWith(Object.assign(new Error('Service unavailable'), { status: 503, code: 20503 }));
    await expect(guarded.messages.create({ to: LEAD, body: reply as string })).rejects.toThrow(
      'Service unavailable',
    );
    await guarded.messages.create({ to: LEAD, body: reply as string });
    await expect(guarded.messages.create({ to: LEAD, body: reply as string })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(sent.map((params) => params.body)).toEqual([reply]);
  });

  it.each([
    ['a mediaUrl', { mediaUrl: ['https://evil.example/ad.jpg'] }],
    ['a contentSid', { contentSid: 'HX0123456789abcdef0123456789abcdef' }],
    ['content variables', { contentVariables: '{"1":"50% off"}' }],
    ['a schedule', { sendAt: new Date('2026-03-03T00:00:00Z'), scheduleType: 'fixed' as const }],
  ])(
    'refuses the confirmation carrying %s, and still lets the plain text through once',
    async (_name, extra) => {
      const { client, sent } = fakeTwilioClient();
      const guarded = guardTwilioClient(client, consent);
      const { reply } = await consent.handleInbound({
        from: LEAD,
        body: 'Stop.',
        messageId: twilioSid('SM'),
      });
      await expect(
        guarded.messages.create({ to: LEAD, from: OUR_NUMBER, body: reply as string, ...extra }),
      ).rejects.toBeInstanceOf(OptedOutError);
      expect(sent).toEqual([]);
      await guarded.messages.create({
        to: LEAD,
        from: OUR_NUMBER,
        body: reply as string,
        statusCallback: 'https://x/s',
      });
      expect(sent).toEqual([{ to: LEAD, from: OUR_NUMBER, body: reply, statusCallback: 'https://x/s' }]);
    },
  );

  it('passes any parameter through to a recipient who has not opted out', async () => {
    const { client, sent } = fakeTwilioClient();
    await guardTwilioClient(client, consent).messages.create({ to: LEAD, mediaUrl: ['https://x/a.jpg'] });
    expect(sent).toEqual([{ to: LEAD, mediaUrl: ['https://x/a.jpg'] }]);
  });

  it('records the opt-out Twilio reports with 21610 and rejects with OptedOutError caused by it', async () => {
    const { client, sent, failWith } = fakeTwilioClient();
    const guarded = guardTwilioClient(client, consent);
    const twilioError = unsubscribedRecipientError();
    failWith(twilioError);
    const error = await guarded.messages
      .create({ to: '(415) 555-2671', from: OUR_NUMBER, body: 'Hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptedOutError);
    expect((error as OptedOutError).code).toBe('OPTED_OUT');
    expect((error as OptedOutError).cause).toBe(twilioError);
    const status = await consent.getStatus(LEAD);
    expect(status.status).toBe('opted_out');
    expect(status.cause).toMatchObject({
      source: 'delivery_error',
      evidence: { errorCode: 21610, to: LEAD, from: OUR_NUMBER },
    });
    await expect(guarded.messages.create({ to: LEAD, body: 'Hi again' })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(sent).toEqual([]);
  });

  it('rethrows any other Twilio error untouched and records nothing', async () => {
    const { client, failWith } = fakeTwilioClient();
    const other = Object.assign(new Error('Invalid From Number'), { status: 400, code: 21212 });
    failWith(other);
    await expect(guardTwilioClient(client, consent).messages.create({ to: LEAD, body: 'Hi' })).rejects.toBe(
      other,
    );
    expect((await consent.getStatus(LEAD)).status).toBe('unknown');
  });

  it('still rejects with OptedOutError when recording the 21610 opt-out fails, and reports that failure', async () => {
    const { client, failWith } = fakeTwilioClient();
    const storeDown = new Error('store down');
    const onRecordError = vi.fn();
    const broken = { ...consent, record: async () => Promise.reject(storeDown) };
    failWith(unsubscribedRecipientError());
    const guarded = guardTwilioClient(client, broken, { onRecordError });
    await expect(guarded.messages.create({ to: LEAD, body: 'Hi' })).rejects.toBeInstanceOf(OptedOutError);
    expect(onRecordError).toHaveBeenCalledWith(storeDown);
  });

  it('checks consent in its own tenant only', async () => {
    const { client, sent } = fakeTwilioClient();
    await optOut(LEAD, 'acme');
    await expect(
      guardTwilioClient(client, consent, { tenantId: 'acme' }).messages.create({ to: LEAD, body: 'x' }),
    ).rejects.toMatchObject({
      tenantId: 'acme',
    });
    await guardTwilioClient(client, consent, { tenantId: 'globex' }).messages.create({ to: LEAD, body: 'x' });
    expect(sent).toHaveLength(1);
  });

  it('rejects a number that cannot be normalized before any network call', async () => {
    const { client, sent } = fakeTwilioClient();
    await expect(
      guardTwilioClient(client, consent).messages.create({ to: 'not a phone', body: 'x' }),
    ).rejects.toBeInstanceOf(InvalidPhoneNumberError);
    expect(sent).toEqual([]);
  });

  it('wraps the official twilio client, whose RestException for 21610 becomes OptedOutError', async () => {
    const requests: { method: string; uri: string; data?: Record<string, string> }[] = [];
    const httpClient = {
      async request(options: { method: string; uri: string; data?: Record<string, string> }) {
        requests.push(options);
        return {
          statusCode: 400,
          headers: {},
          body: JSON.stringify({
            code: 21610,
            message: 'Attempt to send to unsubscribed recipient',
            status: 400,
          }),
        };
      },
    };
    const client = twilio(ACCOUNT_SID, 'token', { httpClient: httpClient as never });
    const guarded = guardTwilioClient(client, consent);
    const error = await guarded.messages
      .create({ to: '415 555 2671', from: OUR_NUMBER, body: 'Hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptedOutError);
    expect((error as OptedOutError).cause).toMatchObject({ status: 400, code: 21610 });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.data).toMatchObject({ To: LEAD, Body: 'Hi' });
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    await expect(guarded.messages.create({ to: LEAD, from: OUR_NUMBER, body: 'Hi' })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(requests).toHaveLength(1);
  });
});
