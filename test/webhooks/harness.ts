import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ConsentManager,
  type ConsentManagerOptions,
  createConsentManager,
  createMemoryStore,
} from 'sms-consent';
import type { MemoryConsentStore } from 'sms-consent/store';
import twilio from 'twilio';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const LEAD = '+14155552671';

/** A server listening on 127.0.0.1, port 0. */
export interface Listening {
  readonly origin: string;
  close(): Promise<void>;
}

/** Something with `listen(port, host)` returning a Node server (http, Express 4 and 5). */
interface Listenable {
  listen(port: number, host: string): import('node:http').Server;
}

/** Starts an `http` server, or an Express app, on an ephemeral loopback port. */
export async function listen(app: RequestListener | Listenable): Promise<Listening> {
  const server =
    typeof app === 'function' && !('listen' in app)
      ? createServer(app).listen(0, '127.0.0.1')
      : (app as Listenable).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A manager on a fresh memory store. */
export function freshConsent(options: Partial<ConsentManagerOptions> = {}): {
  consent: ConsentManager;
  store: MemoryConsentStore;
} {
  const store = createMemoryStore();
  return { store, consent: createConsentManager({ store, defaultCountry: 'US', ...options }) };
}

/** How many events the store holds for a tenant. */
export function ledgerSize(store: MemoryConsentStore, tenantId = 'default'): number {
  return store.internals.tenants.get(tenantId)?.events.length ?? 0;
}

/** A form POST signed with the official twilio helper, as Twilio sends it. */
export function signedTwilioRequest(
  url: string,
  params: Record<string, string>,
  options: { signedUrl?: string; authToken?: string; headers?: Record<string, string> } = {},
): Request {
  const signature = twilio.getExpectedTwilioSignature(
    options.authToken ?? AUTH_TOKEN,
    options.signedUrl ?? url,
    params,
  );
  return new Request(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signature,
      ...options.headers,
    },
    body: new URLSearchParams(params).toString(),
  });
}
