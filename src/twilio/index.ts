export { type BulkExportInput, type BulkExportOptions, readTwilioBulkExport } from './bulk-export.js';
export {
  type GuardableMessageParams,
  type GuardedTwilioClient,
  type GuardTwilioClientOptions,
  guardTwilioClient,
  type TwilioMessagesClient,
} from './guard.js';
export { type TwilioHandlerOptions, twilioHandler } from './handler.js';
export {
  fromTwilioMessage,
  type TwilioHistoryClient,
  type TwilioMessageHistoryOptions,
  type TwilioMessageLike,
  type TwilioMessagePageLike,
  twilioMessageHistory,
} from './history.js';
export { parseTwilioInbound, type TwilioInboundMessage } from './inbound.js';
export type { TwilioParamsInput } from './params.js';
export {
  signTwilioRequest,
  type TwilioParams,
  type TwilioSignatureAlgorithm,
  type TwilioSignatureInput,
  type TwilioSigningInput,
  twilioBodyHash,
  validateTwilioSignature,
} from './signature.js';
export {
  parseTwilioStatusCallback,
  recordDeliveryFailure,
  TWILIO_UNSUBSCRIBED_RECIPIENT,
  type TwilioStatusCallback,
} from './status-callback.js';
export { EMPTY_TWIML, escapeXml, twimlResponse } from './twiml.js';
