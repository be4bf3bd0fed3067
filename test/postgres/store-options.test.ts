import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ConsentError } from 'sms-consent';
import { createPostgresStore, lockFileOf, openPGliteStore } from 'sms-consent/postgres';
import { afterAll, describe, expect, test } from 'vitest';

// A pool connects on its first query; the options are checked before any.
const pool = new pg.Pool({ connectionString: 'postgresql://nobody@127.0.0.1:1/none' });
const root = mkdtempSync(join(tmpdir(), 'sms-consent-options-'));
afterAll(async () => {
  await pool.end();
  rmSync(root, { recursive: true, force: true });
});

const bad = [
  ['chainCacheSize', Number.NaN, 'chainCacheSize must be an integer of at least 0, got NaN'],
  ['chainCacheSize', 2.5, 'chainCacheSize must be an integer of at least 0, got 2.5'],
  ['lockTimeoutMs', Number.NaN, 'lockTimeoutMs must be a finite number of milliseconds, at least 0, got NaN'],
  ['lockTimeoutMs', -1, 'lockTimeoutMs must be a finite number of milliseconds, at least 0, got -1'],
  ['statementTimeoutMs', Number.POSITIVE_INFINITY, 'statementTimeoutMs must be a finite number'],
  ['maxRetries', -1, 'maxRetries must be an integer of at least 0, got -1'],
  ['retryDelayMs', Number.NaN, 'retryDelayMs must be a finite number'],
  ['maxConnectionsPerTenant', 0, 'maxConnectionsPerTenant must be an integer of at least 1, got 0'],
  ['queueTimeoutMs', 0, 'queueTimeoutMs must be a finite number of milliseconds, at least 1, got 0'],
  ['statusChunkSize', 0, 'statusChunkSize must be an integer of at least 1, got 0'],
  ['statusChunkSize', '100', 'statusChunkSize must be an integer of at least 1, got 100'],
] as const;

describe('the numeric options of a PostgreSQL store', () => {
  test.each(bad)('%s = %s is a CONFIG error naming it', (name, value, message) => {
    const attempt = () => createPostgresStore({ client: pool, [name]: value } as never);
    expect(attempt).toThrow(ConsentError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    expect(attempt).toThrow(message);
  });

  test('the documented edges are accepted: 0 waits forever, 0 turns the chain cache off', () => {
    expect(() =>
      createPostgresStore({
        client: pool,
        lockTimeoutMs: 0,
        statementTimeoutMs: 0,
        chainCacheSize: 0,
        maxRetries: 0,
        retryDelayMs: 0,
        maxConnectionsPerTenant: 1,
        queueTimeoutMs: 1,
        statusChunkSize: 1,
      }),
    ).not.toThrow();
  });

  test('openPGliteStore checks them before it locks or opens the folder', async () => {
    const dataDir = join(root, 'db');
    await expect(openPGliteStore({ dataDir, lockTimeoutMs: Number.NaN })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('lockTimeoutMs'),
    });
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });
});
