/**
 * One container as a host process group: spawned detached (its own session and group), so a stop
 * reaches everything the program started. When the main process ends, whatever it left in the
 * group is killed, as the kernel does when a container's PID 1 exits. Every live group is also
 * recorded in a process-wide set killed on Node's `exit`, a second line of defence behind the
 * parent-death signal.
 *
 * stdout and stderr are FIFOs, not the socket pairs Node gives a child by default: programs that
 * open `/dev/stdout` by name (nginx's `access_log /dev/stdout`, images linking log files there)
 * cannot open a socket, but can open a pipe, as they can under Docker.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, constants as fsConstants, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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
  /** Where the stdout/stderr FIFOs are made (they are unlinked as soon as they are open). */
  readonly pipeDir: string;
  /** The program's wrapper writes to fd 3 when the container is set up: start waits for it. */
  readonly readyPipe?: boolean;
}

/**
 * FIFOs made ahead, a batch per `mkfifo` run: Node cannot make a FIFO itself, and one extra
 * process per container start doubled the cost of starting a hundred pods at once.
 */
class FifoPool {
  private readonly free: string[] = [];
  private refill: Promise<void> | undefined;
  private serial = 0;

  constructor(private readonly dir: string, private readonly batch = 64) {
    // FIFOs made but never used go with the process.
    process.once('exit', () => {
      for (const f of this.free.splice(0)) {
        try {
          unlinkSync(f);
        } catch {
          // already gone
        }
      }
    });
  }

  async take(n: number): Promise<string[]> {
    while (this.free.length < n) {
      this.refill ??= this.make().finally(() => (this.refill = undefined));
      await this.refill;
    }
    return this.free.splice(0, n);
  }

  private async make(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const files = Array.from({ length: this.batch }, () => path.join(this.dir, `.fifo-${process.pid}-${this.serial++}-${Math.random().toString(36).slice(2, 8)}`));
    await promisify(execFile)('mkfifo', files);
    this.free.push(...files);
  }
}

const pools = new Map<string, FifoPool>();

/** A pipe the child writes to and this process reads without blocking the thread pool. */
async function openPipes(dir: string, names: readonly string[]): Promise<{ read: Socket; write: number }[]> {
  let pool = pools.get(dir);
  if (!pool) pools.set(dir, (pool = new FifoPool(dir)));
  const files = await pool.take(names.length);
  return files.map((f) => {
    try {
      const readFd = openSync(f, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
      const write = openSync(f, fsConstants.O_WRONLY);
      return { read: new Socket({ fd: readFd, readable: true, writable: false }), write };
    } finally {
      unlinkSync(f);
    }
  });
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
  static async start(spec: GroupSpec): Promise<ProcessGroup> {
    installExitHook();
    const [cmd, ...args] = spec.argv;
    if (!cmd) throw new Error('empty command');
    const [out, err] = await openPipes(spec.pipeDir, ['stdout', 'stderr']);
    const log = new CriLogWriter(spec.logPath);
    out!.read.on('data', (d: Buffer) => log.write('stdout', d));
    err!.read.on('data', (d: Buffer) => log.write('stderr', d));
    const drained = Promise.all([out!.read, err!.read].map((r) => new Promise<void>((resolve) => {
      r.on('error', () => resolve());
      r.on('close', () => resolve());
    })));
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out!.write, err!.write, ...(spec.readyPipe ? ['pipe' as const] : [])], env: { ...spec.env }, cwd: spec.cwd });
    closeSync(out!.write);
    closeSync(err!.write);
    return new Promise((resolve, reject) => {
      child.once('error', (e) => {
        if (child.pid === undefined) {
          out!.read.destroy();
          err!.read.destroy();
          void log.close();
          reject(e);
        }
      });
      child.once('spawn', () => {
        const pid = child.pid!;
        liveGroups.add(pid);
        const exited = new Promise<ContainerExit>((settle) => {
          child.once('exit', (code, sig) => {
            const finishedAt = new Date();
            // The main process is gone: so is the container (as when PID 1 exits).
            killGroup(pid, 'SIGKILL');
            liveGroups.delete(pid);
            const signal = signalNumber(sig);
            const exitCode = code ?? 128 + (signal ?? 0);
            // A descendant that left the group may still hold the pipes: don't wait for it long.
            let timer: NodeJS.Timeout | undefined;
            const cap = new Promise<void>((r) => (timer = setTimeout(r, 1000)));
            void Promise.race([drained, cap]).then(async () => {
              clearTimeout(timer);
              out!.read.destroy();
              err!.read.destroy();
              await log.close();
              settle({ exitCode, ...(signal !== undefined ? { signal } : {}), reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt });
            });
          });
        });
        const ready = child.stdio[3];
        if (!ready) return resolve(new ProcessGroup(pid, exited));
        // Set up (or failed, and `exited` will say so): either way the start is done.
        const done = (): void => {
          ready.destroy();
          resolve(new ProcessGroup(pid, exited));
        };
        ready.once('data', done);
        ready.once('close', done);
        ready.once('error', done);
      });
    });
  }

  /** The stop signal (SIGTERM unless the image says otherwise) to the group, SIGKILL after
   * `graceSeconds`; resolves when the program has ended. */
  async stop(graceSeconds: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.done) return;
    if (graceSeconds <= 0) {
      killGroup(this.pid, 'SIGKILL');
    } else {
      killGroup(this.pid, signal);
      this.killTimer ??= setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceSeconds * 1000);
    }
    await this.exited;
  }

  kill(): void {
    if (!this.done) killGroup(this.pid, 'SIGKILL');
  }
}
