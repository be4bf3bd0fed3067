/** A plain-text answer (errors, and the empty success of providers that expect no body). */
export function textResponse(
  status: number,
  message: string,
  headers?: Readonly<Record<string, string>>,
): Response {
  return new Response(message, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
  });
}

/** An answer with no body, e.g. 204 for a provider that ignores what the webhook answers. */
export function emptyResponse(status = 204): Response {
  return new Response(null, { status });
}

/** An XML answer (TwiML, Plivo XML). */
export function xmlResponse(xml: string): Response {
  return new Response(xml, { status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
}
