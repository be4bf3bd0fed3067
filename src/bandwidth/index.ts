export { type BandwidthCredentials, verifyBandwidthCredentials } from './credentials.js';
export { BANDWIDTH_USER_OPT_OUT, parseBandwidthWebhook } from './events.js';
export {
  type BandwidthMessagesClient,
  type GuardableBandwidthMessage,
  type GuardBandwidthClientOptions,
  type GuardedBandwidthClient,
  guardBandwidthClient,
} from './guard.js';
export { type BandwidthHandlerOptions, bandwidthHandler } from './handler.js';
