import { OptedOutError } from '../errors.js';
import { omitUndefined } from '../helpers/omit-undefined.js';
import type { ConsentManager } from '../manager/types.js';

/**
 * Uses up the pending opt-out confirmation through the send guard, for an answer that carries it
 * (TwiML, Plivo XML); undefined when there is none or it was already sent (a retry, a race).
 */
export async function claimReply(
  consent: Pick<ConsentManager, 'assertCanSend'>,
  reply: string | undefined,
  from: string,
  tenantId: string | undefined,
): Promise<string | undefined> {
  if (reply === undefined) return undefined;
  try {
    await consent.assertCanSend(from, omitUndefined({ body: reply, tenantId }));
    return reply;
  } catch (error) {
    if (error instanceof OptedOutError) return undefined;
    throw error;
  }
}
