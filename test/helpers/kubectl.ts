/** Runs the real kubectl (the one on PATH, or a `kubectl.1.NN` beside it) against a test server. */
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The kubectl binary for a minor version (`27`…`33`), or the dispatcher on PATH. Fails loudly
 * when kubectl is missing: these tests are never skipped. */
export function kubectlBinary(minor?: number): string {
  const onPath = execFileSync('bash', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  if (!onPath) throw new Error('kubectl is not on PATH; the kubectl tests need it');
  if (minor === undefined) return onPath;
  return path.join(path.dirname(realpathSync(onPath)), `kubectl.1.${minor}`);
}

/** Cache folders of this test process, removed when it exits. */
const cacheDirs: string[] = [];
process.once('exit', () => {
  for (const d of cacheDirs) rmSync(d, { recursive: true, force: true });
});

export class Kubectl {
  /** A fresh discovery cache per instance, so served-resource changes are seen. */
  private readonly cacheDir = Kubectl.newCacheDir();

  private static newCacheDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-kubectl-cache-'));
    cacheDirs.push(dir);
    return dir;
  }

  constructor(
    private readonly kubeconfig: string,
    private readonly binary = kubectlBinary(),
    private readonly env: Record<string, string> = {},
  ) {}

  run(args: readonly string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.binary,
        [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${this.cacheDir}`, ...args],
        { env: { ...process.env, HOME: os.tmpdir(), ...this.env, ...(opts.env ?? {}) }, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  }

  /** Runs and throws with kubectl's stderr unless it succeeded. */
  async ok(args: readonly string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }
}
