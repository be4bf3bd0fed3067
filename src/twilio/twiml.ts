/** The XML declaration every TwiML answer starts with. */
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** The empty TwiML answer: Twilio sends nothing back. */
export const EMPTY_TWIML = `${XML_DECLARATION}<Response/>`;

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot carry, even escaped.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Escapes text for XML element content and attribute values, dropping characters XML cannot carry. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
}

/**
 * The TwiML answer to an inbound message: empty, or one `<Message>` that Twilio sends back to the
 * sender (the opt-out confirmation the app must send itself).
 *
 * @example
 * res.type('text/xml').send(twimlResponse(result.reply));
 */
export function twimlResponse(message?: string): string {
  return message === undefined
    ? EMPTY_TWIML
    : `${XML_DECLARATION}<Response><Message>${escapeXml(message)}</Message></Response>`;
}
