/**
 * Running the helper programs the runtime drives (runc, mount, unshare, CNI plugins): argv in,
 * stdout and stderr out as text, an exit code, optional stdin and environment.
 */
import { spawn } from 'node:child_process';
import { CommandError } from './errors.js';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly input?: string;
  /** The whole environment of the program (default: this process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

/** Runs a program to its end; a failure to run at all is an exit code of null. */
export function runCommand(program: string, args: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    // A program that exits without reading its stdin must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: '', stderr: e.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Runs a program and returns its stdout; throws CommandError unless it exits 0. */
export async function runOk(program: string, args: readonly string[], opts: CommandOptions = {}): Promise<string> {
  const r = await runCommand(program, args, opts);
  if (r.code !== 0) throw new CommandError([program, ...args].join(' '), r.code, r.stderr || r.stdout);
  return r.stdout;
}
