import { rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { validate } from '../args.js';
import { readCliAuditKey } from '../audit-key.js';
import type { Command } from '../command.js';
import { formatCount } from '../output.js';
import { createCliManager } from '../store.js';

const optionsSchema = z.object({
  out: z.string().min(1, 'must not be empty').optional(),
  'signing-key': z.string().min(1, 'must not be empty').optional(),
});

/** `checkpoint`: seals and prints (or writes) a signed checkpoint of the tenant's ledger. */
export const checkpointCommand: Command = {
  name: 'checkpoint',
  summary: 'Seal a signed checkpoint of the ledger, to keep outside the database',
  usage: '[--out <file>] [--signing-key <pem>]',
  help: `Seals a commitment to every number's audit chain of the tenant at this moment (a Merkle root
over each number's chain length and newest hash), saves it with the ledger and prints it as JSON.
Keep that JSON outside the database (an object store with a retention lock, an e-mail to
compliance): "sms-consent verify --checkpoint <file>" later proves the ledger still extends it.

The checkpoint is signed with SMS_CONSENT_AUDIT_KEY (the app's auditKey secret, HMAC-SHA256) or,
with --signing-key, with an Ed25519 private key, whose public key lets anyone check it.

Options:
  --out <file>          write the checkpoint JSON to a file (written whole, then moved into place)
                        and print a summary instead
  --signing-key <pem>   sign with this Ed25519 private key (PEM file)`,
  options: { out: { type: 'string' }, 'signing-key': { type: 'string' } },
  async run({ globals, values, out, env, openStore }) {
    const options = validate(optionsSchema, values, 'checkpoint');
    const auditKey = await readCliAuditKey({
      env,
      ...(options['signing-key'] ? { signingKeyFile: options['signing-key'] } : {}),
    });
    const cli = await openStore();
    const consent = createCliManager(cli, globals, undefined, auditKey);
    const checkpoint = await consent.checkpoint({ tenantId: globals.tenant });
    const json = `${JSON.stringify(checkpoint, null, 2)}\n`;
    const summary = `Checkpoint ${checkpoint.id} of tenant ${checkpoint.tenantId} at ${checkpoint.at}: ${formatCount(checkpoint.numbers)} numbers, ${formatCount(checkpoint.events)} events, root ${checkpoint.root}${checkpoint.signature ? `, signed ${checkpoint.signature.alg} (key ${checkpoint.signature.keyId})` : ', unsigned'}.`;
    if (options.out === undefined) {
      if (out.json) out.result(checkpoint, summary);
      else out.result(checkpoint, json.trimEnd());
      return 0;
    }
    const partial = `${options.out}.partial`;
    await writeFile(partial, json, { flag: 'wx' });
    await rename(partial, options.out);
    out.result({ file: options.out, checkpoint }, `${summary} Written to ${options.out}.`);
    return 0;
  },
};
