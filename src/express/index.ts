export type { TwilioWebhookMethod } from '../twilio/handler.js';
export {
  createTwilioWebhook,
  type InboundWebhookEvent,
  type StatusWebhookEvent,
  type TenantContext,
  type TenantResolver,
  type TwilioWebhook,
  type TwilioWebhookOptions,
} from './webhook.js';
