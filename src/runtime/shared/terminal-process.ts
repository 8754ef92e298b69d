/**
 * A command on a terminal (node-pty) as a stream process: what `exec -t` drives in every
 * runtime. Its output is the terminal's (no separate stderr), the client's size is the
 * terminal's, and its exit code carries a signal as 128+N, as a shell reports it.
 */
import { PassThrough } from 'node:stream';
import * as pty from 'node-pty';
import type { StreamProcess } from '../runtime.js';

export interface TerminalHooks {
  /** Runs once the terminal's process ended (before `exited` resolves). */
  ended(pid: number): void;
  /** Ends the command (the client went away). */
  kill(pid: number): void;
}

export function terminalProcess(file: string, args: readonly string[], opts: pty.IPtyForkOptions, hooks: TerminalHooks): StreamProcess {
  const term = pty.spawn(file, [...args], { cols: 80, rows: 24, ...opts });
  const stdout = new PassThrough();
  const stdin = new PassThrough();
  term.onData((d) => stdout.write(d));
  stdin.on('data', (d: Buffer) => term.write(d.toString('utf8')));
  const exited = new Promise<number>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      hooks.ended(term.pid);
      stdout.end();
      resolve(signal ? 128 + signal : exitCode);
    });
  });
  return {
    stdin,
    stdout,
    resize: (cols, rows) => term.resize(cols, rows),
    exited,
    kill: () => hooks.kill(term.pid),
  };
}
