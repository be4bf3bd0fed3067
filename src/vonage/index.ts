export { parseVonageWebhook, VONAGE_OPTED_OUT } from './events.js';
export {
  type GuardableVonageMessage,
  type GuardableVonageSms,
  type GuardVonageClientOptions,
  guardVonageClient,
  guardVonageMessages,
  guardVonageSms,
  VONAGE_SMS_NUMBER_BARRED,
  type VonageMessagesClient,
  type VonageSmsClient,
} from './guard.js';
export { type VonageHandlerOptions, vonageHandler } from './handler.js';
export {
  type VonageSignatureInput,
  type VonageWebhookClaims,
  verifyVonageJwt,
  verifyVonageSignature,
} from './signature.js';
export { parseVonageSmsWebhook } from './sms-events.js';
export {
  type VonageSmsSignatureInput,
  type VonageSmsSignatureMethod,
  verifyVonageSmsSignature,
} from './sms-signature.js';
