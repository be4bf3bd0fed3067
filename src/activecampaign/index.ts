/**
 * `sms-consent/activecampaign`: the ActiveCampaign CRM adapter (API v3) and its SMS webhook.
 *
 * @packageDocumentation
 */
export type { FetchLike } from './client.js';
export { type ActiveCampaignCrmOptions, createActiveCampaignCrm } from './crm.js';
export { activeCampaignPhoneQueries, activeCampaignPhoneSearch } from './phone-queries.js';
export {
  type ActiveCampaignSmsUnsubscribe,
  type ActiveCampaignWebhookAuth,
  type ActiveCampaignWebhookOptions,
  type ActiveCampaignWebhookParams,
  createActiveCampaignWebhook,
  parseActiveCampaignWebhook,
} from './webhook.js';
