import { createConsentManager, createMemoryStore } from 'sms-consent';
import { parseTwilioStatusCallback, recordDeliveryFailure } from 'sms-consent/twilio';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_SID, OUR_NUMBER, twilioSid } from './fixtures.js';

function callback(overrides: Record<string, string> = {}) {
  return parseTwilioStatusCallback({
    MessageSid: twilioSid('SM'),
    MessageStatus: 'failed',
    To: '(415) 555-2671',
    From: OUR_NUMBER,
    AccountSid: ACCOUNT_SID,
    ...overrides,
  });
}

describe('recordDeliveryFailure', () => {
  it('records an opt-out for error 21610, once per MessageSid', async () => {
    const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
    const failed = callback({ ErrorCode: '21610' });
    const first = await recordDeliveryFailure(consent, failed, { tenantId: 'acme' });
    expect(first).toMatchObject({ changed: true, duplicate: false });
    expect(first?.event).toMatchObject({
      tenantId: 'acme',
      phone: '+14155552671',
      action: 'opt_out',
      source: 'delivery_error',
      evidence: { errorCode: 21610, messageId: failed.messageId },
    });
    expect(await recordDeliveryFailure(consent, failed, { tenantId: 'acme' })).toMatchObject({
      duplicate: true,
      changed: false,
    });
    expect(await consent.history('+14155552671', { tenantId: 'acme' })).toHaveLength(1);
  });

  it('changes nothing for other statuses and error codes', async () => {
    const consent = createConsentManager({ store: createMemoryStore(), defaultCountry: 'US' });
    expect(await recordDeliveryFailure(consent, callback({ MessageStatus: 'delivered' }))).toBeNull();
    expect(await recordDeliveryFailure(consent, callback({ ErrorCode: '30003' }))).toBeNull();
    expect((await consent.getStatus('+14155552671')).status).toBe('unknown');
  });
});
