import { omitUndefined } from '../helpers/omit-undefined.js';
import type { HistoryMessage } from '../ledger/backfill.js';

/** The fields of a Twilio Message resource the history reads (the `twilio` package's `MessageInstance`). */
export interface TwilioMessageLike {
  readonly sid: string;
  /** `inbound`, `outbound-api`, `outbound-call` or `outbound-reply`. */
  readonly direction: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly body?: string | null;
  readonly dateSent?: Date | null;
  readonly dateCreated?: Date | null;
  readonly errorCode?: number | null;
  readonly accountSid?: string | null;
}

/** One page of the Messages list, as the `twilio` package's `MessagePage`. */
export interface TwilioMessagePageLike {
  readonly instances: readonly TwilioMessageLike[];
  /** The next page, or undefined on the last one. */
  nextPage(): Promise<TwilioMessagePageLike> | undefined | null;
}

/** What {@link twilioMessageHistory} needs of a Twilio client: `client.messages.page()`. */
export interface TwilioHistoryClient {
  readonly messages: {
    page(options: {
      readonly to?: string;
      readonly from?: string;
      readonly dateSentAfter?: Date;
      readonly pageSize?: number;
    }): Promise<TwilioMessagePageLike>;
  };
}

/** Options of {@link twilioMessageHistory}. */
export interface TwilioMessageHistoryOptions {
  /** Only messages sent on or after this day (Twilio filters `DateSent>=` by UTC date). */
  readonly since?: Date | string;
  /** Only messages sent to this number: the inbound texts of one of your numbers. */
  readonly to?: string;
  /** Only messages sent from this number: your outbound messages, for their 21610 errors. */
  readonly from?: string;
  /** Messages per request (default 1000, Twilio's maximum). */
  readonly pageSize?: number;
  /** Tenant the messages belong to. */
  readonly tenantId?: string;
}

/**
 * The message history of a Twilio account as a backfill source, read from the Messages list API
 * page by page (`client.messages.page()` and `nextPage()`, so the whole history is never in
 * memory). Works with a `twilio` client (`twilio(accountSid, authToken)`) or anything of its shape.
 *
 * **Reach: the Messages API only returns the last 400 days.** For older history use Twilio's Bulk
 * Export and {@link readTwilioBulkExport}. The API lists newest first; `backfill` puts everything in
 * time order itself.
 *
 * @example
 * const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
 * await consent.backfill(twilioMessageHistory(client, { since: '2025-01-01' }), { onProgress: console.log });
 */
export async function* twilioMessageHistory(
  client: TwilioHistoryClient,
  options: TwilioMessageHistoryOptions = {},
): AsyncGenerator<HistoryMessage> {
  let page: TwilioMessagePageLike | undefined | null = await client.messages.page(
    omitUndefined({
      pageSize: options.pageSize ?? 1000,
      dateSentAfter: options.since === undefined ? undefined : new Date(options.since),
      to: options.to,
      from: options.from,
    }),
  );
  while (page) {
    for (const message of page.instances) yield fromTwilioMessage(message, options.tenantId);
    page = await page.nextPage();
  }
}

/** A Twilio Message resource as a {@link HistoryMessage}. */
export function fromTwilioMessage(message: TwilioMessageLike, tenantId?: string): HistoryMessage {
  const sentAt = message.dateSent ?? message.dateCreated;
  return omitUndefined({
    id: message.sid,
    direction: message.direction === 'inbound' ? 'inbound' : 'outbound',
    from: message.from ?? '',
    to: message.to ?? '',
    body: message.body ?? null,
    sentAt: sentAt instanceof Date ? sentAt : Number.NaN,
    errorCode: message.errorCode ?? null,
    ...(message.accountSid ? { accountId: message.accountSid } : {}),
    tenantId,
  });
}
