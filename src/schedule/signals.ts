/**
 * SIGTERM / SIGINT for the daemon: the first stops it gracefully (the current run may finish, up
 * to the daemon's stop timeout; the CLI exits 0 once `done` resolves); a second one records the
 * current run as interrupted, releases the lock and exits at once (128 + signal number).
 */
import type { Logger } from '../log.js';
import type { DaemonHandle } from './daemon.js';

export type StopSignal = 'SIGTERM' | 'SIGINT';

/** What `process` offers; tests pass an EventEmitter. */
export interface SignalSource {
  on(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
}

const NUMBER: Readonly<Record<StopSignal, number>> = { SIGINT: 2, SIGTERM: 15 };

/** Installs the handlers; returns a function that removes them. */
export function handleStopSignals(source: SignalSource, daemon: Pick<DaemonHandle, 'stop' | 'abortNow'>, exit: (code: number) => void, log?: Logger): () => void {
  let received = 0;
  const listeners = (['SIGTERM', 'SIGINT'] as const).map((sig) => {
    const listener = (): void => {
      received++;
      if (received === 1) {
        log?.info({ signal: sig }, 'stop requested; the current run may finish (send it again to stop at once)');
        void daemon.stop(`received ${sig}`);
        return;
      }
      log?.warn({ signal: sig }, 'second stop signal: stopping at once');
      daemon.abortNow(`received a second stop signal (${sig})`);
      exit(128 + NUMBER[sig]);
    };
    source.on(sig, listener);
    return [sig, listener] as const;
  });
  return () => {
    for (const [sig, l] of listeners) source.off(sig, l);
  };
}
