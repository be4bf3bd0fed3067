import { describeEvent, formatUtc } from '../../consent/explain.js';
import { normalizePhone } from '../../phone.js';
import { UsageError } from '../args.js';
import type { Command } from '../command.js';
import { formatTable } from '../output.js';
import { createCliManager } from '../store.js';

/** `history <phone>`: every consent event of a number, oldest first. */
export const historyCommand: Command = {
  name: 'history',
  summary: "List a number's consent events, oldest first",
  usage: '<phone>',
  help: `Lists the ledger of one number in the order its status is folded (by when the person acted):
time, action, source, whether it took effect, and what it was. An opt-in that could not lift an
opt-out is shown as "not applied".`,
  options: {},
  async run({ globals, positionals, out, openStore }) {
    const [raw, ...extra] = positionals;
    if (raw === undefined) throw new UsageError('history needs a phone number', 'history');
    if (extra.length > 0) throw new UsageError('history takes one phone number', 'history');
    const phone = normalizePhone(raw, { defaultCountry: globals.country });
    const consent = createCliManager(await openStore(), globals);
    const events = await consent.history(phone, { tenantId: globals.tenant });
    const text =
      events.length === 0
        ? `No consent events for ${phone}.`
        : formatTable([
            ['occurred', 'action', 'source', 'applied', 'event'],
            ...events.map((event) => [
              formatUtc(event.occurredAt),
              event.action,
              event.source,
              event.applied ? 'yes' : `no (${event.reason ?? 'not applied'})`,
              `${describeEvent(event)} [${event.id}]`,
            ]),
          ]);
    out.result({ tenantId: globals.tenant, phone, events }, text);
    return 0;
  },
};
