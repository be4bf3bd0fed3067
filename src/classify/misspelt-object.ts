import { isSlidTyping } from './keyboard.js';

/**
 * A cessation verb whose communication object was typed with a slid thumb ("Quit sending spqm",
 * "stop sending textd"): the phrase it would be spelt right ("quit sending spam"), read by the `phrase`
 * rule. Only the object of "stop/quit/cease sending" ending its clause, and only a slip that
 * `isSlidTyping` allows (one or two letters one key to the same side), so that another word ("stop
 * sending pics") stays what it is.
 */

const SENDING = /(?<![^ ])(?:stop|quit|cease) sending(?: me| us)? ([a-z]+)(?= \||$)/;
const OBJECTS: readonly string[] = [
  'texts',
  'text',
  'messages',
  'msgs',
  'txts',
  'spam',
  'emails',
  'alerts',
  'calls',
  'reminders',
  'notifications',
  'updates',
];
const MIN_OBJECT = 4;

/** The cessation phrase in `clauses` whose object is a slip for a communication noun, or `undefined`. */
export function findMisspeltObject(
  clauses: string,
): { readonly phrase: string; readonly index: number } | undefined {
  const found = SENDING.exec(clauses);
  const object = found?.[1];
  if (found === null || object === undefined || object.length < MIN_OBJECT) return undefined;
  if (OBJECTS.includes(object)) return undefined;
  return OBJECTS.some((noun) => isSlidTyping(object, noun))
    ? { phrase: found[0], index: found.index }
    : undefined;
}
