import { describeEvent, formatUtc } from '../../consent/explain.js';
import type { ConsentStatus } from '../../consent/types.js';
import { normalizePhone } from '../../phone.js';
import { UsageError } from '../args.js';
import type { Command } from '../command.js';
import { formatTable } from '../output.js';
import { createCliManager } from '../store.js';

/** `status <phone…>`: the consent status of one or more numbers. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show the consent status of phone numbers',
  usage: '<phone…>',
  help: `Prints the status of each number (opted_out, opted_in or unknown), since when, and the event
that caused it. Numbers may be in any format; national ones use --country. Every number is checked
before anything is printed: one invalid number fails the command.`,
  options: {},
  async run({ globals, positionals, out, openStore }) {
    if (positionals.length === 0) throw new UsageError('status needs at least one phone number', 'status');
    const phones = positionals.map((raw) => normalizePhone(raw, { defaultCountry: globals.country }));
    const consent = createCliManager(await openStore(), globals);
    const statuses: ConsentStatus[] = [];
    for (const phone of phones) statuses.push(await consent.getStatus(phone, { tenantId: globals.tenant }));
    out.result(
      { tenantId: globals.tenant, statuses },
      formatTable([
        ['phone', 'status', 'since', 'cause'],
        ...statuses.map((status) => [
          status.phone,
          status.status,
          status.since ? formatUtc(status.since) : '-',
          status.cause ? describeEvent(status.cause) : '-',
        ]),
      ]),
    );
    return 0;
  },
};
