/**
 * One container as a host process group: spawned detached (its own session and group), so a stop
 * reaches everything the program started. When the main process ends, whatever it left in the
 * group is killed, as the kernel does when a container's PID 1 exits. Every live group is also
 * recorded in a process-wide set killed on Node's `exit`, a second line of defence behind the
 * parent-death signal.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ContainerExit } from '../runtime.js';
import { CriLogWriter } from './cri-log.js';

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

/** Signals a whole process group; a group already gone is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

export function signalNumber(signal: NodeJS.Signals | null): number | undefined {
  return signal ? constants.signals[signal] : undefined;
}

export interface GroupSpec {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logPath: string;
}

export class ProcessGroup {
  readonly pid: number;
  readonly exited: Promise<ContainerExit>;
  private done = false;
  private killTimer: NodeJS.Timeout | undefined;

  private constructor(pid: number, exited: Promise<ContainerExit>) {
    this.pid = pid;
    this.exited = exited;
    void exited.then(() => {
      this.done = true;
      if (this.killTimer) clearTimeout(this.killTimer);
    });
  }

  /** Resolves once the program is running; rejects if it could not be executed at all. */
  static start(spec: GroupSpec): Promise<ProcessGroup> {
    installExitHook();
    const [cmd, ...args] = spec.argv;
    if (!cmd) return Promise.reject(new Error('empty command'));
    const log = new CriLogWriter(spec.logPath);
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...spec.env }, cwd: spec.cwd });
    child.stdout.on('data', (d: Buffer) => log.write('stdout', d));
    child.stderr.on('data', (d: Buffer) => log.write('stderr', d));
    return new Promise((resolve, reject) => {
      child.once('error', (err) => {
        if (child.pid === undefined) {
          void log.close();
          reject(err);
        }
      });
      child.once('spawn', () => {
        const pid = child.pid!;
        liveGroups.add(pid);
        const exited = new Promise<ContainerExit>((settle) => {
          let status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
          let finishedAt = new Date();
          let settled = false;
          const finish = (): void => {
            if (settled || !status) return;
            settled = true;
            liveGroups.delete(pid);
            const signal = signalNumber(status.signal);
            const exitCode = status.code ?? 128 + (signal ?? 0);
            void log.close().then(() => settle({ exitCode, ...(signal !== undefined ? { signal } : {}), reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt }));
          };
          child.once('exit', (code, signal) => {
            finishedAt = new Date();
            status = { code, signal };
            killGroup(pid, 'SIGKILL');
            // A descendant that left the group may still hold the pipes: don't wait for it long.
            setTimeout(finish, 1000).unref();
          });
          child.once('close', finish);
        });
        resolve(new ProcessGroup(pid, exited));
      });
    });
  }

  /** SIGTERM to the group, SIGKILL after `graceSeconds`; resolves when the program has ended. */
  async stop(graceSeconds: number): Promise<void> {
    if (this.done) return;
    if (graceSeconds <= 0) {
      killGroup(this.pid, 'SIGKILL');
    } else {
      killGroup(this.pid, 'SIGTERM');
      this.killTimer ??= setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceSeconds * 1000);
    }
    await this.exited;
  }

  kill(): void {
    if (!this.done) killGroup(this.pid, 'SIGKILL');
  }
}
