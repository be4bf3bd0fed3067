import { userInfo } from 'node:os';
import { z } from 'zod';
import type { ConsentAction } from '../../consent/types.js';
import { omitUndefined } from '../../helpers/omit-undefined.js';
import { normalizePhone } from '../../phone.js';
import { dateOption, UsageError, validate } from '../args.js';
import type { Command } from '../command.js';
import { activeCampaignFromEnv } from '../crm.js';
import { createCliManager } from '../store.js';

/** Sources an admin may record; `sms`, `provider` and `delivery_error` come only from the person or provider. */
const ADMIN_SOURCES = ['admin', 'api', 'crm', 'form', 'import'] as const;

const ACTIONS: Readonly<Record<string, ConsentAction>> = { 'opt-out': 'opt_out', 'opt-in': 'opt_in' };

/** How far ahead of the clock `--at` may be (clock skew), in milliseconds. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

const optionsSchema = z.object({
  source: z.enum(ADMIN_SOURCES).default('admin'),
  note: z
    .string({ error: 'is required: say why (it is kept as evidence)' })
    .trim()
    .min(1, 'must not be empty')
    .max(10_000, 'at most 10,000 characters'),
  actor: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
  at: dateOption
    .refine((date) => date.getTime() <= Date.now() + FUTURE_TOLERANCE_MS, 'must not be in the future')
    .optional(),
});

/** `record opt-out|opt-in <phone>`: an admin's consent action, kept in the ledger with who and why. */
export const recordCommand: Command = {
  name: 'record',
  summary: 'Record an opt-out or opt-in by an admin, with a note',
  usage: 'opt-out|opt-in <phone> --note <text>',
  help: `Records a consent change made by a person other than the number's owner, e.g. an opt-out
asked for on a phone call. The event keeps the actor and the note as evidence.
An opt-out always applies. An opt-in from an admin never lifts an opt-out: it is recorded with
"not applied", and only a text from the person (START) lifts it.

Options:
  --note <text>     why (required)
  --source <name>   admin (default), form, crm, import or api
  --actor <name>    who acted (default: the operating-system user)
  --at <date>       when the person acted, ISO 8601 (default: now)

With the ACTIVECAMPAIGN_* variables set (see "sms-consent sync --help"), the change is also queued
for the CRM; "sync" delivers it.`,
  options: {
    source: { type: 'string' },
    note: { type: 'string' },
    actor: { type: 'string' },
    at: { type: 'string' },
  },
  async run({ globals, values, positionals, out, env, openStore }) {
    const [verb, raw, ...extra] = positionals;
    const action = verb === undefined ? undefined : ACTIONS[verb];
    if (action === undefined)
      throw new UsageError('record needs opt-out or opt-in, then a phone number', 'record');
    if (raw === undefined) throw new UsageError(`record ${verb} needs a phone number`, 'record');
    if (extra.length > 0) throw new UsageError('record takes one phone number', 'record');
    const options = validate(optionsSchema, values, 'record');
    const phone = normalizePhone(raw, { defaultCountry: globals.country });
    const crm = activeCampaignFromEnv(env, { required: false, command: 'record', country: globals.country });
    const consent = createCliManager(await openStore(), globals, crm);
    const result = await consent.record(
      omitUndefined({
        phone,
        action,
        source: options.source,
        tenantId: globals.tenant,
        actor: options.actor ?? operatingSystemUser(),
        evidence: { note: options.note },
        occurredAt: options.at,
      }),
    );
    const what = `${verb} of ${phone} (${result.event.id})`;
    const text = !result.applied
      ? `Recorded the ${what}, but it was not applied: only a text from the person lifts an opt-out. Status stays ${result.status.status}.`
      : result.changed
        ? `Recorded the ${what}: now ${result.status.status}.`
        : `Recorded the ${what}: status unchanged (${result.status.status}).`;
    out.result({ tenantId: globals.tenant, ...result }, text);
    return 0;
  },
};

function operatingSystemUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
