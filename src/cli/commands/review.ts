import { z } from 'zod';
import { formatUtc } from '../../consent/explain.js';
import { omitUndefined } from '../../helpers/omit-undefined.js';
import type { Review } from '../../review/types.js';
import { UsageError, validate } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { formatTable } from '../output.js';
import { createCliManager } from '../store.js';

const listSchema = z.object({
  overdue: z.boolean().default(false),
  all: z.boolean().default(false),
  resolved: z.boolean().default(false),
});

const resolveSchema = z
  .object({
    'opt-out': z.boolean().default(false),
    dismiss: z.boolean().default(false),
    actor: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
    note: z.string().max(1000, 'at most 1,000 characters').optional(),
  })
  .refine((value) => value['opt-out'] !== value.dismiss, {
    message: 'pass exactly one of --opt-out (it was a revocation) and --dismiss (it was not)',
  })
  .refine((value) => value.actor !== undefined, { path: ['actor'], message: 'is required: who decides' });

const LIST_OPTIONS = ['overdue', 'all', 'resolved'] as const;
const RESOLVE_OPTIONS = ['opt-out', 'dismiss', 'actor', 'note'] as const;

/** `review`: the texts waiting for a person, and their resolution. */
export const reviewCommand: Command = {
  name: 'review',
  summary: 'List the texts waiting for review (FCC 10-business-day deadline), or resolve one',
  usage: '[--overdue|--resolved|--all] | resolve <id> --opt-out|--dismiss --actor <name> [--note <text>]',
  help: `Texts the classifier could not decide ("stop it", "not interested") change nothing on their own:
they wait here, oldest due first. A revocation must be honoured within ten business days of its
arrival (47 CFR 64.1200(a)(10)); "due by" is that deadline, with weekends and US federal holidays
skipped. Live webhooks, "import" and backfill all queue them.

  sms-consent review                       the open reviews
  sms-consent review --overdue             open reviews past their deadline
  sms-consent review --resolved | --all    the resolved ones, or every review
  sms-consent review resolve <id> --opt-out --actor ana@example.com [--note "reads as stop"]
  sms-consent review resolve <id> --dismiss --actor ana@example.com

--opt-out records an admin opt-out that cites the message and takes effect when the message arrived
(that is when the person asked); "explain" then says so. --dismiss records that it was not a
revocation. An opt-out decision is final; a dismissal can still be turned into an opt-out.`,
  options: {
    overdue: { type: 'boolean' },
    all: { type: 'boolean' },
    resolved: { type: 'boolean' },
    'opt-out': { type: 'boolean' },
    dismiss: { type: 'boolean' },
    actor: { type: 'string' },
    note: { type: 'string' },
  },
  async run(context) {
    const [action, ...rest] = context.positionals;
    if (action === undefined) return list(context);
    if (action !== 'resolve') {
      throw new UsageError(`review takes "resolve <id>" or nothing, not ${JSON.stringify(action)}`, 'review');
    }
    const [id, ...extra] = rest;
    if (id === undefined) throw new UsageError('review resolve needs the id of a review (rev_…)', 'review');
    if (extra.length > 0) throw new UsageError('review resolve takes one review id', 'review');
    refuse(context, LIST_OPTIONS, 'review resolve');
    const options = validate(resolveSchema, context.values, 'review');
    const consent = createCliManager(await context.openStore(), context.globals);
    const result = await consent.resolveReview(
      id,
      omitUndefined({
        tenantId: context.globals.tenant,
        decision: options['opt-out'] ? 'opt_out' : 'not_opt_out',
        actor: options.actor ?? '',
        note: options.note,
      }),
    );
    const phone = result.review.phone;
    const text = !result.changed
      ? `Review ${id} was already resolved this way by ${result.review.resolution?.actor}; nothing changed.`
      : options['opt-out']
        ? `Review ${id}: ${phone} opted out as of ${formatUtc(result.review.receivedAt)} (event ${result.event?.id}).`
        : `Review ${id} dismissed: not a revocation; ${phone} unchanged.`;
    context.out.result(
      {
        tenantId: context.globals.tenant,
        review: result.review,
        changed: result.changed,
        ...(result.event ? { event: result.event } : {}),
        ...(result.status ? { status: result.status.status } : {}),
      },
      text,
    );
    return 0;
  },
};

async function list(context: CommandContext): Promise<number> {
  refuse(context, RESOLVE_OPTIONS, 'review (listing)');
  const options = validate(listSchema, context.values, 'review');
  const chosen = [options.overdue, options.all, options.resolved].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('pass one of --overdue, --resolved and --all', 'review');
  const consent = createCliManager(await context.openStore(), context.globals);
  const now = new Date();
  const state = options.all ? undefined : options.resolved ? 'resolved' : 'open';
  const reviews: Review[] = [];
  let after: string | undefined;
  do {
    const page = await consent.reviews(
      omitUndefined({
        tenantId: context.globals.tenant,
        limit: 1000,
        state,
        ...(options.overdue ? { dueBefore: now } : {}),
        after,
      }),
    );
    reviews.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  const overdue = reviews.filter(
    (review) => review.state === 'open' && Date.parse(review.dueBy) < now.getTime(),
  );
  const what = options.overdue ? 'overdue' : (state ?? 'all');
  const text =
    reviews.length === 0
      ? `No ${what === 'all' ? '' : `${what} `}reviews.`
      : [
          formatTable([
            ['id', 'due by', 'phone', 'received', 'text', 'state'],
            ...reviews.map((review) => [
              review.id,
              `${formatUtc(review.dueBy)}${review.state === 'open' && Date.parse(review.dueBy) < now.getTime() ? ' OVERDUE' : ''}`,
              review.phone,
              formatUtc(review.receivedAt),
              short(review.body),
              review.resolution
                ? `${review.resolution.decision === 'opt_out' ? 'opted out' : 'dismissed'} by ${review.resolution.actor}`
                : 'open',
            ]),
          ]),
          `${reviews.length} review${reviews.length === 1 ? '' : 's'}, ${overdue.length} overdue. Resolve with: sms-consent review resolve <id> --opt-out|--dismiss --actor <name>`,
        ];
  context.out.result(
    {
      tenantId: context.globals.tenant,
      state: what,
      now: now.toISOString(),
      overdue: overdue.length,
      reviews,
    },
    text,
  );
  return 0;
}

/** Options of the other form of the command are a usage error, not silently ignored. */
function refuse(context: CommandContext, names: readonly string[], form: string): void {
  const given = names.find((name) => context.values[name] !== undefined);
  if (given !== undefined) throw new UsageError(`--${given}: not an option of ${form}`, 'review');
}

function short(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 40 ? `${flat.slice(0, 39)}…` : flat);
}
