/**
 * `runc exec` for exec probes and `kubectl exec`: the command runs in the container with its
 * env, cwd and user; stdout and stderr come back together, capped as the process runtime caps
 * them. At the timeout the exec'd process itself is killed (by the pid runc wrote), not just
 * runc, which would leave it running in the container.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { ExecResult } from '../runtime.js';
import { execResult } from '../shared/index.js';
import type { Runc } from './runc.js';

export function runcExec(runc: Runc, id: string, command: readonly string[], timeoutMs: number, pidFile: string): Promise<ExecResult> {
  if (!command.length) return Promise.resolve({ exitCode: 126, output: 'exec: no command given' });
  const child = runc.exec(id, command, pidFile);
  // The exec'd process itself goes at the timeout (by the pid runc wrote), not just runc.
  const kill = (): void => {
    try {
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    } catch {
      // already gone
    }
    child.kill('SIGKILL');
  };
  return execResult(child, timeoutMs, kill, () => void rm(pidFile, { force: true }));
}
