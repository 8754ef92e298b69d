/**
 * What the process runtime writes down so that an agent started again can find its pods'
 * sandboxes and containers (containerd keeps the same in its metadata store). One JSON file per
 * sandbox and per container, in the directories the runtime already keeps for them:
 * `<dataDir>/containers/<pod uid>/sandbox.json` and `…/<container>/run.json`, each replaced
 * atomically (write, then rename), so a crash leaves the old record or the new one.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sandbox } from '../runtime.js';

export interface RunRecord {
  readonly id: string;
  readonly name: string;
  /** The group leader (and group id). */
  readonly pid: number;
  /** Its start time in clock ticks since boot (/proc/PID/stat field 22): a PID reused by
   * another program after a reboot or wrap-around does not match. */
  readonly pidStart: string;
  readonly imageId: string;
  readonly startedAt: string;
  readonly attempt: number;
  readonly logPath: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly mountNamespace: boolean;
  readonly stopSignal?: NodeJS.Signals;
  /** Who the program runs as, when not as skiff (exec runs as it too). */
  readonly runAs?: { readonly uid: number; readonly gid: number; readonly groups: readonly number[] };
}

export interface SavedSandbox {
  readonly sandbox: Sandbox;
  readonly runs: RunRecord[];
}

/** A container's files: its FIFOs and the exit-code file its leader writes. */
export function containerFiles(dir: string): { stdoutPath: string; stderrPath: string; exitPath: string; runPath: string } {
  return {
    stdoutPath: path.join(dir, 'stdout.fifo'),
    stderrPath: path.join(dir, 'stderr.fifo'),
    exitPath: path.join(dir, 'exit-code'),
    runPath: path.join(dir, 'run.json'),
  };
}

function writeAtomically(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  // Owner-only: a run record holds the container's environment (Secrets' values among it).
  writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
  renameSync(tmp, file);
}

export function saveSandbox(podDir: string, sandbox: Sandbox): void {
  writeAtomically(path.join(podDir, 'sandbox.json'), sandbox);
}

export function saveRun(containerDir: string, run: RunRecord): void {
  writeAtomically(containerFiles(containerDir).runPath, run);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Every sandbox recorded under `containersDir`, with its containers' last runs. */
export function loadSandboxes(containersDir: string): SavedSandbox[] {
  let pods: string[];
  try {
    pods = readdirSync(containersDir);
  } catch {
    return [];
  }
  const saved: SavedSandbox[] = [];
  for (const uid of pods) {
    const podDir = path.join(containersDir, uid);
    const sandbox = readJson<Sandbox>(path.join(podDir, 'sandbox.json'));
    if (!sandbox) continue;
    const runs: RunRecord[] = [];
    for (const entry of readdirSync(podDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const run = readJson<RunRecord>(containerFiles(path.join(podDir, entry.name)).runPath);
      if (run) runs.push(run);
    }
    saved.push({ sandbox, runs });
  }
  return saved;
}
