/**
 * What an exec (probe or `kubectl exec`) reports, whichever runtime ran it: stdout and stderr
 * interleaved and capped, the exit code (128 + signal when killed), and a note when it was cut
 * off at its timeout, when `kill` ends it.
 */
import type { ChildProcess } from 'node:child_process';
import type { ExecResult } from '../runtime.js';
import { signalNumber } from '../../util/process.js';

export const execOutputCap = 16 * 1024;

/** Waits for `child` (spawned with piped stdout and stderr) and collects its result. `kill` ends
 * it at the timeout; `after` runs once it has ended, before the result is given. */
export function execResult(child: ChildProcess, timeoutMs: number, kill: () => void, after: () => void = () => undefined): Promise<ExecResult> {
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
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: 126, output: `exec: ${err.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      after();
      let output = Buffer.concat(chunks).toString('utf8');
      if (timedOut) output += `${output && !output.endsWith('\n') ? '\n' : ''}command timed out after ${timeoutMs}ms`;
      resolve({ exitCode: code ?? 128 + (signalNumber(signal) ?? 0), output });
    });
  });
}
