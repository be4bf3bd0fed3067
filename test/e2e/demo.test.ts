import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../examples/express-twilio/demo.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => path !== undefined && existsSync(path),
);
const SKIP_REASON = CHROMIUM
  ? undefined
  : 'no Chromium found at /usr/bin/chromium; install it with `apt-get install -y chromium` (or set CHROMIUM_PATH)';
if (SKIP_REASON) console.warn(`Skipping the demo end-to-end test: ${SKIP_REASON}`);

const SCREENSHOTS = join(process.cwd(), 'test-output', 'e2e');
const NOTICE =
  "This lead has opted out of SMS. You can't send messages until they text START to opt back in.";
const MARIA_LEADS = ['maria-open-house', 'maria-webinar', 'maria-newsletter'];
const OTHER_LEADS = ['james-open-house', 'priya-webinar', 'daniel-condo', 'priya-condo', 'sofia-newsletter'];

describe.skipIf(SKIP_REASON !== undefined)(
  SKIP_REASON ? `demo inbox end to end (skipped: ${SKIP_REASON})` : 'demo inbox end to end',
  () => {
    let demo: RunningDemo;
    let dataDir: string;
    let browser: Browser;
    let origin: string;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sms-consent-demo-'));
      await mkdir(SCREENSHOTS, { recursive: true });
      demo = await startDemo({ port: 0, dataDir });
      origin = `http://127.0.0.1:${demo.port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM as string,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-first-run',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await demo?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    async function statusOf(page: Page, leadId: string): Promise<string> {
      return ((await page.locator(`tr[data-lead="${leadId}"] td.status`).textContent()) ?? '').trim();
    }

    /** Waits, without reloading, until every lead shows `text` (the page updates itself over SSE). */
    async function waitForStatus(page: Page, leadIds: readonly string[], text: string): Promise<void> {
      await expect
        .poll(async () => Promise.all(leadIds.map((id) => statusOf(page, id))), {
          timeout: 10_000,
          interval: 100,
        })
        .toEqual(leadIds.map(() => text));
    }

    async function threadState(page: Page) {
      return {
        badge: await page.locator('#consent-status .badge-opted-out').count(),
        notice: (await page.locator('#opted-out-notice').count())
          ? await page.locator('#opted-out-notice').textContent()
          : null,
        compose: await page.locator('#compose-body').count(),
        history: await page.locator('.messages .message p').allTextContents(),
      };
    }

    it('STOP from one lead flags every lead with that phone, live, and START brings compose back', async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const inbox = await context.newPage();
      await inbox.goto(`${origin}/`);
      await inbox.waitForSelector('html[data-live="connected"]');
      for (const id of [...MARIA_LEADS, ...OTHER_LEADS]) expect(await statusOf(inbox, id)).toBe('Can text');
      expect(await inbox.locator('tr[data-lead="maria-open-house"] td').nth(1).textContent()).toBe(
        '(415) 555-2671',
      );
      expect(await inbox.locator('tr[data-lead="maria-webinar"] td').nth(1).textContent()).toBe(
        '+1 415-555-2671',
      );
      expect(await inbox.locator('tr[data-lead="maria-newsletter"] td').nth(1).textContent()).toBe(
        '4155552671',
      );
      await inbox.screenshot({ path: join(SCREENSHOTS, '1-inbox-before.png'), fullPage: true });

      // One lead's thread: the compose box, and the conversation so far.
      const thread = await context.newPage();
      await thread.goto(`${origin}/leads/maria-open-house`);
      const before = await threadState(thread);
      expect(before).toMatchObject({ badge: 0, notice: null, compose: 1 });
      expect(before.history).toContain('Yes, is the Elm Street house still available?');

      // She texts STOP (through the signed webhook).
      await thread.fill('#simulate-body', 'STOP');
      await Promise.all([
        thread.waitForURL(`${origin}/leads/maria-open-house`),
        thread.click('#simulate button[type=submit]:not([name])'),
      ]);
      const optedOut = await threadState(thread);
      expect(optedOut.badge).toBe(1);
      expect(await thread.locator('#consent-status').textContent()).toBe('Opted out of SMS');
      expect(optedOut.notice).toBe(NOTICE);
      expect(optedOut.compose).toBe(0);
      expect(optedOut.history).toEqual([...before.history, 'STOP']);
      await thread.screenshot({ path: join(SCREENSHOTS, '2-thread-opted-out.png'), fullPage: true });

      // The inbox, never reloaded, flags all three leads with her number and no one else.
      await waitForStatus(inbox, MARIA_LEADS, 'Opted out of SMS');
      for (const id of OTHER_LEADS) expect(await statusOf(inbox, id)).toBe('Can text');
      await inbox.screenshot({ path: join(SCREENSHOTS, '3-inbox-opted-out.png'), fullPage: true });

      // Her other leads, with the phone typed differently, show the same.
      for (const id of ['maria-webinar', 'maria-newsletter']) {
        await thread.goto(`${origin}/leads/${id}`);
        const state = await threadState(thread);
        expect(state).toMatchObject({ badge: 1, notice: NOTICE, compose: 0 });
        expect(state.history).toContain('Yes, is the Elm Street house still available?');
      }

      // Sending anyway (a stale form) is refused by the guarded client.
      const refused = await thread.request.post(`${origin}/leads/maria-webinar/messages`, {
        form: { body: 'Still interested?' },
      });
      expect(await refused.text()).toContain('Not sent: this lead has opted out of SMS.');
      expect((await threadState(thread)).history).not.toContain('Still interested?');

      // START from another of her leads opts back in everywhere.
      await thread.goto(`${origin}/leads/maria-newsletter`);
      await Promise.all([
        thread.waitForURL(`${origin}/leads/maria-newsletter`),
        thread.click('#simulate button[value=START]'),
      ]);
      const optedIn = await threadState(thread);
      expect(optedIn).toMatchObject({ badge: 0, notice: null, compose: 1 });
      expect(optedIn.history.slice(-2)).toEqual(['STOP', 'START']);
      await waitForStatus(inbox, MARIA_LEADS, 'Opted in');

      await thread.fill('#compose-body', 'Welcome back, Maria!');
      await Promise.all([
        thread.waitForURL(`${origin}/leads/maria-newsletter`),
        thread.click('#compose button'),
      ]);
      expect((await threadState(thread)).history.at(-1)).toBe('Welcome back, Maria!');
      await thread.screenshot({ path: join(SCREENSHOTS, '4-thread-opted-in.png'), fullPage: true });
      await context.close();
    });

    it('answers an opt-out Twilio did not catch with the one confirmation, shown in the thread', async () => {
      const page = await browser.newPage();
      await page.goto(`${origin}/leads/priya-condo`);
      await page.fill('#simulate-body', 'Stop.');
      await Promise.all([
        page.waitForURL(`${origin}/leads/priya-condo`),
        page.click('#simulate button[type=submit]:not([name])'),
      ]);
      const state = await threadState(page);
      expect(state).toMatchObject({ badge: 1, notice: NOTICE, compose: 0 });
      expect(state.history.slice(-2)).toEqual([
        'Stop.',
        'You have been unsubscribed and will receive no more messages from us. Reply START to resubscribe.',
      ]);
      await page.goto(`${origin}/leads/priya-webinar`);
      expect(await threadState(page)).toMatchObject({ badge: 1, compose: 0 });
      await page.screenshot({ path: join(SCREENSHOTS, '5-thread-confirmation.png'), fullPage: true });
      await page.close();
    });

    it('keeps opt-outs and conversations in its data folder across a restart', async () => {
      await demo.close();
      demo = await startDemo({ port: 0, dataDir });
      origin = `http://127.0.0.1:${demo.port}`;
      const page = await browser.newPage();
      await page.goto(`${origin}/`);
      expect(await statusOf(page, 'priya-webinar')).toBe('Opted out of SMS');
      expect(await statusOf(page, 'maria-webinar')).toBe('Opted in');
      await page.goto(`${origin}/leads/priya-webinar`);
      const state = await threadState(page);
      expect(state).toMatchObject({ badge: 1, notice: NOTICE, compose: 0 });
      expect(state.history).toContain('Stop.');
      await page.close();
    });
  },
);
