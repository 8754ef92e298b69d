/**
 * Shared fixtures for the workload controller tests: pods in any state for the pure policies, and
 * for the integration tests a running controller on a real in-process API server plus the writes a
 * node agent would make (binding, status).
 */
import type { Pod, Condition } from '../../src/api/kinds.js';
import type { KubeObject, OwnerReference } from '../../src/api/types.js';
import { events as eventsResource, pods as podsResource } from '../../src/api/resources.js';
import type { RestClient } from '../../src/client/rest.js';
import type { Controller, ControllerContext } from '../../src/controllers/controller.js';
import type { TestCluster } from '../helpers/cluster.js';

export interface PodState {
  readonly labels?: Record<string, string>;
  readonly node?: string;
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly ready?: boolean;
  /** Seconds since the Ready condition turned True. */
  readonly readyFor?: number;
  /** Seconds since creation. */
  readonly age?: number;
  readonly restarts?: number;
  readonly owner?: OwnerReference;
  readonly deleting?: boolean;
  readonly annotations?: Record<string, string>;
  readonly namespace?: string;
}

const base = Date.parse('2026-01-01T00:00:00Z');

/** A cached-looking pod for the pure policies. */
export function pod(name: string, s: PodState = {}): Pod {
  const iso = (agoSeconds: number): string => new Date(base - agoSeconds * 1000).toISOString();
  const conditions: Condition[] = s.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: iso(s.readyFor ?? 0) }] : [];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: s.namespace ?? 'default',
      uid: `uid-${name}`,
      resourceVersion: '1',
      creationTimestamp: iso(s.age ?? 0),
      ...(s.labels ? { labels: s.labels } : {}),
      ...(s.annotations ? { annotations: s.annotations } : {}),
      ...(s.owner ? { ownerReferences: [s.owner] } : {}),
      ...(s.deleting ? { deletionTimestamp: iso(0) } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...(s.node ? { nodeName: s.node } : {}) },
    status: {
      phase: s.phase ?? 'Pending',
      conditions,
      containerStatuses: [{ name: 'app', ready: Boolean(s.ready), restartCount: s.restarts ?? 0, image: 'busybox', imageID: '' }],
    },
  };
}

/** "now" for pods built by {@link pod}. */
export const podNow = base;

export function ref(kind: string, name: string, uid = `uid-${name}`, apiVersion = 'v1'): OwnerReference {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export interface Running {
  readonly ctx: ControllerContext;
  readonly controller: Controller;
  stop(): Promise<void>;
}

/** Starts `make(ctx)` on its own informer factory, as the controller manager would. */
export async function runController(cluster: TestCluster, make: (ctx: ControllerContext) => Controller): Promise<Running> {
  const ctx = cluster.context('controller-manager');
  const controller = make(ctx);
  const done = controller.start();
  await ctx.informers.start();
  return {
    ctx,
    controller,
    async stop() {
      controller.stop();
      await done;
      ctx.informers.stop();
    },
  };
}

export async function listPods(client: RestClient, namespace: string, labelSelector?: string): Promise<Pod[]> {
  const list = await client.list<Pod>(podsResource, namespace, labelSelector ? { labelSelector } : {});
  return list.items;
}

/** Active pods (not being deleted), sorted by name. */
export async function livePods(client: RestClient, namespace: string, labelSelector?: string): Promise<Pod[]> {
  return (await listPods(client, namespace, labelSelector)).filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** What a node agent reports: binds the pod to `node` (when given and not bound) and writes its status. */
export async function actAsNode(client: RestClient, p: Pod, status: { phase: NonNullable<Pod['status']>['phase']; ready?: boolean; restarts?: number; exitCode?: number }, node?: string): Promise<void> {
  const ns = p.metadata.namespace ?? 'default';
  const name = p.metadata.name ?? '';
  if (node && !p.spec.nodeName) {
    await client.post(podsResource, ns, name, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns }, target: { kind: 'Node', name: node } });
  }
  const fresh = await client.get<Pod>(podsResource, ns, name);
  const now = new Date().toISOString();
  const terminated = status.phase === 'Succeeded' || status.phase === 'Failed';
  fresh.status = {
    ...fresh.status,
    phase: status.phase,
    conditions: [{ type: 'Ready', status: status.ready ? 'True' : 'False', lastTransitionTime: now }],
    containerStatuses: fresh.spec.containers.map((c) => ({
      name: c.name,
      ready: Boolean(status.ready),
      restartCount: status.restarts ?? 0,
      image: c.image ?? '',
      imageID: '',
      state: terminated ? { terminated: { exitCode: status.exitCode ?? (status.phase === 'Succeeded' ? 0 : 1) } } : { running: { startedAt: now } },
    })),
  };
  await client.update(podsResource, fresh, 'status');
}

/** `reason: message` of the Events about `obj`, oldest first. */
export async function eventsFor(client: RestClient, obj: KubeObject): Promise<string[]> {
  const list = await client.list(eventsResource, obj.metadata.namespace);
  return list.items
    .filter((e) => (e['involvedObject'] as { uid?: string } | undefined)?.uid === obj.metadata.uid)
    .sort((a, b) => String(a['firstTimestamp']).localeCompare(String(b['firstTimestamp'])))
    .map((e) => `${String(e['reason'])}: ${String(e['message'])}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
