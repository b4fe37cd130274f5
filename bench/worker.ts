/**
 * A benchmark child process: `node dist/bench/worker.js <task> <args.json> <result.json>`.
 * Each measurement runs in its own process so its peak RSS (`resourceUsage().maxRSS`) is its
 * own. The result file gets the task's result plus `maxRssBytes`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { TASKS, type TaskName } from './tasks/index.js';

async function main(): Promise<void> {
  const [task, argsFile, resultFile] = process.argv.slice(2);
  if (!task || !argsFile || !resultFile || !(task in TASKS)) {
    throw new Error(`usage: worker.js <${Object.keys(TASKS).join('|')}> <args.json> <result.json>`);
  }
  const args = JSON.parse(readFileSync(argsFile, 'utf8')) as unknown;
  const run = (await TASKS[task as TaskName]()) as (a: unknown) => unknown;
  const result = await run(args);
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  writeFileSync(resultFile, JSON.stringify({ ...(result as object), maxRssBytes }));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
