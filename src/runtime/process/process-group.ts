/**
 * One container as a host process group: spawned detached (its own session and group), so a stop
 * reaches everything the program started. When the main process ends, whatever it left in the
 * group is killed, as the kernel does when a container's PID 1 exits.
 *
 * Containers outlive the agent that started them (kubelet's containers outlive kubelet too): the
 * group leader is a small sh that waits for the program and writes its exit code to a file, so
 * an agent started again (see `adopt`) learns how a container it did not start ended. Whether
 * live groups die when this process exits is shared/exit-policy.ts's question: not for `skiff
 * up` and `skiff agent`, whose pods outlive any end but an orderly stop.
 */
import { spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, readFileSync, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { ContainerExit } from '../runtime.js';
import { CriLogWriter, killAtExit, makePipes, openReader } from '../shared/index.js';
import { processRunning, signalNumber } from '../../util/process.js';

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  killAtExit(() => {
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


/* The group leader. Stop signals go to the whole group, so it ignores them by handler (a
 * handler, unlike an ignored signal, is reset for the program it starts) and outlives the
 * program to record its code. The program runs through a second sh that moves stderr from fd 4
 * to fd 2 (dash prints "Terminated" for a killed job to the job's own stderr, which must stay
 * out of the container's log; the leader's fd 2 is /dev/null) and says on fd 3 that it runs:
 * until then a stop signal could land in the leader's fork, still holding the leader's handler,
 * and be lost, so a start is done only once that second sh is running. */
const leaderScript = 'f=$1; shift; trap : TERM INT QUIT HUP USR1 USR2 WINCH; /bin/sh -c \'printf x >&3; exec 3>&- 2>&4 4>&-; exec "$@"\' - "$@"; c=$?; echo "$c" > "$f"; exit "$c"';

/** The argv that runs `argv` under the leader, which writes its exit code to `exitPath`. Put
 * it innermost but for wrappers that `exec` (the mount namespace's), so the leader is the
 * group's first process and lives in the container's namespaces. */
export function recordingExit(exitPath: string, argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', leaderScript, 'skiff-container', exitPath, ...argv];
}

export interface GroupSpec {
  /** The whole command, `recordingExit` included. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logPath: string;
  /** Where spare FIFOs are made ahead. */
  readonly pipeDir: string;
  /** The container's stdout/stderr FIFOs and exit-code file (kept for an agent started again). */
  readonly stdoutPath: string;
  readonly stderrPath: string;
  /** The user the program runs as, when not skiff's: its FIFOs become its own (still 0600), so
   * that it can open /dev/stdout by name. */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** Where an adopted container's output and exit code are. */
export interface AdoptSpec {
  readonly pid: number;
  readonly logPath: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  readonly exitPath: string;
}

/** Copies a container's output into its CRI log until both pipes close. */
function collect(readers: readonly (Socket | undefined)[], logPath: string): { drained: Promise<void>; close(): Promise<void> } {
  const log = new CriLogWriter(logPath);
  const streams = ['stdout', 'stderr'] as const;
  const open = readers.filter((r): r is Socket => r !== undefined);
  readers.forEach((r, i) => r?.on('data', (d: Buffer) => log.write(streams[i]!, d)));
  const drained = Promise.all(open.map((r) => new Promise<void>((resolve) => {
    r.on('error', () => resolve());
    r.on('close', () => resolve());
  }))).then(() => undefined);
  return {
    drained,
    close: async () => {
      for (const r of open) r.destroy();
      await log.close();
    },
  };
}

/** After the leader ended: what is left in the group goes, output is flushed (not waiting
 * long for a descendant that left the group but holds the pipes), then the exit is known. */
async function finish(pgid: number, out: ReturnType<typeof collect>, exit: () => ContainerExit): Promise<ContainerExit> {
  killGroup(pgid, 'SIGKILL');
  liveGroups.delete(pgid);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([out.drained, new Promise<void>((r) => (timer = setTimeout(r, 1000)))]);
  clearTimeout(timer);
  await out.close();
  return exit();
}

function exitOf(exitCode: number, finishedAt: Date, signal?: number, message?: string): ContainerExit {
  return { exitCode, ...(signal !== undefined ? { signal } : {}), reason: exitCode === 0 ? 'Completed' : 'Error', ...(message ? { message } : {}), finishedAt };
}

export class ProcessGroup {
  readonly pid: number;
  readonly exited: Promise<ContainerExit>;
  private done = false;
  private killTimer: NodeJS.Timeout | undefined;
  private killAt: number | undefined;

  private constructor(pid: number, exited: Promise<ContainerExit>) {
    this.pid = pid;
    this.exited = exited;
    liveGroups.add(pid);
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
    const [out, err] = await makePipes(spec.pipeDir, [spec.stdoutPath, spec.stderrPath]);
    const output = collect([out!.read, err!.read], spec.logPath);
    if (spec.owner) for (const p of [spec.stdoutPath, spec.stderrPath]) chownSync(p, spec.owner.uid, spec.owner.gid);
    // fd 2 of the leader is /dev/null; the program's stderr arrives as fd 4 (see leaderScript).
    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['ignore', out!.containerFd, 'ignore', 'pipe', err!.containerFd],
      env: { ...spec.env },
      cwd: spec.cwd,
    });
    closeSync(out!.containerFd);
    closeSync(err!.containerFd);
    return new Promise((resolve, reject) => {
      child.once('error', (e) => {
        if (child.pid === undefined) {
          void output.close();
          reject(e);
        }
      });
      child.once('spawn', () => {
        const pid = child.pid!;
        const exited = new Promise<ContainerExit>((settle) => {
          child.once('exit', (code, sig) => {
            const finishedAt = new Date();
            const signal = signalNumber(sig);
            void finish(pid, output, () => exitOf(code ?? 128 + (signal ?? 0), finishedAt, signal)).then(settle);
          });
        });
        const group = new ProcessGroup(pid, exited);
        const readyPipe = child.stdio[3]!;
        // Running (or failed, and `exited` will say so): either way the start is done.
        const done = (): void => {
          readyPipe.destroy();
          resolve(group);
        };
        readyPipe.once('data', done);
        readyPipe.once('close', done);
        readyPipe.once('error', done);
      });
    });
  }

  /**
   * A container started by an earlier agent: its output is read on from its FIFOs, and its end
   * is noticed by polling (it is not this process's child, so no exit event comes). The exit
   * code is the one its leader recorded; a leader killed outright recorded none, which is what
   * SIGKILL does, so 137 then.
   */
  static adopt(spec: AdoptSpec, pollMs = 250): ProcessGroup {
    installExitHook();
    const reader = (p: string): Socket | undefined => {
      try {
        return existsSync(p) ? openReader(p) : undefined;
      } catch {
        return undefined;
      }
    };
    const output = collect([reader(spec.stdoutPath), reader(spec.stderrPath)], spec.logPath);
    const exited = new Promise<ContainerExit>((settle) => {
      const timer = setInterval(() => {
        if (processRunning(spec.pid)) return;
        clearInterval(timer);
        void finish(spec.pid, output, () => recordedExit(spec.exitPath)).then(settle);
      }, pollMs);
      timer.unref();
    });
    return new ProcessGroup(spec.pid, exited);
  }

  /** The stop signal (SIGTERM unless the image says otherwise) to the group, SIGKILL after
   * `graceSeconds`; resolves when the program has ended. */
  async stop(graceSeconds: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.done) return;
    if (graceSeconds <= 0) {
      killGroup(this.pid, 'SIGKILL');
    } else {
      const at = Date.now() + graceSeconds * 1000;
      if (this.killAt === undefined) killGroup(this.pid, signal);
      // A second stop with less grace (a pod deleted again) brings the kill forward.
      if (this.killAt === undefined || at < this.killAt) {
        clearTimeout(this.killTimer);
        this.killAt = at;
        this.killTimer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceSeconds * 1000);
      }
    }
    await this.exited;
  }

  kill(): void {
    if (!this.done) killGroup(this.pid, 'SIGKILL');
  }
}

/** How a container that ended without this process watching ended, from its exit-code file. */
export function recordedExit(exitPath: string): ContainerExit {
  try {
    const code = Number(readFileSync(exitPath, 'utf8').trim());
    if (Number.isInteger(code)) return exitOf(code, statSync(exitPath).mtime);
  } catch {
    // no record: killed outright
  }
  return exitOf(137, new Date(), 9, 'the container ended while no agent watched it and left no exit code (killed)');
}
