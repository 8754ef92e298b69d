/**
 * `kubectl exec` in an oci container: `runc exec` in the foreground, which joins the
 * container's namespaces and cgroup and takes its process settings (env, cwd, user) from the
 * bundle. Without `-t` its stdio are pipes handed straight to the command. With `-t` runc is
 * itself run on a pseudo-terminal (node-pty): in the foreground runc receives the container's
 * console over its own console socket and copies it to and from its stdio, and on SIGWINCH
 * (sent by the kernel when node-pty resizes runc's terminal) sizes the container's console
 * like its own — so resize needs no fd passing here, which Node cannot receive.
 * When the client goes away the exec'd process is killed by the pid runc wrote, then runc.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { ExecStreamOptions, StreamProcess } from '../runtime.js';
import { terminalProcess } from '../shared/terminal-process.js';
import { signalNumber } from '../../util/process.js';
import type { Runc } from './runc.js';

export function runcExecStream(runc: Runc, id: string, command: readonly string[], opts: ExecStreamOptions, pidFile: string): StreamProcess {
  if (!command.length) throw new Error('exec: no command given');
  const args = runc.execArgs(id, command, pidFile, opts.tty ? ['-t', '--env', 'TERM=xterm'] : []);
  const killExeced = (): void => {
    try {
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const forget = (): void => void rm(pidFile, { force: true });
  return opts.tty ? onTerminal(runc.binary, args, killExeced, forget) : onPipes(runc.binary, args, opts.stdin, killExeced, forget);
}

function onPipes(binary: string, args: string[], stdin: boolean, killExeced: () => void, forget: () => void): StreamProcess {
  const child = spawn(binary, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      forget();
      resolve(code ?? 128 + (signalNumber(signal) ?? 0));
    });
  });
  return {
    stdin: child.stdin ?? undefined,
    stdout: child.stdout ?? undefined,
    stderr: child.stderr ?? undefined,
    exited,
    kill: () => {
      killExeced();
      child.kill('SIGKILL');
    },
  };
}

function onTerminal(binary: string, args: string[], killExeced: () => void, forget: () => void): StreamProcess {
  return terminalProcess(binary, args, { name: 'xterm', env: { ...process.env, TERM: 'xterm' } }, {
    ended: forget,
    kill: (pid) => {
      killExeced();
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  });
}
