export { createFixedClock, type FixedClock } from './clock.js';
export {
  type CrmSeedContact,
  type CrmSuiteGroup,
  type CrmSuiteOptions,
  runCrmAdapterTests,
} from './crm-suite.js';
export {
  createFakeCrm,
  type FakeCrm,
  type FakeCrmContact,
  type FakeCrmOptions,
  type FakeCrmWrite,
} from './fake-crm.js';
export {
  runConsentStoreTests,
  type StoreInspector,
  type StoreSuiteGroup,
  type StoreSuiteOptions,
  type StoreTamperer,
  type SuiteRunner,
} from './store-suite.js';
