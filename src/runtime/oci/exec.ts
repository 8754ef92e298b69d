/**
 * `runc exec` for exec probes and `kubectl exec`: the command runs in the container with its
 * env, cwd and user; stdout and stderr come back together, capped as the process runtime caps
 * them. At the timeout the exec'd process itself is killed (by the pid runc wrote), not just
 * runc, which would leave it running in the container.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { constants } from 'node:os';
import { execOutputCap } from '../process/exec.js';
import type { ExecResult } from '../runtime.js';
import type { Runc } from './runc.js';

export function runcExec(runc: Runc, id: string, command: readonly string[], timeoutMs: number, pidFile: string): Promise<ExecResult> {
  if (!command.length) return Promise.resolve({ exitCode: 126, output: 'exec: no command given' });
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
    const child = runc.exec(id, command, pidFile);
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch {
        // already gone
      }
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: 126, output: `exec: ${err.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      void rm(pidFile, { force: true });
      let output = Buffer.concat(chunks).toString('utf8');
      if (timedOut) output += `${output && !output.endsWith('\n') ? '\n' : ''}command timed out after ${timeoutMs}ms`;
      resolve({ exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0), output });
    });
  });
}
