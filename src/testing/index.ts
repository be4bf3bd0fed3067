export { createFixedClock, type FixedClock } from './clock.js';
export {
  runConsentStoreTests,
  type StoreInspector,
  type StoreSuiteGroup,
  type StoreSuiteOptions,
  type SuiteRunner,
} from './store-suite.js';
