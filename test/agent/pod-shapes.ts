/** Pods and container records by shape, for the agent's pure rules: which containers a pod has
 * (init, sidecar, regular) and how far each has got. */
import type { Pod } from '../../src/api/kinds.js';
import { newRecord, type ContainerRecord } from '../../src/agent/container-record.js';
import { podBuilder, containerBuilder } from '../helpers/builders.js';

/** waiting: never started; starting: running, startup probe not passed; a number: exited with
 * that code. */
export type Run = 'waiting' | 'running' | 'starting' | number;

export interface Shape {
  readonly policy: string;
  readonly inits?: Readonly<Record<string, Run>>;
  readonly sidecars?: Readonly<Record<string, Run>>;
  readonly regular: Readonly<Record<string, Run>>;
}

export function shapePod(s: Shape): Pod {
  const b = podBuilder(`p-${Math.random().toString(36).slice(2, 7)}`).restartPolicy(s.policy).noContainers();
  for (const n of Object.keys(s.inits ?? {})) b.initContainer(containerBuilder(n));
  for (const n of Object.keys(s.sidecars ?? {})) b.initContainer(containerBuilder(n).set('restartPolicy', 'Always'));
  for (const n of Object.keys(s.regular)) b.container(containerBuilder(n));
  return b.build() as Pod;
}

export function shapeRecords(s: Shape): Map<string, ContainerRecord> {
  const m = new Map<string, ContainerRecord>();
  const t0 = new Date('2026-01-01T00:00:00Z');
  for (const [name, run] of Object.entries({ ...s.inits, ...s.sidecars, ...s.regular })) {
    const r = newRecord(name);
    if (run === 'running' || run === 'starting') {
      r.running = { id: `c-${name}`, name, imageId: 'img', startedAt: t0, exited: new Promise(() => undefined) };
      r.ready = run === 'running';
      r.started = run === 'running';
    } else if (typeof run === 'number') {
      r.last = { id: `c-${name}`, startedAt: t0, exit: { exitCode: run, reason: run === 0 ? 'Completed' : 'Error', finishedAt: new Date('2026-01-01T00:00:05Z') } };
    }
    m.set(name, r);
  }
  return m;
}

