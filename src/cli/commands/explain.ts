import { normalizePhone } from '../../phone.js';
import { UsageError } from '../args.js';
import type { Command } from '../command.js';
import { createCliManager } from '../store.js';

/** `explain <phone>`: why a number has its status, in one sentence. */
export const explainCommand: Command = {
  name: 'explain',
  summary: 'Explain in one sentence why a number has its status',
  usage: '<phone>',
  help: `Answers "why is this number opted out?": the status, since when, the event that caused it
(the text and its message id, the provider signal, the admin and their note), and any later opt-in
that could not lift the opt-out.`,
  options: {},
  async run({ globals, positionals, out, openStore }) {
    const [raw, ...extra] = positionals;
    if (raw === undefined) throw new UsageError('explain needs a phone number', 'explain');
    if (extra.length > 0) throw new UsageError('explain takes one phone number', 'explain');
    const phone = normalizePhone(raw, { defaultCountry: globals.country });
    const consent = createCliManager(await openStore(), globals);
    const options = { tenantId: globals.tenant };
    const status = await consent.getStatus(phone, options);
    const explanation = await consent.explain(phone, options);
    out.result(
      {
        tenantId: globals.tenant,
        phone,
        status: status.status,
        ...(status.since ? { since: status.since } : {}),
        ...(status.cause ? { causeEventId: status.cause.id } : {}),
        explanation,
      },
      explanation,
    );
    return 0;
  },
};
