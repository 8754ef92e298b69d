/**
 * The OCI runtime binary (runc, or crun which takes the same commands), always with a root
 * directory of skiff's own so `runc list` there shows skiff's containers and nothing else's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCommand, type CommandResult } from './command.js';

export class Runc {
  constructor(readonly binary: string, readonly root: string) {}

  private global(logFile?: string): string[] {
    return ['--root', this.root, ...(logFile ? ['--log', logFile, '--log-format', 'json'] : [])];
  }

  /**
   * The arguments of `runc run` in the foreground: it stays the container's parent, copies the
   * container's stdout/stderr to its own, removes the container when it ends, and exits with
   * the container's status (128+n for a signal) — so runc's exit code is the container's.
   * The pid file appears once the container's process is running.
   */
  runArgs(id: string, bundle: string, pidFile: string, logFile: string): string[] {
    return [...this.global(logFile), 'run', '--bundle', bundle, '--pid-file', pidFile, id];
  }

  /** Signals the container's process; false when the container is not running (any more). */
  async kill(id: string, signal: string, all = false): Promise<boolean> {
    const r = await runCommand(this.binary, [...this.global(), 'kill', ...(all ? ['--all'] : []), id, signal]);
    return r.code === 0;
  }

  async delete(id: string): Promise<CommandResult> {
    return runCommand(this.binary, [...this.global(), 'delete', '--force', id]);
  }

  /** Whether runc still has state for the container. */
  known(id: string): boolean {
    return existsSync(path.join(this.root, id));
  }

  /** `runc exec`: the container's process settings (env, cwd, user) with another argv. */
  exec(id: string, argv: readonly string[], pidFile: string): ChildProcess {
    return spawn(this.binary, this.execArgs(id, argv, pidFile), { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** The arguments of `runc exec` in the foreground, with `extra` options (`-t`, `--env`). */
  execArgs(id: string, argv: readonly string[], pidFile: string, extra: readonly string[] = []): string[] {
    return [...this.global(), 'exec', '--pid-file', pidFile, ...extra, id, ...argv];
  }

  async version(): Promise<string> {
    const r = await runCommand(this.binary, ['--version']);
    return /version\s+(\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
  }
}
