import { compareEvents, foldConsent } from './rules.js';
import type { ConsentEvent, ConsentStatus } from './types.js';

/** `2026-03-02T14:03:22.000Z` → `2026-03-02 14:03:22 UTC`. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** What an event was, in words: "text 'Stop' (SM…) from +1… to +1…". */
export function describeEvent(event: ConsentEvent): string {
  const { evidence } = event;
  const message = evidence.messageId ? ` (${evidence.messageId})` : '';
  const route = `${evidence.from ? ` from ${evidence.from}` : ''}${evidence.to ? ` to ${evidence.to}` : ''}`;
  const by = evidence.actor ? ` by ${evidence.actor}` : '';
  const note = evidence.note ? ` (${quote(evidence.note)})` : '';
  switch (event.source) {
    case 'sms':
      return `text ${quote(evidence.body ?? evidence.keyword ?? '')}${message}${route}${evidence.wrongNumber ? ': the person said it is a wrong number' : ''}`;
    case 'provider':
      return `the provider's ${event.action === 'opt_out' ? 'opt-out' : 'opt-in'} signal for message${message || ' (no id)'}${route}`;
    case 'delivery_error':
      return `delivery failed${evidence.errorCode === undefined ? '' : ` with Twilio error ${evidence.errorCode}`}${message}`;
    case 'crm':
      return `the CRM${evidence.contactId ? ` (contact ${evidence.contactId})` : ''}${note}`;
    case 'form':
      return `a form submission${by}${note}`;
    case 'import':
      return `an import${by}${note}`;
    case 'admin':
      return evidence.reviewId
        ? `an admin${by} who reviewed the text ${quote(evidence.body ?? '')}${message}${route} and resolved it as an opt-out${note}`
        : `an admin action${by}${note}`;
    case 'api':
      return `an API call${by}${note}`;
  }
}

function quote(text: string): string {
  const short = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return `'${short.replace(/\s+/g, ' ')}'`;
}

/**
 * One sentence that answers "why does this number have this status?", naming the event that caused
 * it and any later opt-in that could not lift an opt-out.
 */
export function explainStatus(status: ConsentStatus, events: readonly ConsentEvent[]): string {
  if (status.status === 'unknown' || !status.cause) {
    return `No consent events for ${status.phone}: never opted out or in, so sending is allowed.`;
  }
  const label = status.status === 'opted_out' ? 'Opted out' : 'Opted in';
  const sentence = `${label} since ${formatUtc(status.cause.occurredAt)}: ${describeEvent(status.cause)}.`;
  const { effects } = foldConsent(events);
  const cause = status.cause;
  const lastRefused = [...events]
    .sort(compareEvents)
    .filter((event) => effects.get(event)?.applied === false && compareEvents(event, cause) > 0)
    .at(-1);
  if (status.status !== 'opted_out' || !lastRefused) return sentence;
  return `${sentence} A later opt-in from ${describeEvent(lastRefused)} on ${formatUtc(lastRefused.occurredAt)} was not applied: only a text from the person lifts an opt-out.`;
}
