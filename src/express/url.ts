import type { Request } from 'express';
import { ConsentError } from '../errors.js';

/** How the webhook finds the URL Twilio called. */
export interface UrlOptions {
  readonly publicUrl?: string | readonly string[];
  readonly trustProxy?: boolean;
}

/** The URLs a request may have been signed for (same path and query), or why it is refused. */
export type SignedUrls = { readonly urls: readonly string[] } | { readonly refused: string };

interface PublicBase {
  /** The configured URL without its trailing slashes: what the request's path is appended to. */
  readonly base: string;
  /** Its origin as the WHATWG parser writes it (lower-case host, no default port). */
  readonly origin: string;
}

/**
 * Returns the function that rebuilds the URLs Twilio may have signed:
 * - with `publicUrl` (one URL or an allow-list), each allowed base + the request's original path and
 *   query; with `trustProxy` as well, only the base whose origin `X-Forwarded-Proto` and
 *   `X-Forwarded-Host` name, a forwarded origin outside the list being refused;
 * - without `publicUrl`, the request's own protocol (Express's `trust proxy` setting applies) and
 *   `Host` header. `trustProxy` without `publicUrl` is a configuration error: a forwarded host taken
 *   on trust lets a request Twilio signed for another app of the same account replay here.
 */
export function createUrlResolver({
  publicUrl,
  trustProxy = false,
}: UrlOptions): (req: Request) => SignedUrls {
  if (publicUrl === undefined) {
    if (trustProxy) {
      throw new ConsentError(
        'CONFIG',
        'trustProxy needs publicUrl: the public URL (or list of URLs) Twilio calls this app on; a forwarded host outside it is refused',
      );
    }
    return (req) => ({
      urls: [`${req.protocol ?? 'http'}://${req.headers.host ?? 'localhost'}${pathOf(req)}`],
    });
  }
  const bases = (typeof publicUrl === 'string' ? [publicUrl] : [...publicUrl]).map(checkPublicUrl);
  if (bases.length === 0) throw new ConsentError('CONFIG', 'publicUrl must name at least one URL');
  if (!trustProxy) return (req) => ({ urls: bases.map(({ base }) => base + pathOf(req)) });
  return (req) => {
    const host = firstValue(req.headers['x-forwarded-host']);
    if (host === undefined) return { urls: bases.map(({ base }) => base + pathOf(req)) };
    const protocol = firstValue(req.headers['x-forwarded-proto']) ?? req.protocol ?? 'http';
    const origin = originOf(`${protocol}://${host}`);
    const allowed = bases.filter((entry) => entry.origin === origin);
    if (allowed.length === 0) {
      return {
        refused: `X-Forwarded-Host ${host} (${protocol}) is not one of publicUrl: ${bases.map((entry) => entry.origin).join(', ')}`,
      };
    }
    return { urls: allowed.map(({ base }) => base + pathOf(req)) };
  };
}

function pathOf(req: Request): string {
  return req.originalUrl || req.url;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function checkPublicUrl(publicUrl: unknown): PublicBase {
  let parsed: URL;
  try {
    if (typeof publicUrl !== 'string') throw new TypeError('not a string');
    parsed = new URL(publicUrl);
  } catch {
    throw new ConsentError('CONFIG', `publicUrl is not a URL: ${JSON.stringify(publicUrl)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConsentError('CONFIG', `publicUrl must be http(s), got ${JSON.stringify(publicUrl)}`);
  }
  if (parsed.search || parsed.hash) {
    throw new ConsentError(
      'CONFIG',
      'publicUrl must be an origin (and optional path prefix), without query or fragment',
    );
  }
  return { base: publicUrl.trim().replace(/\/+$/, ''), origin: parsed.origin };
}

/** The first entry of a possibly repeated, comma-separated header, or undefined when empty. */
function firstValue(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  const first = raw?.split(',')[0]?.trim();
  return first ? first : undefined;
}
