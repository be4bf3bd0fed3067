/** Markup that is already safe: only {@link html} and {@link raw} make one. */
export interface Html {
  readonly __html: string;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** Trusted markup, inserted as is. */
export function raw(markup: string): Html {
  return { __html: markup };
}

function render(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && '__html' in value) return String((value as Html).__html);
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every interpolated value unless it is {@link Html}: the only way the
 * demo builds pages, so no lead name or message body can inject markup.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return { __html: markup };
}
