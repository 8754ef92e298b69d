/**
 * `kubectl exec` in a process container: the command runs as exec probes run it (the
 * container's environment, working directory, user and mount namespace), with its stdio as
 * streams, or on a pseudo-terminal (node-pty) with resize for `-t`. Its whole process group is
 * killed when the client goes away, so an abandoned shell leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import type { ExecStreamOptions, StreamProcess } from '../runtime.js';
import { terminalProcess } from '../shared/terminal-process.js';
import { findProgram } from './host-programs.js';
import { killGroup } from './process-group.js';
import type { ExecSpec } from './exec.js';

export class ExecNotFoundError extends Error {}

export function execStreamIn(spec: Omit<ExecSpec, 'timeoutMs'>, opts: ExecStreamOptions): StreamProcess {
  const [program, ...args] = spec.command;
  if (!program) throw new ExecNotFoundError('exec: no command given');
  const resolved = findProgram(program, spec.env['PATH'] ?? '', spec.cwd) ?? (spec.prefix.length ? program : undefined);
  if (!resolved) throw new ExecNotFoundError(`exec: "${program}": executable file not found in $PATH`);
  const [cmd, ...rest] = [...spec.prefix, resolved, ...args];
  return opts.tty ? onTerminal(cmd!, rest, spec) : onPipes(cmd!, rest, spec, opts.stdin);
}

function onPipes(cmd: string, args: string[], spec: Omit<ExecSpec, 'timeoutMs'>, stdin: boolean): StreamProcess {
  const child = spawn(cmd, args, { detached: true, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: { ...spec.env }, cwd: spec.cwd });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      // What it left running in its group goes with it.
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      resolve(code ?? 128 + signalNumber(signal));
    });
  });
  return {
    stdin: child.stdin ?? undefined,
    stdout: child.stdout ?? undefined,
    stderr: child.stderr ?? undefined,
    exited,
    kill: () => {
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    },
  };
}

function onTerminal(cmd: string, args: string[], spec: Omit<ExecSpec, 'timeoutMs'>): StreamProcess {
  const kill = (pid: number): void => killGroup(pid, 'SIGKILL');
  return terminalProcess(cmd, args, { name: spec.env['TERM'] ?? 'xterm', cwd: spec.cwd, env: { TERM: 'xterm', ...spec.env } }, { ended: kill, kill });
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (SIGNALS[signal] ?? 1) : 0;
}
