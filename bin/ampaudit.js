#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` via the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('ampaudit: the compiled CLI is missing. Run `npm install` (or `npm run build`) in the ampaudit folder first.\n');
  process.exit(70);
}
// `ampaudit check --format json | head` closes the pipe early: that is the reader's choice, not
// an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const { run } = await import(main);
process.exitCode = await run(process.argv);
