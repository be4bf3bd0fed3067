import { ConsentError } from '../errors.js';
import type { Refusal } from './body.js';

/** How a handler finds the URL the provider called. One rule for every handler and adapter. */
export interface UrlOptions {
  /**
   * The origin the provider calls, e.g. `https://app.example.com` (plus any path prefix a proxy
   * strips), or the list of them when the app answers on several.
   */
  readonly publicUrl?: string | readonly string[];
  /** Let `X-Forwarded-Proto` and `X-Forwarded-Host` pick which `publicUrl` the request came through. */
  readonly trustProxy?: boolean;
}

/** What a URL resolver reads of a request. */
export interface UrlSource {
  /** The absolute URL of the request as received. */
  readonly url: string;
  /** A header by its lower-case name, or null. */
  header(name: string): string | null;
}

/**
 * How a handler finds the URLs the provider may have signed (same path and query, one per allowed
 * origin), or a refusal.
 */
export type UrlResolver = (request: UrlSource) => readonly string[] | Refusal;

interface PublicBase {
  /** The configured URL without its trailing slashes: what the request's path is appended to. */
  readonly base: string;
  /** Its origin as the WHATWG parser writes it (lower-case host, no default port). */
  readonly origin: string;
}

/**
 * Returns the function that rebuilds the URLs the provider may have signed:
 * - with `publicUrl` (one URL or a list), each base + the request's path and query as received;
 *   with `trustProxy` as well, only the base whose origin `X-Forwarded-Proto` and `X-Forwarded-Host`
 *   name, a forwarded origin outside the list being refused (403);
 * - without `publicUrl`, the request's own URL. `trustProxy` without `publicUrl` is a configuration
 *   error: a forwarded host taken on trust lets a request the provider signed for another app of the
 *   same account replay here.
 */
export function createUrlResolver({ publicUrl, trustProxy = false }: UrlOptions, where: string): UrlResolver {
  if (publicUrl === undefined) {
    if (trustProxy) {
      throw new ConsentError(
        'CONFIG',
        `${where}: trustProxy needs publicUrl: the public URL (or list of URLs) the provider calls this app on; a forwarded host outside it is refused`,
      );
    }
    return (request) => [request.url];
  }
  const bases = (typeof publicUrl === 'string' ? [publicUrl] : [...publicUrl]).map((url) =>
    checkPublicUrl(url, where),
  );
  const [only] = bases;
  if (only === undefined) throw new ConsentError('CONFIG', `${where}: publicUrl must name at least one URL`);
  if (!trustProxy) {
    if (bases.length === 1) return (request) => [only.base + pathAndQuery(request.url)];
    return (request) => bases.map(({ base }) => base + pathAndQuery(request.url));
  }
  return (request) => {
    const host = firstValue(request.header('x-forwarded-host'));
    if (host === undefined) return bases.map(({ base }) => base + pathAndQuery(request.url));
    const protocol = firstValue(request.header('x-forwarded-proto')) ?? schemeOf(request.url);
    const origin = originOf(`${protocol}://${host}`);
    const allowed = bases.filter((entry) => entry.origin === origin);
    if (allowed.length === 0) {
      return {
        status: 403,
        message: `X-Forwarded-Host ${host} (${protocol}) is not one of publicUrl: ${bases.map((entry) => entry.origin).join(', ')}`,
      };
    }
    return allowed.map(({ base }) => base + pathAndQuery(request.url));
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

function schemeOf(url: string): string {
  const end = url.indexOf('://');
  return end === -1 ? 'http' : url.slice(0, end);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The first entry of a possibly repeated, comma-separated header, or undefined when empty. */
function firstValue(header: string | null): string | undefined {
  const first = header?.split(',')[0]?.trim();
  return first ? first : undefined;
}

function checkPublicUrl(publicUrl: unknown, where: string): PublicBase {
  let parsed: URL;
  try {
    if (typeof publicUrl !== 'string') throw new TypeError('not a string');
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
  return { base: publicUrl.trim().replace(/\/+$/, ''), origin: parsed.origin };
}
