import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerCheck } from './check.js';
import { registerDeliver } from './deliver.js';
import { registerDemo } from './demo.js';
import { registerCollect } from './collect.js';
import { registerConfig } from './config.js';
import { registerPacks } from './packs.js';
import { registerReview } from './review.js';
import { registerRules } from './rules.js';
import { registerSchedule } from './schedule.js';
import { registerRuns } from './runs.js';
import { registerSimulate } from './simulate.js';

/** Every command, in the order `--help` lists them. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerDemo(program, ctx);
  registerCollect(program, ctx);
  registerCheck(program, ctx);
  registerReview(program, ctx);
  registerDeliver(program, ctx);
  registerSchedule(program, ctx);
  registerPacks(program, ctx);
  registerRules(program, ctx);
  registerRuns(program, ctx);
  registerSimulate(program, ctx);
  registerConfig(program, ctx);
}
