import fc from 'fast-check';
import {
  type ConsentChange,
  composeState,
  createConsentManager,
  createMemoryStore,
  InvalidPhoneNumberError,
  OptedOutError,
  ValidationError,
} from 'sms-consent';
import { createFixedClock } from 'sms-consent/testing';
import { describe, expect, test } from 'vitest';
import { shuffled } from '../helpers/shuffle.js';

const LEAD = '+14155552671';
const FIRM = '+18005550100';

function setup(options: Partial<Parameters<typeof createConsentManager>[0]> = {}) {
  const clock = createFixedClock('2026-03-02T14:03:22Z');
  const store = createMemoryStore();
  const consent = createConsentManager({ store, clock, defaultCountry: 'US', ...options });
  return { clock, store, consent };
}

describe('handleInbound', () => {
  test('STOP opts the number out at once, in every format, and only in its tenant', async () => {
    const { consent } = setup();
    const result = await consent.handleInbound({ from: LEAD, to: FIRM, body: 'STOP', messageId: 'SM1' });
    expect(result).toMatchObject({
      intent: 'opt_out',
      changed: true,
      duplicate: false,
      providerBlocks: true,
    });
    expect(result.status.status).toBe('opted_out');
    for (const format of ['(415) 555-2671', '+1 415 555 2671', 'tel:+14155552671', '415.555.2671']) {
      expect(await consent.canSend(format)).toEqual({
        allowed: false,
        status: 'opted_out',
        reason: 'opted_out',
      });
    }
    expect(await consent.canSend(LEAD, { tenantId: 'other-firm' })).toEqual({
      allowed: true,
      status: 'unknown',
    });
  });

  test('START, UNSTOP and YES from the person opt back in', async () => {
    for (const keyword of ['START', 'UNSTOP', 'YES', 'start']) {
      const { consent } = setup();
      await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
      const result = await consent.handleInbound({ from: LEAD, body: keyword, messageId: 'SM2' });
      expect(result).toMatchObject({ intent: 'opt_in', changed: true });
      expect(await consent.canSend(LEAD)).toEqual({ allowed: true, status: 'opted_in' });
    }
  });

  test('ordinary chatter records nothing and reports the current status', async () => {
    const { consent, store } = setup();
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    const result = await consent.handleInbound({ from: LEAD, body: 'see you at 3', messageId: 'SM2' });
    expect(result).toMatchObject({ intent: 'none', changed: false, duplicate: false });
    expect(result.status.status).toBe('opted_out');
    expect(result.event).toBeUndefined();
    expect(await store.getEvents('default', consent.normalize(LEAD))).toHaveLength(1);
  });

  test('the same MessageSid twice records one event and says duplicate', async () => {
    const { consent } = setup();
    const first = await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    const second = await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    expect(second).toMatchObject({ duplicate: true, changed: false });
    expect(second.event?.id).toBe(first.event?.id);
    expect(await consent.history(LEAD)).toHaveLength(1);
  });

  test('concurrent deliveries of one MessageSid record one event', async () => {
    const { consent } = setup();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' })),
    );
    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    expect(await consent.history(LEAD)).toHaveLength(1);
  });

  test('a late STOP that occurred before a newer START leaves the number opted in', async () => {
    const { consent } = setup();
    await consent.handleInbound({
      from: LEAD,
      body: 'START',
      messageId: 'SM2',
      receivedAt: '2026-03-02T10:05:00Z',
    });
    const late = await consent.handleInbound({
      from: LEAD,
      body: 'STOP',
      messageId: 'SM1',
      receivedAt: '2026-03-02T10:00:00Z',
    });
    expect(late.changed).toBe(false);
    expect(late.status.status).toBe('opted_in');
    expect((await consent.history(LEAD)).map((event) => event.evidence.messageId)).toEqual(['SM1', 'SM2']);
  });

  test('Twilio OptOutType is trusted even for a custom keyword the classifier does not know', async () => {
    const { consent } = setup();
    const result = await consent.handleInbound({
      from: LEAD,
      body: 'HALT',
      optOutType: 'STOP',
      messageId: 'SM1',
    });
    expect(result).toMatchObject({ intent: 'opt_out', providerBlocks: true, changed: true });
    expect(result.event?.source).toBe('provider');
    expect(result.reply).toBeUndefined();
    const back = await consent.handleInbound({
      from: LEAD,
      body: 'RESUME',
      optOutType: 'START',
      messageId: 'SM2',
    });
    expect(back.status.status).toBe('opted_in');
  });

  test('an opt-out the provider already confirmed gets no reply', async () => {
    const { consent } = setup();
    const result = await consent.handleInbound({ from: LEAD, body: 'stop', messageId: 'SM1' });
    expect(result.providerBlocks).toBe(true);
    expect(result.reply).toBeUndefined();
  });

  test('an opt-out the provider did not catch gets the one confirmation, and the guard lets only it through', async () => {
    const { consent, clock } = setup();
    const result = await consent.handleInbound({
      from: LEAD,
      body: 'Please stop texting me',
      messageId: 'SM1',
    });
    expect(result).toMatchObject({ intent: 'opt_out', match: 'phrase', providerBlocks: false });
    expect(result.reply).toMatch(/unsubscribed/);
    const reply = result.reply as string;
    await expect(consent.assertCanSend(LEAD, { body: 'Big sale this weekend!' })).rejects.toBeInstanceOf(
      OptedOutError,
    );
    expect(await consent.canSend(LEAD, { body: reply })).toMatchObject({
      allowed: true,
      reason: 'opt_out_confirmation',
    });
    clock.advance(60_000);
    await expect(consent.assertCanSend(LEAD, { body: reply })).resolves.toBeUndefined();
    await expect(consent.assertCanSend(LEAD, { body: reply })).rejects.toBeInstanceOf(OptedOutError);
  });

  test('the confirmation is refused after five minutes', async () => {
    const { consent, clock } = setup();
    const { reply } = await consent.handleInbound({ from: LEAD, body: 'Stop.', messageId: 'SM1' });
    clock.advance(5 * 60_000 + 1000);
    await expect(consent.assertCanSend(LEAD, { body: reply as string })).rejects.toMatchObject({
      code: 'OPTED_OUT',
    });
  });

  test('a second opt-out while opted out asks for no second confirmation', async () => {
    const { consent } = setup();
    await consent.handleInbound({ from: LEAD, body: 'stop texting me', messageId: 'SM1' });
    const again = await consent.handleInbound({
      from: LEAD,
      body: 'please remove me from your list',
      messageId: 'SM2',
    });
    expect(again.reply).toBeUndefined();
    expect(again.changed).toBe(false);
  });

  test('an invalid sender is a typed error and records nothing', async () => {
    const { consent, store } = setup();
    await expect(consent.handleInbound({ from: 'not a phone', body: 'STOP' })).rejects.toBeInstanceOf(
      InvalidPhoneNumberError,
    );
    await expect(consent.handleInbound({ from: LEAD } as never)).rejects.toBeInstanceOf(ValidationError);
    expect(await store.listTenants()).toEqual([]);
  });

  test('a misspelled key from plain JavaScript is a ValidationError naming it, and records nothing', async () => {
    const { consent, store } = setup();
    // As a JavaScript caller writes it: `messageSid` instead of `messageId` would lose the idempotency key.
    const misspelled = { from: LEAD, body: 'STOP', messageSid: 'SM1' } as unknown as {
      from: string;
      body: string;
    };
    const error = await consent.handleInbound(misspelled).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('INVALID_INPUT');
    expect((error as ValidationError).message).toContain('messageSid');
    expect(await store.listTenants()).toEqual([]);
  });

  test('accepts what parseTwilioInbound returns, Twilio extras included', async () => {
    const { consent } = setup();
    const result = await consent.handleInbound({
      from: LEAD,
      to: FIRM,
      body: 'STOP',
      messageId: 'SM1',
      accountId: 'AC1',
      numMedia: 0,
      messagingServiceSid: 'MG1',
    } as Parameters<typeof consent.handleInbound>[0]);
    expect(result.changed).toBe(true);
  });
});

describe('record', () => {
  test('an opt-in from a form, CRM, import, admin or api does not lift an opt-out', async () => {
    for (const source of ['form', 'crm', 'import', 'admin', 'api'] as const) {
      const { consent } = setup();
      await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
      const result = await consent.record({ phone: LEAD, action: 'opt_in', source });
      expect(result).toMatchObject({ applied: false, reason: 'requires_sms_opt_in', changed: false });
      expect(result.event.applied).toBe(false);
      expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    }
  });

  test('an opt-in from a form applies when the number never opted out', async () => {
    const { consent } = setup();
    const result = await consent.record({
      phone: LEAD,
      action: 'opt_in',
      source: 'form',
      evidence: { consentText: 'I agree to texts' },
    });
    expect(result).toMatchObject({ applied: true, changed: true });
    expect((await consent.getStatus(LEAD)).status).toBe('opted_in');
  });

  test('delivery error 21610 opts the number out', async () => {
    const { consent } = setup();
    await consent.record({
      phone: LEAD,
      action: 'opt_out',
      source: 'delivery_error',
      evidence: { errorCode: 21610, messageId: 'SM9' },
    });
    expect((await consent.canSend(LEAD)).allowed).toBe(false);
    expect(await consent.explain(LEAD)).toBe(
      'Opted out since 2026-03-02 14:03:22 UTC: delivery failed with Twilio error 21610 (SM9).',
    );
  });

  test('rejects bad input with a ValidationError naming the field', async () => {
    const { consent } = setup();
    await expect(
      consent.record({ phone: LEAD, action: 'opt_out', source: 'pigeon' } as never),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: [expect.objectContaining({ path: 'source' })],
    });
    await expect(
      consent.record({ phone: LEAD, action: 'opt_out', source: 'api', occurredAt: 'yesterday-ish' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  test('the same idempotency key twice records one event', async () => {
    const { consent } = setup();
    const first = await consent.record({
      phone: LEAD,
      action: 'opt_out',
      source: 'crm',
      idempotencyKey: 'crm:42',
    });
    const second = await consent.record({
      phone: LEAD,
      action: 'opt_out',
      source: 'crm',
      idempotencyKey: 'crm:42',
    });
    expect(second).toMatchObject({ duplicate: true, changed: false });
    expect(second.event.id).toBe(first.event.id);
  });
});

describe('reading', () => {
  test('partitionRecipients splits raw numbers into sendable, blocked and invalid, deduplicated by E.164', async () => {
    const { consent } = setup();
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    const result = await consent.partitionRecipients([
      '(415) 555-2671',
      '+1 415 555 2671',
      '+14155550123',
      '415-555-0123',
      'call me maybe?',
      '',
      '+16175550100',
    ]);
    expect(result.blocked).toEqual(['+14155552671']);
    expect(result.sendable).toEqual(['+14155550123', '+16175550100']);
    expect(result.invalid.map((item) => item.input)).toEqual(['call me maybe?', '']);
    expect(result.invalid.map((item) => item.reason)).toEqual(['not_a_number', 'empty']);
  });

  test('explain names the text, its message id and both numbers', async () => {
    const { consent } = setup();
    await consent.handleInbound({ from: LEAD, to: FIRM, body: 'Stop', messageId: 'SM123' });
    expect(await consent.explain('(415) 555-2671')).toBe(
      "Opted out since 2026-03-02 14:03:22 UTC: text 'Stop' (SM123) from +14155552671 to +18005550100.",
    );
  });

  test('explain says when a later form opt-in was refused', async () => {
    const { consent, clock } = setup();
    await consent.handleInbound({ from: LEAD, to: FIRM, body: 'STOP', messageId: 'SM1' });
    clock.advance(3_600_000);
    await consent.record({ phone: LEAD, action: 'opt_in', source: 'form', actor: 'webform' });
    expect(await consent.explain(LEAD)).toMatch(
      /^Opted out since 2026-03-02 14:03:22 UTC: text 'STOP' \(SM1\).*A later opt-in from a form submission by webform on 2026-03-02 15:03:22 UTC was not applied/,
    );
  });

  test('explain of a number with no events says so', async () => {
    const { consent } = setup();
    expect(await consent.explain(LEAD)).toBe(
      'No consent events for +14155552671: never opted out or in, so sending is allowed.',
    );
  });

  test('history lists the ledger of a number oldest first', async () => {
    const { consent } = setup();
    await consent.handleInbound({
      from: LEAD,
      body: 'START',
      messageId: 'SM2',
      receivedAt: '2026-03-02T11:00:00Z',
    });
    await consent.handleInbound({
      from: LEAD,
      body: 'STOP',
      messageId: 'SM1',
      receivedAt: '2026-03-02T10:00:00Z',
    });
    const history = await consent.history('(415) 555-2671');
    expect(history.map((event) => event.action)).toEqual(['opt_out', 'opt_in']);
  });
});

describe('composeState and change hooks', () => {
  test('an opted-out lead shows the badge and the notice instead of the compose box', async () => {
    const { consent } = setup();
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    expect(composeState(await consent.getStatus(LEAD))).toEqual({
      canSend: false,
      badge: 'Opted out of SMS',
      notice: "This lead has opted out of SMS. You can't send messages until they text START to opt back in.",
    });
    expect(composeState('opted_in')).toEqual({ canSend: true });
    expect(composeState('unknown')).toEqual({ canSend: true });
    expect(composeState('opted_out', { optedOutBadge: 'SMS désactivés' }).badge).toBe('SMS désactivés');
  });

  test('onChange hears every status change once, after it is stored', async () => {
    const { consent, store } = setup();
    const changes: ConsentChange[] = [];
    const stop = consent.onChange((change) => {
      changes.push(change);
    });
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    await consent.handleInbound({ from: LEAD, body: 'START', messageId: 'SM2' });
    stop();
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM3' });
    expect(changes.map((change) => [change.previous, change.status.status])).toEqual([
      ['unknown', 'opted_out'],
      ['opted_out', 'opted_in'],
    ]);
    expect(await store.getEvent('default', changes[0]?.event.id ?? '')).toEqual(changes[0]?.event);
  });

  test('a failing listener does not fail the call', async () => {
    const errors: unknown[] = [];
    const { consent } = setup({
      onChange: () => {
        throw new Error('listener broke');
      },
      onError: (error) => errors.push(error),
    });
    const result = await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    expect(result.changed).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

describe('bad input is refused before anything is written', () => {
  test('a moment in the future or before 2000 is a ValidationError', async () => {
    const { consent, store } = setup();
    await expect(
      consent.handleInbound({
        from: LEAD,
        body: 'START',
        messageId: 'SM1',
        receivedAt: '2099-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: [expect.objectContaining({ path: 'receivedAt' })],
    });
    await expect(
      consent.record({ phone: LEAD, action: 'opt_out', source: 'api', occurredAt: 1_772_460_000 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('before 2000') });
    expect(await store.listTenants()).toEqual([]);
  });

  test('an empty message id or tenant id is a ValidationError, not a shared key', async () => {
    const { consent } = setup();
    await expect(consent.handleInbound({ from: LEAD, body: 'STOP', messageId: '' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(consent.handleInbound({ from: LEAD, body: 'STOP', tenantId: '' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  test('an unknown default country fails at construction with CONFIG', () => {
    expect(() => createConsentManager({ store: createMemoryStore(), defaultCountry: 'UK' as never })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });

  test('an idempotency key reused for another number is refused, not reported as a duplicate', async () => {
    const { consent } = setup();
    await consent.record({ phone: LEAD, action: 'opt_out', source: 'crm', idempotencyKey: 'crm:1' });
    await expect(
      consent.record({ phone: '+14155550123', action: 'opt_out', source: 'crm', idempotencyKey: 'crm:1' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: [expect.objectContaining({ path: 'idempotencyKey' })],
    });
    expect((await consent.getStatus('+14155550123')).status).toBe('unknown');
  });

  test('record cannot pose as the person: sms and provider need the message, delivery errors only opt out', async () => {
    const { consent } = setup();
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    await expect(consent.record({ phone: LEAD, action: 'opt_in', source: 'sms' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      issues: [expect.objectContaining({ path: 'evidence.messageId' })],
    });
    await expect(
      consent.record({ phone: LEAD, action: 'opt_in', source: 'delivery_error' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await consent.getStatus(LEAD)).status).toBe('opted_out');
    const relayed = await consent.record({
      phone: LEAD,
      action: 'opt_in',
      source: 'sms',
      evidence: { messageId: 'SM2' },
    });
    expect(relayed.applied).toBe(true);
  });
});

describe('timing', () => {
  test('an opt-out delivered more than five minutes late gets no confirmation', async () => {
    const { consent, clock } = setup();
    const late = await consent.handleInbound({
      from: LEAD,
      body: 'please stop texting me',
      messageId: 'SM1',
      receivedAt: new Date(clock.now().getTime() - 10 * 60_000),
    });
    expect(late).toMatchObject({ intent: 'opt_out', changed: true });
    expect(late.reply).toBeUndefined();
    const recent = await consent.handleInbound({
      from: '+14155550123',
      body: 'please stop texting me',
      messageId: 'SM2',
      receivedAt: new Date(clock.now().getTime() - 4 * 60_000),
    });
    expect(recent.reply).toBeDefined();
    clock.advance(60_001);
    await expect(
      consent.assertCanSend('+14155550123', { body: recent.reply as string }),
    ).rejects.toBeInstanceOf(OptedOutError);
  });

  test('a rejected async listener goes to onError instead of crashing the process', async () => {
    const errors: unknown[] = [];
    const { consent } = setup({ onError: (error) => errors.push(error) });
    consent.onChange(async () => {
      throw new Error('async listener broke');
    });
    await consent.handleInbound({ from: LEAD, body: 'STOP', messageId: 'SM1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([expect.objectContaining({ message: 'async listener broke' })]);
  });

  test('the same texts delivered in any order end in the same status', () => {
    const message = fc.record({
      body: fc.constantFrom('STOP', 'START', 'Stop.', 'please stop texting me', 'yes', 'hello'),
      minute: fc.integer({ min: 0, max: 59 }),
    });
    return fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(message, { selector: (item) => item.minute, maxLength: 8 }),
        fc.integer(),
        async (messages, seed) => {
          const statuses: string[] = [];
          for (const order of [messages, shuffled(messages, seed)]) {
            const { consent } = setup();
            for (const [index, item] of order.entries()) {
              await consent.handleInbound({
                from: LEAD,
                body: item.body,
                messageId: `SM${item.minute}`,
                receivedAt: new Date(Date.UTC(2026, 2, 2, 10, item.minute)),
              });
              if (index === 1)
                await consent.record({
                  phone: LEAD,
                  action: 'opt_in',
                  source: 'form',
                  occurredAt: '2026-03-02T10:30:30Z',
                });
            }
            statuses.push((await consent.getStatus(LEAD)).status);
          }
          expect(statuses[1]).toBe(statuses[0]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
