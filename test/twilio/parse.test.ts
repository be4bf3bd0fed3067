import { ValidationError } from 'sms-consent';
import { parseTwilioInbound, parseTwilioStatusCallback } from 'sms-consent/twilio';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_SID, inboundParams, SERVICE_SID, twilioSid } from './fixtures.js';

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseTwilioInbound', () => {
  it('maps the webhook fields to the manager inbound message', () => {
    const params = inboundParams({
      Body: 'STOP',
      NumMedia: '2',
      MessagingServiceSid: SERVICE_SID,
      OptOutType: 'stop',
    });
    expect(parseTwilioInbound(params)).toEqual({
      from: '+14155552671',
      to: '+18005550100',
      body: 'STOP',
      messageId: params.MessageSid,
      accountId: ACCOUNT_SID,
      numMedia: 2,
      messagingServiceSid: SERVICE_SID,
      optOutType: 'STOP',
    });
  });

  it('accepts URLSearchParams and an MMS with an empty body', () => {
    const sid = twilioSid('MM');
    const message = parseTwilioInbound(new URLSearchParams(inboundParams({ MessageSid: sid, Body: '' })));
    expect(message).toMatchObject({ messageId: sid, body: '', numMedia: 0 });
    expect(message).not.toHaveProperty('optOutType');
    expect(message).not.toHaveProperty('messagingServiceSid');
  });

  it('accepts numbers where a JSON body sends them', () => {
    expect(parseTwilioInbound({ ...inboundParams(), NumMedia: 1 }).numMedia).toBe(1);
  });

  it.each([
    ['MessageSid', { MessageSid: undefined }, 'MessageSid is required'],
    ['MessageSid', { MessageSid: 'SM123' }, 'MessageSid must be SM or MM followed by 32 hex digits'],
    ['MessageSid', { MessageSid: `XX${'0'.repeat(32)}` }, 'MessageSid must be SM or MM'],
    ['AccountSid', { AccountSid: 'nope' }, 'AccountSid must be AC followed by 32 hex digits'],
    ['From', { From: undefined }, 'From is required'],
    ['From', { From: ' ' }, 'From is required'],
    ['To', { To: ['+1', '+2'] }, 'To must be a single text value'],
    ['Body', { Body: undefined }, 'Body is required'],
    ['NumMedia', { NumMedia: 'two' }, 'NumMedia must be a non-negative integer'],
    ['MessagingServiceSid', { MessagingServiceSid: 'MG1' }, 'MessagingServiceSid must be MG'],
  ])('names %s when it is missing or malformed', (name, change, message) => {
    const params: Record<string, unknown> = { ...inboundParams(), ...change };
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete params[key];
    const error = validationError(() => parseTwilioInbound(params));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(message);
    expect(error.issues.map((issue) => issue.path)).toContain(name);
  });

  it('names every bad field at once', () => {
    const error = validationError(() => parseTwilioInbound({ Body: 'x' }));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'AccountSid',
      'From',
      'MessageSid',
      'To',
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(() => parseTwilioInbound([] as unknown as Record<string, string>)).toThrow(ValidationError);
  });
});

describe('parseTwilioStatusCallback', () => {
  const base = {
    MessageSid: twilioSid('SM'),
    MessageStatus: 'undelivered',
    To: '+14155552671',
    From: '+18005550100',
    AccountSid: ACCOUNT_SID,
  };

  it('reads the error code of a failed message', () => {
    expect(parseTwilioStatusCallback({ ...base, ErrorCode: '21610' })).toEqual({
      messageId: base.MessageSid,
      status: 'undelivered',
      errorCode: 21610,
      to: base.To,
      from: base.From,
      accountId: ACCOUNT_SID,
    });
  });

  it('treats an empty ErrorCode as none', () => {
    expect(
      parseTwilioStatusCallback({ ...base, MessageStatus: 'Delivered', ErrorCode: '' }),
    ).not.toHaveProperty('errorCode');
    expect(parseTwilioStatusCallback({ ...base, MessageStatus: 'Delivered' }).status).toBe('delivered');
  });

  it('names a missing status and a malformed error code', () => {
    const { MessageStatus: _status, ...withoutStatus } = base;
    expect(validationError(() => parseTwilioStatusCallback(withoutStatus)).message).toContain(
      'MessageStatus is required',
    );
    expect(validationError(() => parseTwilioStatusCallback({ ...base, ErrorCode: '21x' })).message).toContain(
      'ErrorCode must be a non-negative integer',
    );
  });
});
