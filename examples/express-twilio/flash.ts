import type { Request, Response } from 'express';

const COOKIE = 'demo_flash';

/** Messages shown once after a redirect. */
export const FLASHES: Readonly<Record<string, string>> = {
  'opted-out': 'Not sent: this lead has opted out of SMS.',
  'send-failed': 'Not sent: the SMS provider refused the message. See the server log.',
  'webhook-failed': 'The webhook refused the simulated request. See the server log.',
  empty: 'Type a message first.',
  'review-opted-out': 'Resolved: recorded as an opt-out, effective when the text arrived.',
  'review-dismissed': 'Resolved: not an opt-out.',
  'review-failed': 'That review could not be resolved. See the server log.',
};

/** Redirects with a one-time message: a cookie the next page reads and clears, so a reload does not show it again. */
export function redirectWithFlash(res: Response, to: string, flash: keyof typeof FLASHES): void {
  res.cookie(COOKIE, flash, { httpOnly: true, sameSite: 'lax', path: '/' });
  res.redirect(303, to);
}

/** The pending message, cleared as it is read. */
export function takeFlash(req: Request, res: Response): string | undefined {
  const match = /(?:^|;\s*)demo_flash=([a-z-]+)/.exec(req.headers.cookie ?? '');
  if (!match) return undefined;
  res.clearCookie(COOKIE, { path: '/' });
  return FLASHES[match[1] ?? ''];
}
