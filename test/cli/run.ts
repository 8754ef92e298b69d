/** Runs the built skiff CLI as a child process — the one compiled beside this test, whatever the
 * outDir — with a fresh HOME so no user kubeconfig leaks in. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { skiffMain } from '../helpers/paths.js';

export const cliMain = skiffMain;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const home = mkdtempSync(path.join(os.tmpdir(), 'skiff-cli-home-'));

export function skiff(kubeconfig: string | undefined, args: readonly string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cliMain, ...args, ...(kubeconfig ? [`--kubeconfig=${kubeconfig}`] : [])],
      { env: { ...process.env, HOME: home, KUBECONFIG: '', ...(opts.env ?? {}) }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs and fails with the CLI's output unless it succeeded. */
export async function skiffOk(kubeconfig: string, args: readonly string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
  const r = await skiff(kubeconfig, args, opts);
  if (r.code !== 0) throw new Error(`skiff ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}
