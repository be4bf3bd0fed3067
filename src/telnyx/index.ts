export { parseTelnyxWebhook, TELNYX_BLOCKED_BY_STOP } from './events.js';
export {
  type GuardableTelnyxMessage,
  type GuardedTelnyxClient,
  type GuardTelnyxClientOptions,
  guardTelnyxClient,
  type TelnyxMessagesClient,
} from './guard.js';
export { type TelnyxHandlerOptions, telnyxHandler } from './handler.js';
export { TELNYX_TOLERANCE_SECONDS, type TelnyxSignatureInput, verifyTelnyxSignature } from './signature.js';
