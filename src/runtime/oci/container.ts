/**
 * One running container: a foreground `runc run` child (runc.ts says why), its output written
 * to the CRI log file as it comes, and its end turned into a ContainerExit — `OOMKilled` when it
 * died of SIGKILL at its memory limit (cgroups.ts), `Completed` or `Error` otherwise. Cleanup
 * (root filesystem, cgroup directories, runc state left by a runc that was itself killed) runs
 * before `exited` settles, so a settled container has left nothing behind but its log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { CriLogWriter } from '../process/cri-log.js';
import { ContainerStartError, type ContainerExit } from '../runtime.js';
import type { Runc } from './runc.js';

export interface ContainerParams {
  readonly runc: Runc;
  readonly id: string;
  readonly bundle: string;
  readonly logPath: string;
  /** Whether the process ran into its memory limit; asked once it died of SIGKILL. */
  readonly oomKilled: () => boolean;
  /** Releases what the start made (rootfs, cgroups, bundle, image use); runs once, at the end. */
  readonly cleanup: () => Promise<void>;
}

const sigkill = constants.signals.SIGKILL;

function runcError(logFile: string, stderr: string): string {
  // runc's json log ends with the error that stopped it; its stderr says the same more tersely.
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').reverse();
    for (const line of lines) {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if (entry.level === 'error' || entry.level === 'fatal') return entry.msg ?? line;
    }
  } catch {
    // no log: fall back to stderr
  }
  return stderr.trim() || 'runc run failed';
}

export class OciContainer {
  readonly startedAt = new Date();
  readonly exited: Promise<ContainerExit>;
  private done = false;
  private killedByUs = false;
  private killTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly p: ContainerParams, readonly pid: number, exited: Promise<ContainerExit>) {
    this.exited = exited.finally(() => {
      this.done = true;
      clearTimeout(this.killTimer);
    });
  }

  get id(): string {
    return this.p.id;
  }

  /** Runs the container; resolves once its process is running, rejects (ContainerStartError,
   * after cleanup) when runc could not start it. */
  static async start(p: ContainerParams): Promise<OciContainer> {
    const pidFile = `${p.bundle}/pid`;
    const logFile = `${p.bundle}/runc.log`;
    const log = new CriLogWriter(p.logPath);
    const child = p.runc.run(p.id, p.bundle, pidFile, logFile);
    // Until the process runs, what runc prints is its own complaint, not the container's output.
    let started = false;
    const early: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => log.write('stdout', d));
    child.stderr!.on('data', (d: Buffer) => (started ? log.write('stderr', d) : early.push(d)));
    const drained = Promise.all([child.stdout!, child.stderr!].map((s) => new Promise<void>((r) => s.once('close', () => r()))));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', () => resolve({ code: null, signal: null }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    let container: OciContainer | undefined;
    const pid = await waitForPid(pidFile, ended);
    if (pid === undefined) {
      await drained;
      await log.close();
      const message = runcError(logFile, Buffer.concat(early).toString('utf8'));
      await p.cleanup();
      throw new ContainerStartError('RunContainerError', `runc run ${p.id}: ${message}`);
    }
    started = true;
    for (const d of early) log.write('stderr', d);
    const exited = ended.then(async ({ code, signal }) => {
      const finishedAt = new Date();
      // runc itself killed by a signal: the container may still be running; make sure it is not.
      if (p.runc.known(p.id)) await p.runc.delete(p.id);
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : sigkill);
      const sig = exitCode > 128 && exitCode <= 128 + 64 ? exitCode - 128 : undefined;
      const oom = sig === sigkill && !container?.killedByUs && p.oomKilled();
      // A process that left the container's pid namespace may hold the pipes: don't wait long.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise<void>((r) => (timer = setTimeout(r, 1000)))]);
      clearTimeout(timer);
      child.stdout!.destroy();
      child.stderr!.destroy();
      await log.close();
      await p.cleanup().catch(() => undefined);
      const reason = oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
      return { exitCode, ...(sig !== undefined ? { signal: sig } : {}), reason, finishedAt } satisfies ContainerExit;
    });
    container = new OciContainer(p, pid, exited);
    return container;
  }

  /** The stop signal to the container's process, SIGKILL to all of it after `graceSeconds`;
   * resolves once it has ended. */
  async stop(graceSeconds: number, signal = 'SIGTERM'): Promise<void> {
    if (this.done) return;
    if (graceSeconds <= 0) {
      await this.kill();
    } else {
      await this.p.runc.kill(this.p.id, signal);
      this.killTimer ??= setTimeout(() => void this.kill(), graceSeconds * 1000);
    }
    await this.exited;
  }

  async kill(): Promise<void> {
    if (this.done) return;
    this.killedByUs = true;
    await this.p.runc.kill(this.p.id, 'SIGKILL', true);
  }
}

/** The container's pid once runc has written it, or undefined if runc ended first. */
async function waitForPid(pidFile: string, ended: Promise<unknown>): Promise<number | undefined> {
  let over = false;
  void ended.then(() => (over = true));
  const read = (): number | undefined => {
    if (!existsSync(pidFile)) return undefined;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  };
  for (let delay = 2; ; delay = Math.min(delay * 2, 25)) {
    // Checked after `over` is seen: runc may write the file and end between two looks.
    const ending = over;
    const pid = read();
    if (pid !== undefined || ending) return pid;
    await new Promise((r) => setTimeout(r, delay));
  }
}
