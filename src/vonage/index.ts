export { parseVonageWebhook, VONAGE_OPTED_OUT } from './events.js';
export { type VonageHandlerOptions, vonageHandler } from './handler.js';
export {
  type VonageSignatureInput,
  type VonageWebhookClaims,
  verifyVonageJwt,
  verifyVonageSignature,
} from './signature.js';
