import { ConsentError } from '../errors.js';
import { type Refusal, refuse } from './body.js';

/** How a handler finds the URL the provider called: the string to check the signature over, or a refusal. */
export type UrlResolver = (url: string) => string | Refusal;

/**
 * Returns the function that rebuilds the URL the provider signed: `publicUrl` + the request's path
 * and query; else the request's own URL, whose host must be in `allowedHosts` when that is set.
 * Forwarded headers are never read: they are whatever the caller sent.
 */
export function createUrlResolver(
  options: { readonly publicUrl?: string; readonly allowedHosts?: readonly string[] },
  where: string,
): UrlResolver {
  if (options.publicUrl !== undefined) {
    const base = checkPublicUrl(options.publicUrl, where);
    return (url) => base + pathAndQuery(url);
  }
  if (options.allowedHosts === undefined) return (url) => url;
  const allowed = new Set(options.allowedHosts.map((host) => host.trim().toLowerCase()));
  if (allowed.size === 0 || allowed.has('')) {
    throw new ConsentError('CONFIG', `${where}: allowedHosts must list at least one host name`);
  }
  return (url) => {
    const host = hostOf(url);
    return allowed.has(host)
      ? url
      : refuse(403, `Host ${JSON.stringify(host)} is not one of allowedHosts; set publicUrl or add it`)
          .refusal;
  };
}

/** The path and query of an absolute URL, kept exactly as received. */
export function pathAndQuery(url: string): string {
  const schemeEnd = url.indexOf('://');
  const pathStart = schemeEnd === -1 ? 0 : url.indexOf('/', schemeEnd + 3);
  if (pathStart === -1) {
    const queryStart = url.indexOf('?', schemeEnd + 3);
    return queryStart === -1 ? '/' : `/${url.slice(queryStart)}`;
  }
  return url.slice(pathStart);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return '';
  }
}

function checkPublicUrl(publicUrl: string, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(publicUrl);
  } catch {
    throw new ConsentError('CONFIG', `${where}: publicUrl is not a URL: ${JSON.stringify(publicUrl)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConsentError('CONFIG', `${where}: publicUrl must be http(s), got ${JSON.stringify(publicUrl)}`);
  }
  if (parsed.search || parsed.hash) {
    throw new ConsentError(
      'CONFIG',
      `${where}: publicUrl must be an origin (and optional path prefix), without query or fragment`,
    );
  }
  return publicUrl.trim().replace(/\/+$/, '');
}
