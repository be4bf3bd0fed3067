import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import {
  type ConsentManager,
  type ConsentStore,
  composeState,
  createConsentManager,
  OptedOutError,
} from 'sms-consent';
import { createTwilioWebhook } from 'sms-consent/express';
import { signTwilioRequest } from 'sms-consent/twilio';
import { FAVICON, LIVE_SCRIPT, STYLESHEET } from './assets.js';
import { allReviews, mountAudit } from './audit.js';
import { type DemoData, type Lead, openDemoData } from './data.js';
import { redirectWithFlash, takeFlash } from './flash.js';
import { createOutbound, type TwilioCredentials } from './outbound.js';
import { isDemoProvider, mountProviderWebhooks } from './providers.js';
import { createDemoStore, type DemoStore } from './store.js';
import { buildTimeline } from './timeline.js';
import { errorPage, inboxPage, type LeadRow, threadPage } from './views.js';

/** The auth token the demo signs and checks webhooks with when `TWILIO_AUTH_TOKEN` is not set. */
export const DEMO_AUTH_TOKEN = 'sms-consent-demo-auth-token';
/** The demo's one opt-out confirmation (the library's default text); the timeline recognises it. */
const OPT_OUT_CONFIRMATION =
  'You have been unsubscribed and will receive no more messages from us. Reply START to resubscribe.';
const DEMO_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Folder of the demo's data (consent store and app data). */
  readonly dataDir: string;
  /** Consent store to use instead of the embedded default. */
  readonly store?: ConsentStore;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Token webhooks are signed with (default {@link DEMO_AUTH_TOKEN}). */
  readonly authToken?: string;
  /** The origin Twilio calls (default `http://localhost:<port>`). */
  readonly publicUrl?: string;
  /** Real Twilio sending; without it a local stand-in records outbound texts. */
  readonly twilio?: TwilioCredentials;
}

/** A running demo. */
export interface RunningDemo {
  /** Where to open the inbox. */
  readonly url: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly authToken: string;
  readonly storeDescription: string;
  readonly mode: 'twilio' | 'stand-in';
  readonly consent: ConsentManager;
  close(): Promise<void>;
}

/**
 * Starts the demo inbox: leads across events and campaigns, their threads, the Twilio webhook at
 * `/twilio/inbound` and `/twilio/status`, a form that sends signed test texts to that webhook, and
 * live updates over server-sent events.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const authToken = options.authToken ?? DEMO_AUTH_TOKEN;
  const demoStore: DemoStore = options.store
    ? {
        store: options.store,
        persistent: false,
        description: 'store given by the caller',
        close: async () => {},
      }
    : await createDemoStore(options.dataDir);
  const consent = createConsentManager({
    store: demoStore.store,
    defaultCountry: 'US',
    replies: { optOutConfirmation: OPT_OUT_CONFIRMATION },
  });
  const data = await openDemoData(options.dataDir, demoStore.persistent);
  const outbound = await createOutbound(consent, options.twilio);

  const app = express();
  app.disable('x-powered-by');
  const server: Server = app.listen(options.port, options.host ?? '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const publicUrl = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const localUrl = `http://127.0.0.1:${port}`;

  /**
   * Puts an inbound text, and the confirmation it calls for, in the thread. Twilio's and Plivo's
   * answers carry the confirmation (TwiML, Plivo XML); with the other providers the app sends it
   * itself, through the guarded client, which lets exactly that text through once.
   */
  async function recordInbound(
    message: { readonly from: string; readonly body: string; readonly messageId?: string },
    result: { readonly reply?: string; readonly event?: { readonly occurredAt: string } | null },
    answered: boolean,
  ): Promise<void> {
    const phone = consent.normalize(message.from);
    const id = message.messageId ?? randomBytes(16).toString('hex');
    await data.addMessage({
      phone,
      direction: 'inbound',
      body: message.body,
      at: result.event?.occurredAt ?? new Date().toISOString(),
      sid: id,
    });
    if (result.reply === undefined) return;
    // With real Twilio credentials a simulated text from a demo lead gets no real confirmation.
    if (!answered && outbound.mode === 'stand-in') {
      await outbound.client.messages.create({ to: phone, from: outbound.from, body: result.reply });
    }
    await data.addMessage({
      phone,
      direction: 'outbound',
      body: result.reply,
      at: new Date().toISOString(),
      sid: `reply:${id}`,
    });
  }

  const hook = createTwilioWebhook({
    consent,
    authToken,
    publicUrl,
    onInbound: ({ message, result }) => recordInbound(message, result, true),
  });
  app.post('/twilio/inbound', hook.inbound);
  app.post('/twilio/status', hook.status);
  const providers = mountProviderWebhooks(app, {
    consent,
    publicUrl,
    localUrl,
    onInbound: ({ provider, message, result }) => recordInbound(message, result, provider === 'plivo'),
  });

  const live = createLiveUpdates(consent, data);
  app.get('/events', live.handler);
  app.get('/assets/style.css', (_req, res) => void res.type('text/css').send(STYLESHEET));
  app.get('/assets/live.js', (_req, res) => void res.type('text/javascript').send(LIVE_SCRIPT));
  app.get('/favicon.svg', (_req, res) => void res.type('image/svg+xml').send(FAVICON));
  app.get('/favicon.ico', (_req, res) => void res.type('image/svg+xml').send(FAVICON));
  mountAudit(app, consent);

  async function rowsFor(leads: readonly Lead[]): Promise<LeadRow[]> {
    const statuses = new Map<string, Awaited<ReturnType<ConsentManager['getStatus']>>['status']>();
    for (const lead of leads) {
      const phone = consent.normalize(lead.phone);
      if (!statuses.has(phone)) statuses.set(phone, (await consent.getStatus(phone)).status);
    }
    return leads.map((lead) => {
      const status = statuses.get(consent.normalize(lead.phone)) ?? 'unknown';
      return { lead, status, compose: composeState(status) };
    });
  }

  function findLead(req: Request, res: Response): Lead | undefined {
    const lead = data.leads.find((candidate) => candidate.id === req.params.id);
    if (!lead) res.status(404).type('html').send(errorPage(404, 'No lead with that id.'));
    return lead;
  }

  app.get('/', async (_req, res) => {
    res.type('html').send(inboxPage(await rowsFor(data.leads)));
  });

  app.get('/leads/:id', async (req, res) => {
    const lead = findLead(req, res);
    if (!lead) return;
    const phone = consent.normalize(lead.phone);
    const [row] = await rowsFor([lead]);
    if (!row) return;
    const flash = takeFlash(req, res);
    const reviews = (await allReviews(consent)).filter((review) => review.phone === phone);
    res.type('html').send(
      threadPage({
        ...row,
        timeline: buildTimeline(
          data.listMessages(phone),
          await consent.history(phone),
          OPT_OUT_CONFIRMATION,
          reviews,
        ),
        explanation: await consent.explain(phone),
        related: data.leads.filter(
          (other) => other.id !== lead.id && consent.normalize(other.phone) === phone,
        ),
        mode: outbound.mode,
        ...(isDemoProvider(req.query.via) ? { via: req.query.via } : {}),
        ...(flash ? { flash } : {}),
      }),
    );
  });

  const form = express.urlencoded({ extended: false, limit: '16kb' });

  app.post('/leads/:id/messages', form, async (req, res) => {
    const lead = findLead(req, res);
    if (!lead) return;
    const body = typeof req.body?.body === 'string' ? req.body.body.trim() : '';
    const back = `/leads/${encodeURIComponent(lead.id)}`;
    if (!body) return redirectWithFlash(res, back, 'empty');
    try {
      const sent = await outbound.client.messages.create({
        to: lead.phone,
        from: outbound.from,
        body,
        ...(outbound.mode === 'twilio' ? { statusCallback: `${publicUrl}/twilio/status` } : {}),
      });
      await data.addMessage({
        phone: consent.normalize(lead.phone),
        direction: 'outbound',
        body,
        at: new Date().toISOString(),
        sid: sent.sid,
      });
      res.redirect(303, back);
    } catch (error) {
      if (error instanceof OptedOutError) return redirectWithFlash(res, back, 'opted-out');
      console.error('demo: sending failed', error);
      redirectWithFlash(res, back, 'send-failed');
    }
  });

  app.post('/leads/:id/simulate', form, async (req, res) => {
    const lead = findLead(req, res);
    if (!lead) return;
    const preset = typeof req.body?.preset === 'string' ? req.body.preset : undefined;
    const body = preset ?? (typeof req.body?.body === 'string' ? req.body.body : '');
    const back = `/leads/${encodeURIComponent(lead.id)}`;
    if (!body.trim()) return redirectWithFlash(res, back, 'empty');
    const provider = isDemoProvider(req.body?.provider) ? req.body.provider : 'twilio';
    if (provider !== 'twilio') {
      // Signed with that provider's scheme and posted to the route its handler serves.
      const answer = await providers.simulate(provider, {
        from: consent.normalize(lead.phone),
        to: outbound.from,
        body,
      });
      if (!answer.ok)
        console.error(`demo: ${provider} webhook answered ${answer.status}: ${await answer.text()}`);
      return answer.ok
        ? res.redirect(303, `${back}?via=${provider}`)
        : redirectWithFlash(res, back, 'webhook-failed');
    }
    const params = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: options.twilio?.accountSid ?? DEMO_ACCOUNT_SID,
      From: consent.normalize(lead.phone),
      To: outbound.from,
      Body: body,
      NumMedia: '0',
      ApiVersion: '2010-04-01',
    };
    // The real path: sign as Twilio does for the public URL, deliver to this server's own webhook.
    const signature = signTwilioRequest({ authToken, url: `${publicUrl}/twilio/inbound`, params });
    const answer = await fetch(`${localUrl}/twilio/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      body: new URLSearchParams(params),
    });
    if (!answer.ok) console.error(`demo: webhook answered ${answer.status}: ${await answer.text()}`);
    if (answer.ok) res.redirect(303, back);
    else redirectWithFlash(res, back, 'webhook-failed');
  });

  // A text to the lead that Twilio refuses with 21610 (they unsubscribed at the carrier): the signed
  // status callback Twilio would send, delivered to this server's own webhook.
  app.post('/leads/:id/simulate-21610', async (req, res) => {
    const lead = findLead(req, res);
    if (!lead) return;
    const params = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: options.twilio?.accountSid ?? DEMO_ACCOUNT_SID,
      MessageStatus: 'failed',
      ErrorCode: '21610',
      From: outbound.from,
      To: consent.normalize(lead.phone),
    };
    const signature = signTwilioRequest({ authToken, url: `${publicUrl}/twilio/status`, params });
    const answer = await fetch(`${localUrl}/twilio/status`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      body: new URLSearchParams(params),
    });
    const back = `/leads/${encodeURIComponent(lead.id)}`;
    if (!answer.ok) console.error(`demo: status webhook answered ${answer.status}: ${await answer.text()}`);
    if (answer.ok) res.redirect(303, back);
    else redirectWithFlash(res, back, 'webhook-failed');
  });

  // A web form that says "yes, text me": recorded, but it never lifts an opt-out.
  app.post('/leads/:id/simulate-form', async (req, res) => {
    const lead = findLead(req, res);
    if (!lead) return;
    await consent.record({
      phone: lead.phone,
      action: 'opt_in',
      source: 'form',
      actor: `web form (${lead.source})`,
      evidence: { consentText: 'Yes, text me about listings. Reply STOP to opt out.' },
    });
    res.redirect(303, `/leads/${encodeURIComponent(lead.id)}`);
  });

  return {
    url: `http://localhost:${port}`,
    port,
    publicUrl,
    authToken,
    storeDescription: demoStore.description,
    mode: outbound.mode,
    consent,
    async close() {
      live.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await demoStore.close();
    },
  };
}

/** Server-sent events: one `change` event per consent change or new message. */
function createLiveUpdates(consent: ConsentManager, data: DemoData) {
  const clients = new Set<Response>();
  const broadcast = (payload: object): void => {
    const frame = `event: change\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of clients) client.write(frame);
  };
  const stopConsent = consent.onChange((change) =>
    broadcast({ phone: change.phone, status: change.status.status }),
  );
  const stopMessages = data.onMessage((message) => broadcast({ phone: message.phone, message: message.id }));
  const heartbeat = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n');
  }, 25_000);
  heartbeat.unref();
  return {
    handler(req: Request, res: Response) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      res.write('retry: 2000\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    },
    close() {
      clearInterval(heartbeat);
      stopConsent();
      stopMessages();
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
