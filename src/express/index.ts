export {
  createTwilioWebhook,
  type InboundWebhookEvent,
  type StatusWebhookEvent,
  type TenantContext,
  type TenantResolver,
  type TwilioWebhook,
  type TwilioWebhookMethod,
  type TwilioWebhookOptions,
} from './webhook.js';
