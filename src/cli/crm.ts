import { z } from 'zod';
import { createActiveCampaignCrm } from '../activecampaign/index.js';
import type { CrmAdapter } from '../crm/adapter.js';
import type { CountryCode } from '../phone.js';
import { UsageError, validate } from './args.js';

/** The environment variables that configure the ActiveCampaign CRM. */
export const ACTIVECAMPAIGN_ENV = [
  'ACTIVECAMPAIGN_URL',
  'ACTIVECAMPAIGN_API_TOKEN',
  'ACTIVECAMPAIGN_FIELD_ID',
] as const;

const envSchema = z.object({
  ACTIVECAMPAIGN_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be the account API URL, https://<account>.api-us1.com'),
  ACTIVECAMPAIGN_API_TOKEN: z.string().min(1, 'must not be empty'),
  ACTIVECAMPAIGN_FIELD_ID: z
    .string()
    .regex(/^\d+$/, 'must be the id (a number) of the SMS consent custom field'),
});

/**
 * The ActiveCampaign adapter configured from the environment. With `required`, missing variables are
 * a usage error naming them; without, the CRM is used only when every variable is set (so that
 * `record` and `import` queue the CRM updates `sync` delivers) and a partial setup is an error.
 */
export function activeCampaignFromEnv(
  env: NodeJS.ProcessEnv,
  options: { readonly required: boolean; readonly command: string; readonly country: CountryCode },
): CrmAdapter | undefined {
  const missing = ACTIVECAMPAIGN_ENV.filter((name) => !env[name]);
  if (missing.length === ACTIVECAMPAIGN_ENV.length && !options.required) return undefined;
  if (missing.length > 0) {
    throw new UsageError(
      `${options.command} needs the ActiveCampaign settings ${ACTIVECAMPAIGN_ENV.join(', ')}; missing: ${missing.join(', ')}`,
      options.command,
    );
  }
  const settings = validate(
    envSchema,
    Object.fromEntries(ACTIVECAMPAIGN_ENV.map((name) => [name, env[name]])),
    options.command,
    (name) => name,
  );
  return createActiveCampaignCrm({
    baseUrl: settings.ACTIVECAMPAIGN_URL,
    apiToken: settings.ACTIVECAMPAIGN_API_TOKEN,
    field: settings.ACTIVECAMPAIGN_FIELD_ID,
    defaultCountry: options.country,
  });
}
