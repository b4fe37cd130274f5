export { pullUserManagement, type UserManagementPullOptions } from './pull.js';
