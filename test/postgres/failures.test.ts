import { ConsentError } from 'sms-consent';
import { describe, expect, test } from 'vitest';
import {
  isConnectionLoss,
  isRetryable,
  isRolledBack,
  storeFailure,
  withRetry,
} from '../../src/postgres/failures.js';

const dbError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('PostgreSQL failure classification', () => {
  test('serialization failures and deadlocks are rolled back by the server', () => {
    expect(isRolledBack(dbError('40001'))).toBe(true);
    expect(isRolledBack(dbError('40P01'))).toBe(true);
    expect(isRolledBack(dbError('23505'))).toBe(false);
    expect(isRolledBack(new Error('no code'))).toBe(false);
  });

  test('lost connections are recognized by SQLSTATE, socket code or pg message', () => {
    for (const code of ['08006', '08003', '57P01', '57P02', '57P03', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']) {
      expect(isConnectionLoss(dbError(code)), code).toBe(true);
    }
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isConnectionLoss(new Error('Client has encountered a connection error and is not queryable')),
    ).toBe(true);
    for (const code of ['23505', '42P01', '22P05', 'P0001'])
      expect(isConnectionLoss(dbError(code)), code).toBe(false);
  });

  test('storeFailure wraps once, keeps the cause and marks retryable failures', () => {
    const cause = dbError('40001');
    const wrapped = storeFailure('statement failed', cause, true);
    expect(wrapped).toBeInstanceOf(ConsentError);
    expect(wrapped).toMatchObject({ code: 'STORE_FAILURE', cause });
    expect(wrapped.message).toContain('boom');
    expect(isRetryable(wrapped)).toBe(true);
    expect(storeFailure('again', wrapped)).toBe(wrapped);
    expect(isRetryable(storeFailure('other', dbError('23505')))).toBe(false);
  });

  test('withRetry re-runs retryable failures a bounded number of times', async () => {
    let calls = 0;
    const flaky = () => {
      calls++;
      return calls < 3
        ? Promise.reject(storeFailure('lost', dbError('57P01'), true))
        : Promise.resolve('done');
    };
    expect(await withRetry({ maxRetries: 3, baseDelayMs: 0 }, flaky)).toBe('done');
    expect(calls).toBe(3);

    calls = 0;
    const always = () => {
      calls++;
      return Promise.reject(storeFailure('lost', dbError('57P01'), true));
    };
    await expect(withRetry({ maxRetries: 2, baseDelayMs: 0 }, always)).rejects.toMatchObject({
      code: 'STORE_FAILURE',
    });
    expect(calls).toBe(3);

    calls = 0;
    const fatal = () => {
      calls++;
      return Promise.reject(new Error('not a database failure'));
    };
    await expect(withRetry({ maxRetries: 5, baseDelayMs: 0 }, fatal)).rejects.toThrow(
      'not a database failure',
    );
    expect(calls).toBe(1);
  });
});
