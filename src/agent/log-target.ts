/**
 * Where a container's logs are and which file `kubectl logs` means: the current run's, or with
 * `previous` the run before the last restart — or, in kubelet's words, why there is none.
 */
import path from 'node:path';
import type { Pod } from '../api/kinds.js';
import type { ContainerRecord } from './container-record.js';
import { podDir } from './volumes.js';

export type LogTarget = { file: string; ended: Promise<unknown> } | { error: string };

/** `<dataDir>/pods/<uid>/logs/<container>/<restart>.log`. */
export function containerLogPath(dataDir: string | undefined, pod: Pod, container: string, restart: number): string {
  return path.join(dataDir ? podDir(dataDir, pod) : `/sim/pods/${pod.metadata.uid ?? ''}`, 'logs', container, `${restart}.log`);
}

export function logTarget(dataDir: string | undefined, pod: Pod, records: ReadonlyMap<string, ContainerRecord>, container: string | undefined, previous: boolean): LogTarget {
  const podName = pod.metadata.name ?? '';
  const names = pod.spec.containers.map((c) => c.name);
  const inits = (pod.spec.initContainers ?? []).map((c) => c.name);
  const ephemeral = (pod.spec.ephemeralContainers ?? []).map((c) => c.name);
  const name = container || (names.length === 1 ? names[0] : undefined);
  if (!name) return { error: `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}` };
  const r = records.get(name);
  if (!r || !(names.includes(name) || inits.includes(name) || ephemeral.includes(name))) return { error: `container ${name} is not valid for pod ${podName}` };
  if (previous) {
    if (r.restartCount < 1) return { error: `previous terminated container "${name}" in pod "${podName}" not found` };
    return { file: containerLogPath(dataDir, pod, name, r.restartCount - 1), ended: Promise.resolve() };
  }
  if (!r.running && !r.last) return { error: `container "${name}" in pod "${podName}" is waiting to start: ${r.waiting?.reason ?? (inits.length ? 'PodInitializing' : 'ContainerCreating')}` };
  return { file: containerLogPath(dataDir, pod, name, r.restartCount), ended: r.running ? r.running.exited : Promise.resolve() };
}
