/**
 * The node agent: registers its Node, heartbeats by Lease, keeps posting node status, and runs
 * a worker per pod bound to it. The same code drives a real node (process or oci runtime) and
 * each of `skiff sim`'s simulated nodes (fake runtime); only the runtime and the feed differ.
 */
import { LOCAL_PATH_ROOT_ANNOTATION, type ConfigMap, type Node, type Pod, type Secret, type Service } from '../api/kinds.js';
import { configMaps, nodes as nodesResource, secrets, serviceAccounts, services } from '../api/resources.js';
import { ApiError } from '../api/errors.js';
import type { RestClient } from '../client/rest.js';
import type { EventRecorder } from '../client/events.js';
import type { Logger } from '../util/log.js';
import type { RecoveredSandbox, Runtime } from '../runtime/runtime.js';
import type { AgentEvents, AgentFeed } from './podfeed.js';
import { nodeObject, nodeStatus, type NodeIdentity } from './node-object.js';
import { renewNodeLease } from './lease.js';
import { agentInstance, agentInstanceAnnotation, checkNodeClaim } from './node-claim.js';
import { claimDirectory, localPathRoot, sweepLocalVolumes } from './local-volumes.js';
import { PodWorker, type WorkerHost } from './pod-worker.js';
import { backoff } from './container-record.js';
import type { IssuedToken } from './projected.js';
import { serviceEnv } from './service-env.js';

export interface NodeAgentOptions {
  readonly client: RestClient;
  readonly runtime: Runtime;
  readonly feed: AgentFeed;
  readonly identity: Omit<NodeIdentity, 'runtimeVersion'>;
  readonly log: Logger;
  /** Lease renewal period (kubelet: 10 s). */
  readonly leaseRenewSeconds?: number;
  /** Node status is re-posted this often even when nothing changed (kubelet: 5 min). */
  readonly statusReportSeconds?: number;
  readonly restartBackoffMs?: number;
  /** Where pods' volumes and logs live (none for simulated nodes). */
  readonly dataDir?: string;
  /** kubelet's Events about pods (none for simulated nodes, whose scale they would swamp). */
  readonly recorder?: EventRecorder;
  /** Taking a deleted pod out of service before its stop signal (see WorkerHost.drain). */
  readonly drain?: (pod: Pod) => Promise<void>;
}

function withAnnotations(node: Node, annotations: Record<string, string> | undefined): Node {
  return annotations ? { ...node, metadata: { ...node.metadata, annotations: { ...(node.metadata.annotations ?? {}), ...annotations } } } : node;
}

/** A ConfigMap's data, or a Secret's decoded; undefined when the object does not exist. */
async function lookupData(client: RestClient, namespace: string, kind: 'ConfigMap' | 'Secret', name: string): Promise<Record<string, string> | undefined> {
  try {
    if (kind === 'ConfigMap') {
      const cm = await client.get<ConfigMap>(configMaps, namespace, name);
      return { ...(cm.data ?? {}) };
    }
    const secret = await client.get<Secret>(secrets, namespace, name);
    const decoded: Record<string, string> = {};
    for (const [k, v] of Object.entries(secret.data ?? {})) decoded[k] = Buffer.from(v, 'base64').toString('utf8');
    return { ...decoded, ...(secret.stringData ?? {}) };
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

/** TokenRequest for the pod's account, bound to the pod (what kubelet's token manager asks). */
async function requestPodToken(client: RestClient, pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<IssuedToken> {
  const answer = await client.post(serviceAccounts, pod.metadata.namespace, pod.spec.serviceAccountName || 'default', 'token', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {
      ...(audience ? { audiences: [audience] } : {}),
      expirationSeconds,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
    },
  }) as { status?: Partial<IssuedToken> };
  return { token: answer.status?.token ?? '', expirationTimestamp: answer.status?.expirationTimestamp ?? '' };
}

/** The pod's namespace's services (with service links on) and the `kubernetes` Service. */
async function podServiceEnv(client: RestClient, pod: Pod): Promise<Map<string, string>> {
  const found: Service[] = [];
  if (pod.spec.enableServiceLinks ?? true) found.push(...(await client.list<Service>(services, pod.metadata.namespace ?? 'default')).items);
  if (pod.metadata.namespace !== 'default' || !(pod.spec.enableServiceLinks ?? true)) {
    try {
      found.push(await client.get<Service>(services, 'default', 'kubernetes'));
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  return serviceEnv(pod, found);
}

export class NodeAgent implements AgentEvents {
  private readonly workers = new Map<string, PodWorker>();
  private readonly identity: NodeIdentity;
  private readonly host: WorkerHost;
  private nodeUid: string | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private heartbeatFailing = false;
  /** Sandboxes an earlier agent left, by pod uid, until their pod's worker takes them. */
  private recovered = new Map<string, RecoveredSandbox>();

  constructor(private readonly opts: NodeAgentOptions) {
    this.identity = { ...opts.identity, runtimeVersion: `${opts.runtime.name}://${opts.runtime.version}` };
    this.host = {
      client: opts.client,
      runtime: opts.runtime,
      nodeName: opts.identity.name,
      hostIP: opts.identity.address,
      log: opts.log,
      restartBackoffMs: opts.restartBackoffMs ?? backoff.initialMs,
      dataDir: opts.dataDir,
      ...(opts.recorder ? { recorder: opts.recorder } : {}),
      ...(opts.drain ? { drain: opts.drain } : {}),
      lookupData: (ns, kind, name) => lookupData(opts.client, ns, kind, name),
      claimDirectory: (ns, volume, claim, create) => claimDirectory(opts.client, ns, volume, claim, create),
      // Simulated nodes (no data dir) write no volumes and start no processes.
      ...(opts.dataDir ? {
        requestToken: (pod: Pod, audience: string | undefined, seconds: number) => requestPodToken(opts.client, pod, audience, seconds),
        serviceEnv: (pod: Pod) => podServiceEnv(opts.client, pod),
      } : {}),
      workerDone: (uid) => this.workers.delete(uid),
    };
  }

  get nodeName(): string {
    return this.identity.name;
  }

  get podCount(): number {
    return this.workers.size;
  }

  /** Registers the node, starts heartbeats, and takes over the pods already bound to it. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.register();
    await renewNodeLease(this.opts.client, this.identity.name, this.nodeUid);
    const renewMs = (this.opts.leaseRenewSeconds ?? 10) * 1000;
    // Spread many simulated nodes' heartbeats over the period instead of all at once.
    this.leaseTimer = setTimeout(() => this.heartbeat(renewMs), Math.random() * renewMs);
    const reportMs = (this.opts.statusReportSeconds ?? 300) * 1000;
    this.statusTimer = setInterval(() => void this.postStatus().catch(() => undefined), reportMs);
    const dataDir = this.opts.dataDir;
    if (dataDir) {
      // Reclaim Delete: the directories of deleted local-path volumes go (the PV controller deleted
      // the volume; only this node can remove its data).
      const sweep = (): void => void sweepLocalVolumes(this.opts.client, dataDir)
        .then((gone) => { if (gone.length) this.opts.log.info({ node: this.identity.name, volumes: gone }, 'removed the directories of deleted volumes'); })
        .catch((err: unknown) => this.opts.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'local volume sweep failed'));
      this.sweepTimer = setInterval(sweep, 3000);
      this.sweepTimer.unref();
    }
    if (this.opts.runtime.setPodCIDR) this.opts.runtime.setPodCIDR(await this.podCIDR());
    const left = (await this.opts.runtime.recover?.()) ?? [];
    this.recovered = new Map(left.map((r) => [r.sandbox.podUid, r]));
    for (const pod of this.opts.feed.attach(this.identity.name, this)) this.podChanged(pod);
    // What is left belongs to pods deleted while no agent ran: it goes.
    const orphans = [...this.recovered.values()];
    this.recovered.clear();
    if (orphans.length) this.opts.log.info({ node: this.identity.name, pods: orphans.length }, 'removing containers of pods deleted while the agent was away');
    await Promise.all(orphans.map((o) => this.removeOrphan(o)));
  }

  /** The node's pod CIDR once the server's node IPAM has allocated it (kubelet waits the same). */
  private async podCIDR(): Promise<string> {
    for (let waited = 0; ; waited += 250) {
      const node = await this.opts.client.get<Node>(nodesResource, undefined, this.identity.name);
      const cidr = node.spec?.podCIDR;
      if (cidr) return cidr;
      if (waited === 10_000) this.opts.log.warn({ node: this.identity.name }, 'still waiting for the server to allocate a pod CIDR (is --cluster-cidr set and the controller manager running?)');
      if (this.stopped) throw new Error('agent stopped while waiting for a pod CIDR');
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** kubelet's minimum grace (2 s) for containers whose pod is gone from the API. */
  private async removeOrphan(orphan: RecoveredSandbox): Promise<void> {
    await Promise.all(orphan.containers.map((c) => this.opts.runtime.stopContainer(c.run.id, 2)));
    await this.opts.runtime.removeSandbox(orphan.sandbox);
  }

  private heartbeat(renewMs: number): void {
    if (this.stopped) return;
    renewNodeLease(this.opts.client, this.identity.name, this.nodeUid)
      .then(async () => {
        if (this.heartbeatFailing) {
          // Cut off for a while: the lifecycle controller may have marked us Unknown.
          this.heartbeatFailing = false;
          await this.postStatus();
        }
      })
      .catch((err: unknown) => {
        this.heartbeatFailing = true;
        this.opts.log.warn({ node: this.identity.name, err: String(err) }, 'lease renewal failed');
      })
      .finally(() => {
        if (!this.stopped) this.leaseTimer = setTimeout(() => this.heartbeat(renewMs), renewMs);
      });
  }

  private async register(): Promise<void> {
    const instance = this.opts.dataDir ? agentInstance(this.opts.dataDir) : undefined;
    if (instance) await checkNodeClaim(this.opts.client, this.identity.name, instance);
    const annotations = instance && this.opts.dataDir
      ? { [agentInstanceAnnotation]: instance, [LOCAL_PATH_ROOT_ANNOTATION]: localPathRoot(this.opts.dataDir) }
      : undefined;
    try {
      const created = await this.opts.client.create<Node>(nodesResource, withAnnotations(nodeObject(this.identity), annotations));
      this.nodeUid = created.metadata.uid;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      // Registered before (an agent restart): refresh labels and status on the existing Node.
      const want = nodeObject(this.identity);
      const node = await this.opts.client.patch<Node>(nodesResource, undefined, this.identity.name, { metadata: { labels: want.metadata.labels, ...(annotations ? { annotations } : {}) } });
      this.nodeUid = node.metadata.uid;
      await this.postStatus(node);
    }
  }

  private async postStatus(current?: Node): Promise<void> {
    const status = nodeStatus(this.identity, current?.status?.conditions);
    await this.opts.client.patch(nodesResource, undefined, this.identity.name, { status }, 'merge', 'status');
  }

  podChanged(pod: Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata.uid ?? '';
    const w = this.workers.get(uid);
    if (w) w.update(pod);
    else {
      const recovered = this.recovered.get(uid);
      this.recovered.delete(uid);
      const worker = new PodWorker(this.host, pod, recovered);
      this.workers.set(uid, worker);
      worker.update(pod);
    }
  }

  podDeleted(pod: Pod): void {
    this.workers.get(pod.metadata.uid ?? '')?.podDeleted();
  }

  nodeChanged(node: Node): void {
    if (this.stopped) return;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    // Someone else (the lifecycle controller) says we are not ready while we run: say otherwise.
    if (ready && ready.status !== 'True') void this.postStatus(node).catch(() => undefined);
  }

  /** The log file of a container of one of this node's pods (see PodWorker.logTarget). */
  logTarget(namespace: string, name: string, container: string | undefined, previous: boolean): { file: string; ended: Promise<unknown> } | { error: string; notFound?: boolean } {
    for (const w of this.workers.values()) if (w.podKey === `${namespace}/${name}`) return w.logTarget(container, previous);
    return { error: `pod "${name}" in namespace "${namespace}" is not running on node ${this.identity.name}`, notFound: true };
  }

  /** The runtime and container a `kubectl exec` enters (see PodWorker.execTarget). */
  execTarget(namespace: string, name: string, container: string | undefined): { runtime: Runtime; containerId: string } | { error: string; notFound?: boolean } {
    for (const w of this.workers.values()) {
      if (w.podKey !== `${namespace}/${name}`) continue;
      const t = w.execTarget(container);
      return 'error' in t ? t : { runtime: this.opts.runtime, containerId: t.containerId };
    }
    return { error: `pod "${name}" in namespace "${namespace}" is not running on node ${this.identity.name}`, notFound: true };
  }

  /** This node's pods with running containers, for the metrics collector. */
  runningPods(): ReturnType<PodWorker['runningContainers']>[] {
    return [...this.workers.values()].map((w) => w.runningContainers()).filter((p) => p.containers.length > 0);
  }

  /** The runtime, for the metrics collector. */
  get runtime(): Runtime {
    return this.opts.runtime;
  }

  /** The address `kubectl port-forward` connects to (see PodWorker.forwardTarget). */
  forwardTarget(namespace: string, name: string): { ip: string; uid: string } | { error: string; notFound?: boolean } {
    for (const w of this.workers.values()) if (w.podKey === `${namespace}/${name}`) return w.forwardTarget();
    return { error: `pod not found ("${name}_${namespace}")`, notFound: true };
  }

  /** Stops heartbeats and pod workers (their containers are stopped; API objects stay). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.opts.feed.detach(this.identity.name);
    await Promise.all([...this.workers.values()].map((w) => w.shutdown()));
    this.workers.clear();
  }
}
