import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsentManager } from 'sms-consent';
import { openPGliteStore } from 'sms-consent/postgres';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'sms-consent-cli-shared-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an app and the CLI on one embedded folder', () => {
  test('while the app’s store is open, the CLI refuses the folder naming the app’s pid and writes nothing', async () => {
    const store = await openPGliteStore({ dataDir: join(root, 'db') });
    const consent = createConsentManager({ store, defaultCountry: 'US' });
    try {
      await consent.record({ phone: '+14155552671', action: 'opt_out', source: 'admin' });
      const run = await runCli([
        'record',
        'opt-in',
        '+14155552671',
        '--note',
        'x',
        '--data-dir',
        root,
        '--json',
      ]);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'STORE_LOCKED' } });
      expect(run.stderr).toContain(`pid ${process.pid}`);
      expect(await consent.history('+14155552671')).toHaveLength(1);
    } finally {
      await store.close();
    }
    // Once the app has closed its store, the admin's command runs.
    const run = await runCli(['status', '+14155552671', '--data-dir', root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('opted_out');
  });
});
