import type { TwilioInboundFields } from './inbound.js';
import { INTEGER_TEXT, sidPattern } from './params.js';

const MESSAGE_SID = sidPattern(['SM', 'MM']);
const ACCOUNT_SID = sidPattern(['AC']);
const SERVICE_SID = sidPattern(['MG']);

/**
 * Twilio's inbound fields as the zod schema of `parseTwilioInbound` gives them, for the ordinary
 * webhook only: a plain record whose known fields are single texts of the expected form (SIDs,
 * numbers of 1–200 characters once trimmed, a body within its limit, `NumMedia` digits or empty, an
 * `OptOutType` within its limit). Anything else (a missing or repeated field, a number from JSON, an
 * odd value, another kind of object) gives `undefined`, and the schema, the one source of the
 * errors, decides. A property test holds the two equal wherever this answers.
 *
 * Why: the schema's generic run cost about 7 µs a webhook in the server's profile (1.7 µs in a loop),
 * this about a tenth of it.
 */
export function plainInboundFields(record: unknown): TwilioInboundFields | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const prototype = Object.getPrototypeOf(record);
  if (prototype !== null && prototype !== Object.prototype) return undefined;
  const fields = record as Readonly<Record<string, unknown>>;
  const { MessageSid, AccountSid, Body, NumMedia, MessagingServiceSid, OptOutType } = fields;
  if (typeof MessageSid !== 'string' || !MESSAGE_SID.test(MessageSid)) return undefined;
  if (typeof AccountSid !== 'string' || !ACCOUNT_SID.test(AccountSid)) return undefined;
  const From = phoneText(fields.From);
  const To = phoneText(fields.To);
  if (From === undefined || To === undefined) return undefined;
  if (typeof Body !== 'string' || Body.length > 100_000) return undefined;
  const parsed: { -readonly [K in keyof TwilioInboundFields]: TwilioInboundFields[K] } = {
    MessageSid,
    AccountSid,
    From,
    To,
    Body,
  };
  if (NumMedia !== undefined) {
    if (typeof NumMedia !== 'string') return undefined;
    if (NumMedia === '') parsed.NumMedia = undefined;
    else if (INTEGER_TEXT.test(NumMedia)) parsed.NumMedia = Number(NumMedia);
    else return undefined;
  } else if ('NumMedia' in fields) return undefined;
  if (MessagingServiceSid !== undefined) {
    if (typeof MessagingServiceSid !== 'string' || !SERVICE_SID.test(MessagingServiceSid)) return undefined;
    parsed.MessagingServiceSid = MessagingServiceSid;
  } else if ('MessagingServiceSid' in fields) return undefined;
  if (OptOutType !== undefined) {
    if (typeof OptOutType !== 'string') return undefined;
    const trimmed = OptOutType.trim();
    if (trimmed.length > 100) return undefined;
    parsed.OptOutType = trimmed;
  } else if ('OptOutType' in fields) return undefined;
  return parsed;
}

/** `From` or `To`: a single text of 1–200 characters once trimmed, trimmed; else undefined. */
function phoneText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length >= 1 && trimmed.length <= 200 ? trimmed : undefined;
}
