/**
 * Running a command "inside" a running process container (exec probes, `kubectl exec`): with the
 * container's environment and working directory, in its mount namespace when it has one. Output
 * is stdout and stderr interleaved, capped; the command's whole group is killed at the timeout.
 */
import { spawn } from 'node:child_process';
import type { ExecResult } from '../runtime.js';
import { findProgram } from './host-programs.js';
import { killGroup } from './process-group.js';
import { execResult } from '../shared/index.js';

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
  const child = spawn(cmd!, rest, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...spec.env }, cwd: spec.cwd });
  // The command's whole group goes at the timeout, and whatever it left behind at its end.
  const killAll = (): void => {
    if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
  };
  return execResult(child, spec.timeoutMs, killAll, killAll);
}
