/** The simulator's (non-secret) credentials, as the environment of a collect would hold them. */
import { DEMO_CREDENTIALS } from '../src/simulator/types.js';

export const SIM_ENV = {
  AMPLITUDE_SCIM_TOKEN: DEMO_CREDENTIALS.scimToken,
  AMPLITUDE_ORG_API_KEY: DEMO_CREDENTIALS.orgApiKey,
  AMPLITUDE_ORG_SECRET_KEY: DEMO_CREDENTIALS.orgSecretKey,
};
