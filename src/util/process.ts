/** Facts about other processes of this machine, for the runtimes (their containers) and the
 * image store (the holders of its leases and locks). */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** Whether a process with this pid exists (one of another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state letter of /proc/PID/stat (R, S, Z…) and the start time in clock ticks since boot,
 * or undefined when there is no such process. */
export function processState(pid: number): { state: string; startTicks: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', startTicks: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Running and not a zombie; with `startTicks`, also the very process that started then (not
 * another one that got the pid later). */
export function processRunning(pid: number, startTicks?: string): boolean {
  const s = processState(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X' && (startTicks === undefined || s.startTicks === startTicks);
}

export function signalNumber(signal: NodeJS.Signals | null): number | undefined {
  return signal ? constants.signals[signal] : undefined;
}
