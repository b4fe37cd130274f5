/**
 * The tasks a benchmark child can run (see worker.ts). Each is imported only when it runs, so a
 * child loads nothing another measurement needs (DuckDB, the simulator) and its RSS is its own.
 */
export const TASKS = {
  collect: async () => (await import('./collect.js')).collectBench,
  'ingest-ampaudit': async () => (await import('./ingest-ampaudit.js')).ingestAmpaudit,
  'ingest-duckdb': async () => (await import('./ingest-duckdb.js')).ingestDuckdb,
  'fill-store': async () => (await import('./fill.js')).fillStore,
  review: async () => (await import('./review.js')).reviewBench,
} as const;

export type TaskName = keyof typeof TASKS;
