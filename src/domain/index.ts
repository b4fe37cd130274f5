export * from './common.js';
export * from './model.js';
export * from './events.js';
export * from './pulls.js';
export * from './snapshot.js';
export * from './findings.js';
