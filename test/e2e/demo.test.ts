import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../examples/express-twilio/demo.js';
import { runCli } from '../cli/helpers.js';

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
    /** Console errors, page errors and HTTP errors (404s included) of every page, checked after each test. */
    const problems: string[] = [];

    /** A browser context whose pages report their problems; times in Los Angeles, US English. */
    async function watchedContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
      const context = await browser.newContext({
        locale: 'en-US',
        timezoneId: 'America/Los_Angeles',
        ...options,
      });
      context.on('page', (page) => {
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
        });
        page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
        page.on('response', (response) => {
          if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
        });
      });
      return context;
    }

    async function watchedPage(options: BrowserContextOptions = {}): Promise<Page> {
      return (await watchedContext(options)).newPage();
    }

    afterEach(() => {
      expect(problems).toEqual([]);
      problems.length = 0;
    });

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

    /** The thread as a list: `in: …`, `out: …` for texts, `event: …` for consent events and reviews. */
    async function timelineOf(page: Page): Promise<string[]> {
      return page
        .locator('.messages > li')
        .evaluateAll((items) =>
          items.map((item) =>
            item.classList.contains('message')
              ? `${item.classList.contains('inbound') ? 'in' : 'out'}: ${item.querySelector('p')?.textContent}`
              : `event: ${item.querySelector('span')?.textContent}`,
          ),
        );
    }

    /** `Dec 1, 3:40 PM` in Los Angeles, as the page shows times. */
    function local(iso: string): string {
      return new Intl.DateTimeFormat('en-US', {
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone: 'America/Los_Angeles',
      }).format(new Date(iso));
    }

    async function simulate(page: Page, leadId: string, button: string, body?: string): Promise<void> {
      await page.goto(`${origin}/leads/${leadId}`);
      if (body !== undefined) await page.fill('#simulate-body', body);
      await Promise.all([page.waitForURL(`${origin}/leads/${leadId}`), page.click(button)]);
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
      const context = await watchedContext({ viewport: { width: 1100, height: 900 } });
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
      // A form left open in another tab, posted after the opt-out.
      await thread.evaluate(`(() => {
        const stale = document.createElement('form');
        stale.method = 'post';
        stale.action = location.pathname + '/messages';
        stale.innerHTML = '<input name="body" value="Still interested?">';
        document.body.append(stale);
        stale.submit();
      })()`);
      await thread.waitForSelector('p.alert');
      expect(await thread.locator('p.alert').textContent()).toBe('Not sent: this lead has opted out of SMS.');
      expect((await threadState(thread)).history).not.toContain('Still interested?');
      // The message is shown once: a reload does not bring it back.
      await thread.reload();
      expect(await thread.locator('p.alert').count()).toBe(0);

      // START from another of her leads opts back in everywhere.
      await thread.goto(`${origin}/leads/maria-newsletter`);
      await Promise.all([
        thread.waitForURL(`${origin}/leads/maria-newsletter`),
        thread.click('#simulate button[value=START]'),
      ]);
      const optedIn = await threadState(thread);
      expect(optedIn).toMatchObject({ badge: 0, notice: null, compose: 1 });
      expect(await thread.locator('#consent-status').textContent()).toBe('Opted in');
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
      const page = await watchedPage();
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
      expect(await timelineOf(page)).toEqual(expect.arrayContaining(['in: Stop.', 'event: Opted out']));
      expect(await page.locator('.message.confirmation .when').textContent()).toMatch(
        /^Confirmation sent · /,
      );
      await page.goto(`${origin}/leads/priya-webinar`);
      expect(await threadState(page)).toMatchObject({ badge: 1, compose: 0 });
      await page.screenshot({ path: join(SCREENSHOTS, '5-thread-confirmation.png'), fullPage: true });
      await page.close();
    });

    it('keeps opt-outs and conversations in its data folder across a restart', async () => {
      await demo.close();
      demo = await startDemo({ port: 0, dataDir });
      origin = `http://127.0.0.1:${demo.port}`;
      const page = await watchedPage();
      await page.goto(`${origin}/`);
      expect(await statusOf(page, 'priya-webinar')).toBe('Opted out of SMS');
      expect(await statusOf(page, 'maria-webinar')).toBe('Opted in');
      await page.goto(`${origin}/leads/priya-webinar`);
      const state = await threadState(page);
      expect(state).toMatchObject({ badge: 1, notice: NOTICE, compose: 0 });
      expect(state.history).toContain('Stop.');
      await page.close();
    });
    it('shows the record: the explain() sentence in local time and the consent events in the thread', async () => {
      const page = await watchedPage();
      await page.goto(`${origin}/leads/maria-open-house`);
      expect(await page.locator('#consent-status').textContent()).toBe('Opted in');
      const since = await page.locator('#consent-explain time').first().getAttribute('datetime');
      expect(since).not.toBeNull();
      const explain = (await page.locator('#consent-explain').textContent()) ?? '';
      expect(explain).toMatch(
        /^Opted in since [A-Z][a-z]{2} \d+, \d+:\d\d [AP]M: text 'START' \(SM[0-9a-f]+\) from \+14155552671/,
      );
      expect(explain).toContain(local(since ?? ''));
      expect(explain).not.toContain('UTC');
      const timeline = await timelineOf(page);
      const order = [
        'in: STOP',
        'event: Opted out',
        'in: START',
        'event: Opted in',
        'out: Welcome back, Maria!',
      ];
      expect(timeline.filter((line) => order.includes(line))).toEqual(order);
      await page.screenshot({ path: join(SCREENSHOTS, '6-thread-record.png'), fullPage: true });
      await page.close();
    });

    it('keeps a draft when the opt-out notice replaces the compose box, and gives it back after START', async () => {
      const context = await watchedContext();
      const thread = await context.newPage();
      await thread.goto(`${origin}/leads/maria-open-house`);
      await thread.waitForSelector('html[data-live="connected"]');
      await thread.fill('#compose-body', 'The Elm Street showing is at 10, see you there');
      const other = await context.newPage();
      await simulate(other, 'maria-webinar', '#simulate button[value=STOP]');
      await thread.waitForSelector('#opted-out-notice');
      expect(await thread.locator('#draft-kept').isVisible()).toBe(true);
      await thread.screenshot({ path: join(SCREENSHOTS, '7-thread-draft-kept.png'), fullPage: true });
      await simulate(other, 'maria-webinar', '#simulate button[value=START]');
      await thread.waitForSelector('#compose-body');
      expect(await thread.inputValue('#compose-body')).toBe('The Elm Street showing is at 10, see you there');
      await context.close();
    });

    it('a web form opt-in after STOP is recorded, refused, and explained', async () => {
      const page = await watchedPage();
      await simulate(page, 'daniel-condo', '#simulate button[value=STOP]');
      await Promise.all([page.waitForURL(`${origin}/leads/daniel-condo`), page.click('#simulate-form')]);
      expect(await threadState(page)).toMatchObject({ badge: 1, compose: 0 });
      expect((await timelineOf(page)).slice(-3)).toEqual([
        'in: STOP',
        'event: Opted out',
        'event: Form opt-in refused: only a text from the person lifts an opt-out',
      ]);
      expect(await page.locator('#consent-explain').textContent()).toMatch(
        /A later opt-in from a form submission by web form \(Downtown Condo Launch\) on .* was not applied: only a text from the person lifts an opt-out\.$/,
      );
      await page.screenshot({ path: join(SCREENSHOTS, '8-thread-form-refused.png'), fullPage: true });
      await page.close();
    });

    it('a simulated 21610 delivery failure opts the number out, with the error in the thread', async () => {
      const page = await watchedPage();
      await page.goto(`${origin}/leads/james-open-house`);
      await Promise.all([page.waitForURL(`${origin}/leads/james-open-house`), page.click('#simulate-21610')]);
      expect(await threadState(page)).toMatchObject({ badge: 1, notice: NOTICE, compose: 0 });
      expect((await timelineOf(page)).at(-1)).toBe(
        'event: Opted out: Twilio refused a delivery (error 21610)',
      );
      expect(await page.locator('#consent-explain').textContent()).toMatch(
        /^Opted out since .*: delivery failed with Twilio error 21610 \(SM[0-9a-f]+\)\.$/,
      );
      await page.screenshot({ path: join(SCREENSHOTS, '9-thread-21610.png'), fullPage: true });
      await page.close();
    });

    it('the audit page verifies the trail, downloads the CSV and resolves the review queue', async () => {
      const context = await watchedContext({ acceptDownloads: true });
      const page = await context.newPage();
      await simulate(page, 'sofia-newsletter', '#simulate button[type=submit]:not([name])', 'Not interested');
      expect(await threadState(page)).toMatchObject({ badge: 0, compose: 1 });
      expect((await timelineOf(page)).slice(-2)).toEqual(['in: Not interested', 'event: Waiting for review']);

      await page.goto(`${origin}/audit`);
      expect(await page.locator('#verify-result').textContent()).toMatch(
        /^Verified: \d+ events, the hash chain is intact\.$/,
      );
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      expect(download.suggestedFilename()).toBe('opt-outs.csv');
      const csv = await readFile((await download.path()) ?? '', 'utf8');
      const lines = csv.trim().split('\r\n');
      expect(lines[0]).toBe('phone,opted_out_at,source,keyword,message_id,body,event_id');
      expect(
        lines
          .slice(1)
          .map((line) => line.split(',')[0])
          .sort(),
      ).toEqual(['+12125550147', '+13055550199', '+16465553890']);

      const review = page.locator('li.review.open');
      expect(await review.count()).toBe(1);
      expect(await review.locator('.review-text').textContent()).toBe('“Not interested”');
      await page.screenshot({ path: join(SCREENSHOTS, '10-audit.png'), fullPage: true });
      await Promise.all([
        page.waitForURL(`${origin}/audit`),
        review.locator('button[value=opt_out]').click(),
      ]);
      expect(await page.locator('p.alert').textContent()).toBe(
        'Resolved: recorded as an opt-out, effective when the text arrived.',
      );
      expect(await page.locator('li.review.resolved .resolution').textContent()).toMatch(
        /^Opted out by demo-admin · /,
      );
      await page.reload();
      expect(await page.locator('p.alert').count()).toBe(0);
      expect(await page.locator('#optouts tbody tr').count()).toBe(4);

      await page.goto(`${origin}/leads/sofia-newsletter`);
      expect(await threadState(page)).toMatchObject({ badge: 1, notice: NOTICE, compose: 0 });
      expect(await page.locator('#consent-explain').textContent()).toMatch(
        /^Opted out since .*: an admin by demo-admin who reviewed the text 'Not interested' \(SM[0-9a-f]+\) from \+15035557720 to \+15005550006 and resolved it as an opt-out\.$/,
      );
      expect((await timelineOf(page)).slice(-3)).toEqual([
        'in: Not interested',
        'event: Reviewed: an opt-out',
        'event: Opted out by demo-admin after review',
      ]);
      await context.close();
    });

    it('fits a 390 px wide phone screen', async () => {
      const page = await watchedPage({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      for (const [path, name] of [
        ['/', '11-phone-inbox.png'],
        ['/leads/maria-open-house', '12-phone-thread.png'],
        ['/leads/sofia-newsletter', '13-phone-thread-opted-out.png'],
        ['/audit', '14-phone-audit.png'],
      ] as const) {
        await page.goto(`${origin}${path}`);
        const width = await page.evaluate('document.documentElement.scrollWidth');
        expect({ path, width }).toEqual({ path, width: 390 });
        await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
      }
      await page.close();
    });

    it('a STOP through Telnyx, Plivo, Vonage or Bandwidth shows the same badge as through Twilio', async () => {
      const page = await watchedPage({ viewport: { width: 1100, height: 900 } });
      /** Texts `preset` to the thread through `provider`'s signed webhook, as the compose box does. */
      async function textThrough(provider: string, preset: 'STOP' | 'START') {
        await page.goto(`${origin}/leads/maria-open-house`);
        await page.selectOption('#simulate-provider', provider);
        await Promise.all([
          page.waitForURL(`${origin}/leads/maria-open-house?via=${provider}`),
          page.click(`#simulate button[value=${preset}]`),
        ]);
        // The selector keeps the provider for the next text.
        expect(await page.locator('#simulate-provider').inputValue()).toBe(provider);
      }
      expect(await page.goto(`${origin}/leads/maria-open-house`).then(() => threadState(page))).toMatchObject(
        {
          badge: 0,
          compose: 1,
        },
      );
      expect(await page.locator('#simulate-provider option').allTextContents()).toEqual([
        'Twilio',
        'Telnyx',
        'Plivo',
        'Vonage',
        'Bandwidth',
      ]);
      const cases = [
        ['telnyx', 'STOP', '15-thread-telnyx-stop.png'],
        ['plivo', 'START', undefined],
        ['vonage', 'STOP', '16-thread-vonage-stop.png'],
        ['bandwidth', 'START', undefined],
        ['bandwidth', 'STOP', undefined],
        ['plivo', 'START', undefined],
      ] as const;
      for (const [provider, preset, screenshot] of cases) {
        const before = (await threadState(page)).history.length;
        await textThrough(provider, preset);
        const state = await threadState(page);
        expect({ provider, preset, status: await page.locator('#consent-status').textContent() }).toEqual({
          provider,
          preset,
          status: preset === 'STOP' ? 'Opted out of SMS' : 'Opted in',
        });
        expect(state).toMatchObject(
          preset === 'STOP' ? { badge: 1, notice: NOTICE, compose: 0 } : { badge: 0, compose: 1 },
        );
        expect(state.history.slice(before)).toContain(preset);
        if (screenshot) await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
      }
      await page.close();
    });

    it('the CLI reads the demo’s folder once the demo is stopped', async () => {
      await demo.close();
      const explained = await runCli(['explain', '(503) 555-7720', '--data-dir', dataDir]);
      expect(explained.stderr).toBe('');
      expect(explained.stdout).toMatch(
        /^Opted out since .*: an admin by demo-admin who reviewed the text 'Not interested'/,
      );
      const reviews = JSON.parse((await runCli(['review', '--all', '--json', '--data-dir', dataDir])).stdout);
      expect(reviews.reviews).toHaveLength(1);
      demo = await startDemo({ port: 0, dataDir });
      origin = `http://127.0.0.1:${demo.port}`;
    });
  },
);
