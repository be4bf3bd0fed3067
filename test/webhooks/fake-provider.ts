import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake provider API received. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** What the fake answers a request with. */
export interface FakeAnswer {
  readonly status: number;
  readonly json: unknown;
}

/**
 * A provider API on 127.0.0.1 for the real SDKs to call (through their configurable base URL):
 * records every request and answers with `answer(request)`, as the provider documents.
 */
export async function fakeProviderApi(answer: (request: Received) => FakeAnswer) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const { status, json } = answer(request);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
