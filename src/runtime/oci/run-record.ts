/**
 * What an agent started again needs to know about a container it did not start: written into
 * the bundle as `run.json` once the container runs, read back by `OciRuntime.recover`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LeaderRecord } from './container.js';
import type { RootfsKind } from './rootfs.js';

export interface RunRecord extends LeaderRecord {
  /** runc's container id (the runtime's id is `oci://` + this). */
  readonly runcId: string;
  readonly name: string;
  readonly attempt: number;
  readonly imageRef: string;
  readonly imageId: string;
  readonly startedAt: string;
  readonly logPath: string;
  readonly cgroupDir: string;
  readonly memoryLimit?: number;
  readonly rootfsKind: RootfsKind;
  readonly stopSignal?: string;
}

export function saveRun(bundle: string, run: RunRecord): void {
  writeFileSync(path.join(bundle, 'run.json'), JSON.stringify(run), { mode: 0o600 });
}

export function loadRun(bundle: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(bundle, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}
