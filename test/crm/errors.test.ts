import { ConsentError, type E164, InvalidPhoneNumberError } from 'sms-consent';
import { activeCampaignPhoneQueries, createActiveCampaignCrm } from 'sms-consent/activecampaign';
import { createRateLimiter } from 'sms-consent/crm';
import { describe, expect, test } from 'vitest';
import { setup } from './helpers.js';

const config = expect.objectContaining({ code: 'CONFIG' });
const invalidInput = expect.objectContaining({ code: 'INVALID_INPUT' });

describe('typed errors of the CRM layer', () => {
  test('createRateLimiter refuses a bad rate or burst with a CONFIG error, not a RangeError', () => {
    for (const requestsPerSecond of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createRateLimiter({ requestsPerSecond })).toThrow(ConsentError);
      expect(() => createRateLimiter({ requestsPerSecond })).toThrow(config);
    }
    expect(() => createRateLimiter({ requestsPerSecond: 5, burst: 0 })).toThrow(config);
    expect(() => createRateLimiter({ requestsPerSecond: 5, burst: Number.NaN })).toThrow(config);
  });

  test('activeCampaignPhoneQueries throws InvalidPhoneNumberError for what is not a number', () => {
    for (const phone of ['', 'not a phone', '+999']) {
      expect(() => activeCampaignPhoneQueries(phone as E164)).toThrow(InvalidPhoneNumberError);
    }
  });

  test('createActiveCampaignCrm refuses unusable numbers and URLs with CONFIG errors', () => {
    const base = { baseUrl: 'https://acme.api-us1.com', apiToken: 't', field: 7 };
    expect(() => createActiveCampaignCrm({ ...base, requestsPerSecond: 0 })).toThrow(config);
    expect(() => createActiveCampaignCrm({ ...base, timeoutMs: Number.NaN })).toThrow(config);
    expect(() => createActiveCampaignCrm({ ...base, maxRetries: -1 })).toThrow(config);
    expect(() => createActiveCampaignCrm({ ...base, batchSize: 0 })).toThrow(config);
    expect(() => createActiveCampaignCrm({ ...base, baseUrl: 'https://' })).toThrow(config);
  });

  test('an unreadable since or occurredAt is an INVALID_INPUT error', async () => {
    const { consent } = setup();
    await expect(consent.reconcile({ since: 'yesterday' })).rejects.toThrow(invalidInput);
    await expect(consent.importFromCrm({ occurredAt: new Date(Number.NaN) })).rejects.toThrow(invalidInput);
  });
});
