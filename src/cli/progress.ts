/** Collect progress: bars on a terminal, plain lines otherwise (logs, CI, pipes). */
import cliProgress from 'cli-progress';
import type { CollectProgress } from '../collect/progress.js';
import type { SourceId } from '../domain/common.js';
import type { CliContext } from './context.js';

export function progressFor(ctx: CliContext): CollectProgress & { stop(): void } {
  return ctx.stderr.isTTY ? barProgress(ctx) : lineProgress(ctx);
}

function lineProgress(ctx: CliContext): CollectProgress & { stop(): void } {
  const started = new Set<SourceId>();
  return {
    start: (source) => {
      if (started.has(source)) return;
      started.add(source);
      ctx.stderr.write(`collect: ${source}: started\n`);
    },
    advance: (source, _done, detail) => {
      if (source === 'audit-logs') ctx.stderr.write(`collect: ${source}: ${detail}\n`);
    },
    finish: (source, outcome, detail) => ctx.stderr.write(`collect: ${source}: ${outcome}: ${detail}\n`),
    stop: () => {},
  };
}

function barProgress(ctx: CliContext): CollectProgress & { stop(): void } {
  const multi = new cliProgress.MultiBar(
    {
      stream: ctx.stderr as NodeJS.WriteStream,
      format: ' {source} |{bar}| {detail}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
    },
    cliProgress.Presets.shades_grey,
  );
  const bars = new Map<SourceId, cliProgress.SingleBar>();
  const bar = (source: SourceId, total = 1): cliProgress.SingleBar => {
    let b = bars.get(source);
    if (!b) {
      b = multi.create(total, 0, { source: source.padEnd(15), detail: 'started' });
      bars.set(source, b);
    }
    return b;
  };
  return {
    start: (source, total) => {
      const b = bar(source, total ?? 1);
      if (total) b.setTotal(total);
    },
    advance: (source, done, detail) => {
      const b = bar(source);
      if (b.getTotal() < done) b.setTotal(done + 1);
      b.update(done, { detail });
    },
    finish: (source, outcome, detail) => {
      const b = bar(source);
      b.update(b.getTotal(), { detail: `${outcome}: ${detail}` });
    },
    stop: () => multi.stop(),
  };
}
