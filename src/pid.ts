/** Whether a process exists on this host, for locks and temporary files named by the pid that made them. */

/** True when process `pid` exists (signal 0 probes without signalling). EPERM: it exists but belongs to another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
