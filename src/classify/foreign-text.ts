/**
 * Text in a message that the person did not write, removed before any rule reads it: the sender's own
 * message quoted by a reaction (iMessage and Android "tapbacks": `Liked “Reply STOP to opt out”`,
 * `Reacted 😂 to “…”`, `Removed a like from “…”`), and the signature a phone or app appends
 * (`Sent from my iPhone`, `(sent with Gentle Effect)`). What the person added outside a quote stays.
 * Works on folded text (lower case), so the verbs are matched in lower case; quotes may be curly or
 * straight, and a quote cut off by the carrier runs to the end of the text.
 */

const REACTION_VERB = new RegExp(
  [
    '(?:^|(?<=[\\n.!?]))[ \\t]*',
    '(?:liked|loved|disliked|laughed at|emphasi[sz]ed|questioned|reacted [^ \\t\\n]{1,16} to',
    '|removed (?:an? )?[a-z]+(?: [a-z]+)? from|[^ \\t\\na-z0-9]{1,16} to)',
    '[ \\t]+(?=[“"«])',
  ].join(''),
  'g',
);
const CLOSING_QUOTE: Readonly<Record<string, string>> = { '“': '”', '"': '"', '«': '»' };
const FOOTER =
  /[ \t]*[-–—([]*[ \t]*(?:sent|envoye|enviado) (?:from|with|via|using|de|desde|avec) [^\n()[\]]{1,40}[)\]]?[ \t]*$/gm;

/** `folded` without reaction quotes and appended signatures. */
export function dropForeignText(folded: string): string {
  let text = folded;
  if (text.includes('sent ') || text.includes('envoye ') || text.includes('enviado ')) {
    text = text.replace(FOOTER, '');
  }
  if (!(text.includes('“') || text.includes('"') || text.includes('«'))) return text;
  REACTION_VERB.lastIndex = 0;
  let result = '';
  let from = 0;
  for (let found = REACTION_VERB.exec(text); found !== null; found = REACTION_VERB.exec(text)) {
    const open = found.index + found[0].length;
    const opening = text.charAt(open);
    const close = text.indexOf(CLOSING_QUOTE[opening] ?? opening, open + 1);
    const end = close < 0 ? text.length : close + 1;
    result += `${text.slice(from, found.index)}\n`;
    from = end;
    REACTION_VERB.lastIndex = end;
  }
  return from === 0 ? text : result + text.slice(from);
}
