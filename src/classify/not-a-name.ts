/**
 * Words that follow "I'm not", "this is not", "not" or "no … here" in everyday English and so are not
 * the name of the person a text was meant for ("I'm not sure", "not now", "no one here"). The
 * wrong-number rule reads the word after such a denial as a name only when it is none of these (and,
 * in a message written in mixed case, only when it is capitalised).
 */
export const NOT_A_NAME: ReadonlySet<string> = new Set(
  [
    // articles, determiners, pronouns, question words
    'a an the this that these those it its it’s my your his her our their me you u him them us we they',
    'i he she one ones anyone anybody someone somebody everyone everybody nobody noone none no',
    'all any some every each much many more most less least enough either neither both other another',
    'what who whom whose which where when why how whoever whatever',
    // prepositions, conjunctions, particles
    'at in on to of for from by with without about into onto over under up down out off around through',
    'after before since until till til near like as than then so but and or nor if because though yet',
    'just only even ever never always often really very too quite rather pretty so that such',
    // adverbs and time words
    'now here there today tonight tomorrow yesterday later soon again anymore still already now',
    'yet long far well much sure certain right wrong actually exactly totally usually likely probably',
    'definitely necessarily completely entirely fully certainly hardly nearly simply really seriously',
    'currently personally literally honestly home back away alone together either',
    // adjectives and states that follow "I'm not"
    'ok okay good bad fine great happy sad mad angry upset sorry glad able allowed supposed ready free',
    'busy available interested sick ill tired hungry thirsty sleepy awake asleep late early old young',
    'rich poor broke stupid dumb crazy serious kidding joking lying sure convinced aware afraid scared',
    'worried nervous comfortable confident responsible familiar used new big small little true false',
    'real fake funny easy hard possible impossible fair nice kind mean cool hot cold warm safe well',
    'better worse best worst same different alright alright fit feeling into down for against done',
    'gonna going coming leaving staying working doing getting having trying saying asking telling',
    'talking texting calling looking waiting sleeping eating feeling thinking buying paying signing',
    'interested bothered concerned involved married single pregnant dead alive human perfect normal',
    'registered subscribed signed donating voting giving sending selling buying home there',
    'yours mine his hers ours theirs myself yourself himself herself ourselves themselves',
    'anything something everything nothing anywhere somewhere everywhere nowhere',
    'thanks thank please pls yes yeah yep nope nah hi hey hello bye lol omg ha haha hmm um uh oh',
    'again ok alone interested wanted welcome needed mistaken confused surprised shocked impressed',
    'stop quit end cancel unsubscribe help info start spam scam',
    'sir madam mam maam mr mrs ms miss dr dear babe baby honey hun dude bro man guy girl lady woman',
    'person people family friend friends number phone cell texts text messages message',
  ]
    .join(' ')
    .split(' '),
);

const DERIVED = /(?:ing|ed|ly|'s|n't|'ll|'re|'ve|'d)$/;

/** Whether folded `word` may be a first name: letters only, not an everyday word. */
export function mayBeName(word: string): boolean {
  if (word.length < 2 || word.length > 20 || !/^[a-z]+$/.test(word)) return false;
  if (NOT_A_NAME.has(word)) return false;
  return !(word.length > 4 && DERIVED.test(word) && !word.endsWith('ly'));
}
