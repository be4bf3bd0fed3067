import { z } from 'zod';
import {
  type Classification,
  classifyMessage,
  type Policy,
  SUPPORTED_LANGUAGES,
} from '../../classify/index.js';
import { UsageError, validate } from '../args.js';
import type { Command } from '../command.js';
import { formatTable } from '../output.js';

const POLICIES: readonly Policy[] = ['carrier', 'standard', 'reasonable'];

const optionsSchema = z.object({
  languages: z
    .string()
    .optional()
    .transform((list) =>
      (list ?? '')
        .split(',')
        .map((code) => code.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .refine(
            (code) =>
              (SUPPORTED_LANGUAGES as readonly string[]).includes(code.split('-')[0]?.toLowerCase() ?? ''),
            { message: `supported languages are ${SUPPORTED_LANGUAGES.join(', ')}` },
          ),
      ),
    ),
});

/** `classify <text>`: how each policy reads one inbound text. */
export const classifyCommand: Command = {
  name: 'classify',
  summary: 'Show how each classification policy reads a text',
  usage: '"<text>"',
  help: `Classifies an inbound text under the three policies side by side:
  carrier     exactly what Twilio's default filter acts on
  standard    keywords after folding, plus the FCC per-se words
  reasonable  standard, plus plain-language revocations (the library's default)
It takes one message: quote it ("stop texting me"), so the shell keeps it as typed.

Options:
  --languages <list>  extra keyword languages besides English, e.g. es,fr`,
  options: { languages: { type: 'string' } },
  async run({ values, positionals, out }) {
    if (positionals.length === 0) throw new UsageError('classify needs the text to classify', 'classify');
    if (positionals.length > 1) {
      throw new UsageError(
        `classify takes one message, got ${positionals.length} arguments: quote it, as in sms-consent classify ${JSON.stringify(positionals.join(' '))}`,
        'classify',
      );
    }
    const { languages } = validate(optionsSchema, values, 'classify');
    const [text = ''] = positionals;
    const results = Object.fromEntries(
      POLICIES.map((policy) => [policy, classifyMessage(text, { policy, languages })]),
    ) as Record<Policy, Classification>;
    const rows = POLICIES.map((policy) => {
      const result = results[policy];
      return [
        policy,
        result.intent,
        result.match ?? '-',
        result.keyword ?? '-',
        result.providerBlocks ? 'yes' : 'no',
        result.needsReview ? 'yes' : '-',
      ];
    });
    out.result({ text, languages: [...new Set(['en', ...languages])], results }, [
      JSON.stringify(text),
      formatTable([['policy', 'intent', 'match', 'keyword', 'provider blocks', 'needs review'], ...rows]),
    ]);
    return 0;
  },
};
