import type { Request } from 'express';
import { ConsentError } from '../errors.js';

/** How the webhook finds the URL Twilio called. */
export interface UrlOptions {
  readonly publicUrl?: string;
  readonly trustProxy?: boolean;
}

/**
 * Returns the function that rebuilds the URL Twilio signed: `publicUrl` + the request's original
 * path and query; else `X-Forwarded-Proto`/`X-Forwarded-Host` when trusted; else the request's own
 * protocol (Express's `trust proxy` setting applies) and `Host` header.
 */
export function createUrlResolver({ publicUrl, trustProxy = false }: UrlOptions): (req: Request) => string {
  if (publicUrl !== undefined) {
    const base = checkPublicUrl(publicUrl);
    return (req) => base + (req.originalUrl || req.url);
  }
  return (req) => {
    const forwardedProto = trustProxy ? firstValue(req.headers['x-forwarded-proto']) : undefined;
    const forwardedHost = trustProxy ? firstValue(req.headers['x-forwarded-host']) : undefined;
    const protocol = forwardedProto ?? req.protocol ?? 'http';
    const host = forwardedHost ?? req.headers.host ?? 'localhost';
    return `${protocol}://${host}${req.originalUrl || req.url}`;
  };
}

function checkPublicUrl(publicUrl: string): string {
  let parsed: URL;
  try {
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
  return publicUrl.trim().replace(/\/+$/, '');
}

/** The first entry of a possibly repeated, comma-separated header, or undefined when empty. */
function firstValue(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  const first = raw?.split(',')[0]?.trim();
  return first ? first : undefined;
}
