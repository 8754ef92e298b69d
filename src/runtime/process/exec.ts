/**
 * Running a command "inside" a running process container (exec probes, `kubectl exec`): with the
 * container's environment and working directory, in its mount namespace when it has one. Output
 * is stdout and stderr interleaved, capped; the command's whole group is killed at the timeout.
 */
import { spawn } from 'node:child_process';
import type { ExecResult } from '../runtime.js';
import { findProgram } from './host-programs.js';
import { killGroup, signalNumber } from './process-group.js';

export const execOutputCap = 16 * 1024;

export interface ExecSpec {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Prepended to the command (nsenter into the container's mount namespace). */
  readonly prefix: readonly string[];
  readonly timeoutMs: number;
}

export function execIn(spec: ExecSpec): Promise<ExecResult> {
  const [program, ...args] = spec.command;
  if (!program) return Promise.resolve({ exitCode: 126, output: 'exec: no command given' });
  // Inside a mount namespace the program may exist only there: leave the lookup to nsenter.
  const resolved = findProgram(program, spec.env['PATH'] ?? '', spec.cwd) ?? (spec.prefix.length ? program : undefined);
  if (!resolved) return Promise.resolve({ exitCode: 127, output: `exec: "${program}": executable file not found in $PATH` });
  const [cmd, ...rest] = [...spec.prefix, resolved, ...args];
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const collect = (d: Buffer): void => {
      if (size >= execOutputCap) return;
      const part = d.subarray(0, execOutputCap - size);
      chunks.push(part);
      size += part.length;
    };
    const child = spawn(cmd!, rest, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...spec.env }, cwd: spec.cwd });
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    }, spec.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: 126, output: `exec: ${err.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      let output = Buffer.concat(chunks).toString('utf8');
      if (timedOut) output += `${output && !output.endsWith('\n') ? '\n' : ''}command timed out after ${spec.timeoutMs}ms`;
      resolve({ exitCode: code ?? 128 + (signalNumber(signal) ?? 0), output });
    });
  });
}
