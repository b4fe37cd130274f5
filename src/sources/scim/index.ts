export { pullScim, type ScimPullOptions } from './pull.js';
