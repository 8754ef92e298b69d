/**
 * Running iptables, optionally through a prefix such as `ip netns exec NS` (the tests program a
 * node's network namespace that way). Commands get argv arrays, never a shell, and wait for the
 * xtables lock rather than fail when another program holds it.
 */
import { spawn } from 'node:child_process';

export class IptablesError extends Error {
  override name = 'IptablesError';
  constructor(readonly command: readonly string[], readonly code: number | null, readonly stderr: string) {
    super(`${command.join(' ')} exited ${code ?? 'on a signal'}: ${stderr.trim()}`);
  }
}

export interface Runner {
  /** Runs `argv` (with the prefix), `input` on stdin; resolves stdout, rejects with IptablesError. */
  run(argv: readonly string[], input?: string): Promise<string>;
}

export function commandRunner(prefix: readonly string[] = []): Runner {
  return {
    run(argv, input) {
      const full = [...prefix, ...argv];
      return new Promise((resolve, reject) => {
        const child = spawn(full[0]!, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.once('error', (e) => reject(new IptablesError(full, null, e.message)));
        child.once('close', (code) => (code === 0 ? resolve(out) : reject(new IptablesError(full, code, err))));
        child.stdin.on('error', () => undefined);
        child.stdin.end(input ?? '');
      });
    },
  };
}

/** Seconds to wait for the xtables lock. */
const lockWait = '5';

export const iptables = (table: string, ...args: string[]): string[] => ['iptables', '-w', lockWait, '-t', table, ...args];
export const iptablesRestore = (): string[] => ['iptables-restore', '-w', lockWait, '--noflush'];
export const iptablesSave = (table: string): string[] => ['iptables-save', '-t', table];
