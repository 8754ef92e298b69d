/** Runs the scripts in test/clients/python with Debian's official Kubernetes client
 * (python3-kubernetes) and reads back their named cases, one JSON line each. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/** Debian's interpreter: the python3 first on PATH may be another without the module. */
export const python = '/usr/bin/python3';
const moduleDir = '/usr/lib/python3/dist-packages/kubernetes';

/** Installs python3-kubernetes when it is missing (as scripts/test does before a run) and fails
 * loudly when that does not work: these tests are never skipped. */
export function ensurePythonClient(): void {
  if (!existsSync(moduleDir)) {
    const r = spawnSync(path.join(repoRoot, 'scripts', 'debian-install'), [`${moduleDir}:python3-kubernetes`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`installing python3-kubernetes failed (${r.status}): ${r.stderr}`);
  }
  const probe = spawnSync(python, ['-c', 'import kubernetes, yaml; print(kubernetes.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${python} cannot import kubernetes: ${probe.stderr}`);
}

export interface Case {
  readonly case: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly trace?: string;
}

export interface ScriptRun {
  readonly code: number | null;
  readonly cases: readonly Case[];
  /** The script reached its end (it prints `{"done": true}` last). */
  readonly done: boolean;
  readonly stderr: string;
  readonly other: readonly string[];
}

/** Runs `test/clients/python/<script>` with `args`, KUBECONFIG set, killed after `timeoutMs`. */
export function runPython(script: string, args: readonly string[], kubeconfig: string, timeoutMs = 55_000): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(repoRoot, 'test', 'clients', 'python', script), ...args], {
      env: { ...process.env, KUBECONFIG: kubeconfig, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const cases: Case[] = [];
      const other: string[] = [];
      let done = false;
      for (const line of stdout.split('\n').filter((l) => l.trim() !== '')) {
        try {
          const rec = JSON.parse(line) as Partial<Case> & { done?: boolean };
          if (rec.done) done = true;
          else if (typeof rec.case === 'string') cases.push(rec as Case);
          else other.push(line);
        } catch {
          other.push(line);
        }
      }
      resolve({ code, cases, done, stderr, other });
    });
  });
}

/** Failed cases as readable lines (what an assertion shows when one fails). */
export function failures(run: ScriptRun): string[] {
  return run.cases.filter((c) => !c.ok).map((c) => `${c.case}: ${c.error ?? ''}\n${c.trace ?? ''}`);
}
