/**
 * One container: a foreground `runc run` (runc.ts says why) under a small sh leader that writes
 * runc's exit status — the container's — to a file, its output copied from FIFOs into the CRI
 * log, its end turned into a ContainerExit: `OOMKilled` when it died of SIGKILL at its memory
 * limit (cgroups.ts), `Completed` or `Error` otherwise.
 *
 * The container outlives a crashed agent, as kubelet's do: runc holds its stdout/stderr FIFOs
 * open for reading and writing (no SIGPIPE when the reader dies), and the leader records the
 * exit, so an agent started again adopts it (`adopt`) or learns how it ended. Cleanup (root
 * filesystem, cgroups, runc state left by a runc that was itself killed) runs before `exited`
 * settles, so a settled container has left nothing behind but its log.
 */
import { spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, readFileSync, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import path from 'node:path';
import { CriLogWriter, killAtExit, makePipes, openReader } from '../shared/index.js';
import { processRunning, processState } from '../../util/process.js';
import { ContainerStartError, type ContainerExit } from '../runtime.js';
import type { Runc } from './runc.js';

export interface ContainerParams {
  readonly runc: Runc;
  readonly id: string;
  readonly bundle: string;
  readonly logPath: string;
  /** Where spare FIFOs are made ahead. */
  readonly fifoDir: string;
  /** Whether the process ran into its memory limit; asked once it died of SIGKILL. */
  readonly oomKilled: () => boolean;
  /** Releases what the start made (rootfs, cgroups, bundle, image use); runs once, at the end. */
  readonly cleanup: () => Promise<void>;
  /** The container's user: its stdout/stderr FIFOs become its own (still 0600), so that it can
   * open /dev/stdout by name. */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** Files of a container's bundle beyond config.json. */
export function bundleFiles(bundle: string): { pid: string; exit: string; stdout: string; stderr: string; runcLog: string } {
  const f = (n: string): string => path.join(bundle, n);
  return { pid: f('pid'), exit: f('exit'), stdout: f('stdout'), stderr: f('stderr'), runcLog: f('runc.log') };
}

const sigkill = constants.signals.SIGKILL;
/** Runs runc, then records its status; stop signals go to the container through `runc kill`,
 * never to this group, but a stray one must not end the leader before it records. */
const leaderScript = 'f=$1; shift; trap : TERM INT QUIT HUP USR1 USR2; "$@"; c=$?; echo "$c" > "$f"; exit "$c"';

/** Host pids of running containers' PID 1s: killed when this process exits normally (only a
 * crash leaves containers for the next agent), as the process runtime does with its groups. */
const livePids = new Set<number>();
let exitHook = false;

function runcError(logFile: string, stderr: string): string {
  // runc's json log ends with the error that stopped it; its stderr says the same more tersely.
  try {
    for (const line of readFileSync(logFile, 'utf8').trim().split('\n').reverse()) {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if (entry.level === 'error' || entry.level === 'fatal') return entry.msg ?? line;
    }
  } catch {
    // no log: fall back to stderr
  }
  return stderr.trim() || 'runc run failed';
}

function recordedCode(file: string): { code: number; at: Date } | undefined {
  try {
    const code = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(code) ? { code, at: statSync(file).mtime } : undefined;
  } catch {
    return undefined;
  }
}

/** What the leader reads back, to know a pid is still the same process after a restart. */
export interface LeaderRecord {
  readonly leaderPid: number;
  readonly leaderStart: string;
  readonly containerPid: number;
}

export class OciContainer {
  readonly exited: Promise<ContainerExit>;
  private done = false;
  private killedByUs = false;
  private killTimer: NodeJS.Timeout | undefined;
  private killAt: number | undefined;

  private constructor(private readonly p: ContainerParams, readonly pid: number, readonly startedAt: Date, readonly leader: LeaderRecord, ended: Promise<number>, readers: readonly Socket[], log: CriLogWriter) {
    livePids.add(pid);
    if (!exitHook) {
      exitHook = true;
      killAtExit(() => {
        for (const pid of livePids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      });
    }
    this.exited = this.watch(ended, readers, log).finally(() => {
      this.done = true;
      livePids.delete(pid);
      clearTimeout(this.killTimer);
    });
  }

  get id(): string {
    return this.p.id;
  }

  /** Runs the container; resolves once its process is running, rejects (ContainerStartError,
   * after cleanup) when runc could not start it. */
  static async start(p: ContainerParams): Promise<OciContainer> {
    const files = bundleFiles(p.bundle);
    const [out, err] = await makePipes(p.fifoDir, [files.stdout, files.stderr]);
    if (p.owner) for (const f of [files.stdout, files.stderr]) chownSync(f, p.owner.uid, p.owner.gid);
    const log = new CriLogWriter(p.logPath);
    const child = spawn('/bin/sh', ['-c', leaderScript, 'skiff-runc', files.exit, p.runc.binary, ...p.runc.runArgs(p.id, p.bundle, files.pid, files.runcLog)], {
      // Its own process group: a Ctrl-C meant for the agent is not forwarded into containers.
      detached: true,
      stdio: ['ignore', out!.containerFd, err!.containerFd],
    });
    closeSync(out!.containerFd);
    closeSync(err!.containerFd);
    // Until the process runs, what runc prints is its own complaint, not the container's output.
    let started = false;
    const early: Buffer[] = [];
    out!.read.on('data', (d: Buffer) => log.write('stdout', d));
    err!.read.on('data', (d: Buffer) => (started ? log.write('stderr', d) : early.push(d)));
    const ended = new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : sigkill)));
    });
    const pid = await waitForPid(files.pid, ended);
    if (pid === undefined) {
      await ended;
      // Let the last of runc's complaint arrive (runc held the FIFO; it is closed now).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((r) => err!.read.once('close', r)), new Promise((r) => (timer = setTimeout(r, 500)))]);
      clearTimeout(timer);
      out!.read.destroy();
      err!.read.destroy();
      await log.close();
      const message = runcError(files.runcLog, Buffer.concat(early).toString('utf8'));
      await p.cleanup();
      throw new ContainerStartError('RunContainerError', `runc run ${p.id}: ${message}`);
    }
    started = true;
    for (const d of early) log.write('stderr', d);
    const leader = { leaderPid: child.pid!, leaderStart: processState(child.pid!)?.startTicks ?? '', containerPid: pid };
    return new OciContainer(p, pid, new Date(), leader, ended, [out!.read, err!.read], log);
  }

  /** A container an earlier agent started, still running: output read on from its FIFOs, its end
   * noticed by polling its leader (not this process's child) and read from the exit file. */
  static adopt(p: ContainerParams, leader: LeaderRecord, startedAt: Date): OciContainer {
    const files = bundleFiles(p.bundle);
    const readers = [openReader(files.stdout), openReader(files.stderr)];
    const log = new CriLogWriter(p.logPath);
    readers[0]!.on('data', (d: Buffer) => log.write('stdout', d));
    readers[1]!.on('data', (d: Buffer) => log.write('stderr', d));
    const ended = new Promise<number>((resolve) => {
      const poll = setInterval(() => {
        if (processRunning(leader.leaderPid, leader.leaderStart)) return;
        clearInterval(poll);
        resolve(recordedCode(files.exit)?.code ?? 128 + sigkill);
      }, 200);
    });
    return new OciContainer(p, leader.containerPid, startedAt, leader, ended, readers, log);
  }

  private async watch(ended: Promise<number>, readers: readonly Socket[], log: CriLogWriter): Promise<ContainerExit> {
    const exitCode = await ended;
    const finishedAt = new Date();
    const p = this.p;
    // runc itself killed by a signal: the container may still be running; make sure it is not.
    if (p.runc.known(p.id)) await p.runc.delete(p.id);
    const sig = exitCode > 128 && exitCode <= 128 + 64 ? exitCode - 128 : undefined;
    const oom = sig === sigkill && !this.killedByUs && p.oomKilled();
    // A process that escaped the container may hold the pipes: don't wait for it long.
    const drained = Promise.all(readers.map((r) => new Promise<void>((resolve) => {
      r.once('close', () => resolve());
      r.once('error', () => resolve());
    })));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
    for (const r of readers) r.destroy();
    await log.close();
    await p.cleanup().catch(() => undefined);
    const reason = oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    return { exitCode, ...(sig !== undefined ? { signal: sig } : {}), reason, finishedAt };
  }

  /** The stop signal to the container's process, SIGKILL to all of it after `graceSeconds`;
   * resolves once it has ended. */
  async stop(graceSeconds: number, signal = 'SIGTERM'): Promise<void> {
    if (this.done) return;
    if (graceSeconds <= 0) {
      await this.kill();
    } else {
      const at = Date.now() + graceSeconds * 1000;
      const first = this.killAt === undefined;
      // A second stop with less grace (a pod deleted again) brings the kill forward.
      if (first || at < this.killAt!) {
        clearTimeout(this.killTimer);
        this.killAt = at;
        this.killTimer = setTimeout(() => void this.kill(), graceSeconds * 1000);
      }
      if (first) await this.p.runc.kill(this.p.id, signal);
    }
    await this.exited;
  }

  async kill(): Promise<void> {
    if (this.done) return;
    this.killedByUs = true;
    await this.p.runc.kill(this.p.id, 'SIGKILL', true);
  }
}

/** A container that ended while no agent watched: its recorded exit (or a kill, if none). */
export function recordedExit(bundle: string): ContainerExit {
  const r = recordedCode(bundleFiles(bundle).exit);
  if (r) return { exitCode: r.code, ...(r.code > 128 && r.code <= 192 ? { signal: r.code - 128 } : {}), reason: r.code === 0 ? 'Completed' : 'Error', finishedAt: r.at };
  return { exitCode: 137, signal: 9, reason: 'Error', message: 'the container ended while no agent watched it and left no exit code (killed)', finishedAt: new Date() };
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
