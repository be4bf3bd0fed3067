export { PLIVO_OPTED_OUT, parsePlivoWebhook } from './events.js';
export {
  type GuardedPlivoClient,
  type GuardPlivoClientOptions,
  guardPlivoClient,
  type PlivoCreate,
  type PlivoMessageParams,
  type PlivoMessagesClient,
} from './guard.js';
export { type PlivoHandlerOptions, plivoHandler } from './handler.js';
export {
  type PlivoParams,
  type PlivoSignatureInput,
  signedUrl as plivoSignedUrl,
  verifyPlivoSignature,
} from './signature.js';
