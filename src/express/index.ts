export type { TwilioWebhookMethod } from './authenticate.js';
export {
  createTwilioWebhook,
  type InboundWebhookEvent,
  type StatusWebhookEvent,
  type TenantContext,
  type TenantResolver,
  type TwilioWebhook,
  type TwilioWebhookOptions,
} from './webhook.js';
