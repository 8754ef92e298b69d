/** The API server: store, watch cache, registries and the HTTPS listener, started and stopped as one. */
import http2 from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { ensurePrivateDir } from '../util/private-files.js';
import path from 'node:path';
import { kubeletLogStreamer } from './podlogs.js';
import { onUpgrade } from './http/upgrade.js';
import { nodeDialer } from './nodedial.js';
import { MetricsApi } from './metricsapi/index.js';
import { loadCa, type ClusterCa, type KeyAndCert } from './certs.js';
import { openStore, type Store } from '../storage/index.js';
import {
  resourceTypes, namespaces, nodes, roles, clusterRoles, roleBindings, clusterRoleBindings, type ResourceType,
} from '../api/resources.js';
import { AlreadyExistsError } from '../api/errors.js';
import { WatchCacheHub } from './watchcache.js';
import { Registry } from './registry/registry.js';
import { strategyFor } from './registry/strategies.js';
import { compileRuntimeConfig } from './runtimeconfig.js';
import { ensurePki } from './pki.js';
import { AuthChain, Authenticator, ensureTokens, runAsServer, tagConnection, type TokenEntry } from './auth/index.js';
import { adminCredentials, kubeletClientCredentials } from './admin-credentials.js';
import { approverCheck } from './auth/signer-approval.js';
import { claimHooks, defaultStorageClass, volumeHooks } from './volumes/index.js';
import { admitNodeTokenRequest, NodeAuthorizer, NodeGraph, nodeRestriction } from './auth/node/index.js';
import { RbacIndex } from './auth/rbac/index-cache.js';
import { RbacAuthorizer } from './auth/rbac/authorizer.js';
import { EscalationCheck } from './auth/rbac/escalation.js';
import { reconcileBootstrapPolicy } from './auth/rbac/reconcile.js';
import { ClusterRoleAggregator } from './auth/rbac/aggregation.js';
import type { WriteHooks } from './registry/registry.js';
import { ApiMetrics } from './metrics.js';
import { OpenApiDocs } from './http/openapi.js';
import { makeHandler, type VersionInfo } from './http/router.js';
import type { ApiContext, PodLogStreamer } from './http/context.js';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
import { createServiceAllocators, ServiceAllocationRepair } from './registry/allocator/index.js';
import { serviceWriteHooks } from './registry/core/services-alloc.js';
import { services } from '../api/resources.js';
import { logger, type Logger } from '../util/log.js';
import { compileLimits, MAX_HEADER_BYTES, MAX_HEADER_LIST_PAIRS, MAX_HEADER_LIST_SIZE, type ServingLimitOptions } from './http/limits.js';
import { InflightLimiter } from './http/inflight.js';
import { RequestDeadlines } from './http/deadlines.js';
import { IdleConnections } from './http/idle.js';
import { onClientError } from './http/clienterror.js';
import { onConnectMethod } from './http/connectmethod.js';
import { StoreHealth, type HealthCheck } from './http/health.js';
import { immortalNamespaces } from './http/immortal.js';
import { serviceAccountAuth, SERVICE_ACCOUNT_PLUGIN, type ServiceAccountAuth, type ServiceAccountOptions } from './auth/serviceaccount/index.js';
import { defaultAdvertiseAddress, KubernetesServiceReconciler, kubernetesServiceIP } from './kubernetes-service.js';
import { defaultServiceClusterIpRange } from './registry/allocator/index.js';
import { pods, endpoints, endpointSlices } from '../api/resources.js';
import { Auditor, type AuditOptions } from './audit/index.js';
import { CrdController, ServedCatalog } from './crd/index.js';
import { customResourceDefinitions, ingresses, ingressClasses } from '../api/resources.js';
import { defaultIngressClassHooks, skiffIngressClass } from './registry/networking/index.js';
import { UiSessions } from './ui/index.js';
import { persistentVolumeClaims, persistentVolumes, storageClasses } from '../api/resources.js';

export interface ApiServerOptions extends ServingLimitOptions, ServiceAccountOptions, AuditOptions {
  readonly dataDir: string;
  /** `host:port`; port 0 picks a free one. Default 127.0.0.1:6443. */
  readonly listen?: string;
  /** Store URL; default `sqlite://<dataDir>/state.db`. */
  readonly datastore?: string;
  readonly runtimeConfig?: string;
  readonly bookmarkIntervalMs?: number;
  /** Write `<dataDir>/kubeconfig` once serving (default true). */
  readonly writeKubeconfig?: boolean;
  /** `--service-cluster-ip-range`: the IPv4 CIDR services' cluster IPs come from (default
   * 127.10.0.0/16, on loopback so the process-mode proxy listens there without root). */
  readonly serviceClusterIpRange?: string;
  /** `--service-node-port-range` (default 30000-32767). */
  readonly serviceNodePortRange?: string;
  /** How often allocations of vanished services are freed after the pass at start (default 3 min). */
  readonly serviceAllocationRepairIntervalMs?: number;
  /** `--authorization-mode`: `RBAC` (default) or `AlwaysAllow` (every authenticated request is
   * allowed; for measuring what authorization costs, never for a real cluster). */
  readonly authorizationMode?: 'RBAC' | 'AlwaysAllow';
  /** `--disable-admission-plugins`: `ServiceAccount` turns off the pod defaulting and token
   * volume (tests of the bare API, which runs no service-account controller, do). */
  readonly disableAdmissionPlugins?: readonly string[];
  /** `--advertise-address`: where the `kubernetes` Service's Endpoints send pods (default the
   * listen address, or the host's first non-loopback IPv4 address when listening on all). */
  readonly advertiseAddress?: string;
  /** Keep the `kubernetes` Service and Endpoints in `default` (default true). */
  readonly kubernetesService?: boolean;
  /** Serve the web view at `/ui/` (default true). */
  readonly ui?: boolean;
  /** How long a web view session may go unused before it ends (default 8 h). */
  readonly uiSessionIdleMs?: number;
  /** Where the server logs (default the `apiserver` component logger). */
  readonly logger?: Logger;
}

/** The Kubernetes version skiff's API corresponds to (kubectl picks its client by the minor). */
export const KUBERNETES_VERSION = { major: '1', minor: '32', patch: '0' };

export function versionInfo(): VersionInfo {
  const v = `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}`;
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: `${v}+skiff`,
    gitCommit: 'skiff',
    gitTreeState: 'clean',
    buildDate: '2026-11-23T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export class ApiServer {
  private server: http2.Http2SecureServer | undefined;
  /** Open HTTP/2 sessions and HTTP/1.1 sockets, closed at stop so watches end. */
  private readonly connections = new Set<{ destroy(): void }>();
  private store: Store | undefined;
  private hub: WatchCacheHub | undefined;
  private ready = false;
  private readonly registries = new Map<ResourceType, Registry>();
  private podLogs: PodLogStreamer | undefined;
  private allocationRepair: ServiceAllocationRepair | undefined;
  private storeHealth: StoreHealth | undefined;
  private aggregator: ClusterRoleAggregator | undefined;
  private kubernetesService: KubernetesServiceReconciler | undefined;
  private serviceAccounts: ServiceAccountAuth | undefined;
  private audit: Auditor | undefined;
  private crdController: CrdController | undefined;
  /** `https://host:port` once listening. */
  url = '';
  caCert = '';
  tokens: TokenEntry[] = [];

  constructor(readonly options: ApiServerOptions) {}

  get adminToken(): string {
    return this.tokens.find((t) => t.role === 'admin')!.token;
  }

  /** Waits until aggregated ClusterRoles reflect every ClusterRole stored so far. */
  async rbacSettled(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await this.hub?.sync();
      if (!this.aggregator?.busy) return;
      await this.aggregator.settled();
    }
  }

  /** Signs service-account tokens (the token controller fills legacy token Secrets with it). */
  get serviceAccountAuth(): ServiceAccountAuth {
    if (!this.serviceAccounts) throw new Error('server not started');
    return this.serviceAccounts;
  }

  private ca: ClusterCa | undefined;

  /** The cluster CA with its key (the CSR signer issues from it). */
  get clusterCa(): ClusterCa {
    return (this.ca ??= loadCa(path.join(this.options.dataDir, 'pki')));
  }

  get joinToken(): string {
    return this.tokens.find((t) => t.role === 'node')!.token;
  }

  get kubeconfigPath(): string {
    return path.join(this.options.dataDir, 'kubeconfig');
  }

  /** Lets the node side serve `pods/NAME/log`. */
  setPodLogStreamer(fn: PodLogStreamer): void {
    this.podLogs = fn;
  }

  async start(): Promise<void> {
    const { dataDir } = this.options;
    const limits = compileLimits(this.options);
    const log = this.options.logger ?? logger('apiserver');
    // A policy that does not load stops the server before it serves anything.
    this.audit = Auditor.fromOptions(this.options);
    // Owner-only: it holds the state (every Secret), the CA's key and the tokens.
    ensurePrivateDir(dataDir);
    const runtime = compileRuntimeConfig(this.options.runtimeConfig);
    const [host, portText] = splitHostPort(this.options.listen ?? '127.0.0.1:6443');
    // The serving certificate also names the `kubernetes` Service's address, for pods.
    const serviceIP = kubernetesServiceIP(this.options.serviceClusterIpRange ?? defaultServiceClusterIpRange);
    const advertise = this.options.advertiseAddress ?? defaultAdvertiseAddress(host);
    const pki = ensurePki(path.join(dataDir, 'pki'), [host, serviceIP, advertise, 'kubernetes.default.svc.cluster.local']);
    this.caCert = pki.caCert;
    this.tokens = ensureTokens(path.join(dataDir, 'tokens.json'));
    this.store = await openStore(this.options.datastore ?? `sqlite://${path.join(dataDir, 'state.db')}`);
    this.hub = new WatchCacheHub(this.store, resourceTypes);
    await this.hub.start();
    const allocators = createServiceAllocators(this.store, {
      clusterIpRange: this.options.serviceClusterIpRange,
      nodePortRange: this.options.serviceNodePortRange,
    });
    const hub = this.hub;
    const rbac = new RbacAuthorizer(new RbacIndex({
      roles: hub.cacheFor(roles),
      clusterRoles: hub.cacheFor(clusterRoles),
      roleBindings: hub.cacheFor(roleBindings),
      clusterRoleBindings: hub.cacheFor(clusterRoleBindings),
    }));
    const escalation = new EscalationCheck(rbac);
    const sa = (this.serviceAccounts = serviceAccountAuth(dataDir, hub, (r) => this.registries.get(r)!, this.options));
    const admitServiceAccounts = !(this.options.disableAdmissionPlugins ?? []).includes(SERVICE_ACCOUNT_PLUGIN);
    const hooksFor = new Map<ResourceType, WriteHooks>([
      ...(admitServiceAccounts ? [[pods, sa.admission.hooks()] as const] : []),
      [services, serviceWriteHooks(allocators)],
      [ingresses, defaultIngressClassHooks(hub.cacheFor(ingressClasses))],
      [persistentVolumeClaims, claimHooks(hub.cacheFor(storageClasses))],
      [persistentVolumes, volumeHooks()],
      [roles, escalation.roleHooks('roles')],
      [clusterRoles, escalation.roleHooks('clusterroles')],
      [roleBindings, escalation.bindingHooks('rolebindings')],
      [clusterRoleBindings, escalation.bindingHooks('clusterrolebindings')],
    ]);
    for (const r of resourceTypes) {
      // NodeRestriction admission joins whatever hooks the resource has.
      const admit = nodeRestriction(r.plural, r.group);
      const hooks = admit ? { ...(hooksFor.get(r) ?? {}), admit } : hooksFor.get(r);
      this.registries.set(r, new Registry(strategyFor(r), this.store, this.hub, hooks));
    }
    this.allocationRepair = new ServiceAllocationRepair(this.store, allocators, this.options.serviceAllocationRepairIntervalMs);
    await this.allocationRepair.start();
    await this.bootstrap();
    await runAsServer(() => reconcileBootstrapPolicy(this.registries.get(clusterRoles)!, this.registries.get(clusterRoleBindings)!));
    this.aggregator = new ClusterRoleAggregator(this.registries.get(clusterRoles)!, log);
    runAsServer(() => this.aggregator!.start());
    await this.rbacSettled();
    const served = new ServedCatalog(runtime);
    this.crdController = new CrdController({
      store: this.store, hub: this.hub, crds: this.registries.get(customResourceDefinitions)!, catalog: served, registries: this.registries, log,
    });
    await runAsServer(() => this.crdController!.start());

    const pkiDir = path.join(dataDir, 'pki');
    let kubeletClient: KeyAndCert | undefined;
    const dialer = nodeDialer(() => this.registries.get(nodes)!, { ca: pki.caCert, client: () => (kubeletClient ??= kubeletClientCredentials(pkiDir)) });
    this.podLogs ??= kubeletLogStreamer(dialer);
    const self = this;
    const nodeAuthorizer = new NodeAuthorizer(new NodeGraph(hub.cacheFor(pods)));
    const auth = new AuthChain(new Authenticator(this.tokens), rbac, this.options.authorizationMode ?? 'RBAC', sa.authenticator, nodeAuthorizer);
    const ctx: ApiContext = {
      checkApprover: approverCheck((a) => auth.authorize(a).allowed),
      nodeDialer: dialer,
      metricsApi: new MetricsApi(dialer, (r) => this.registries.get(r)!),
      runtime: served,
      hub: this.hub,
      registry: (r) => this.registries.get(r)!,
      get serverAddress() {
        // Empty once the server stopped listening (a request still in flight then).
        return self.url ? new URL(self.url).host : '';
      },
      bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 60_000,
      get podLogs() {
        return self.podLogs;
      },
      tokenRequest: async (namespace, name, body) => {
        await admitNodeTokenRequest(name, body, (pod) => this.registries.get(pods)!.get(namespace, pod).catch(() => undefined));
        return sa.tokenRequests.create(namespace, name, body);
      },
    };
    const storeHealth = (this.storeHealth = new StoreHealth(this.store, log));
    const ping: HealthCheck = { name: 'ping', run: () => undefined };
    const etcd: HealthCheck = { name: 'etcd', run: async () => ((await storeHealth.check()) ? undefined : 'the datastore does not answer') };
    const handler = makeHandler({
      ctx,
      auth,
      metrics: new ApiMetrics(),
      openapi: new OpenApiDocs(runtime),
      version: versionInfo(),
      limits,
      inflight: new InflightLimiter(limits.maxRequestsInflight, limits.maxMutatingRequestsInflight, limits.maxWatchesPerClient),
      deadlines: new RequestDeadlines(limits.requestTimeoutMs),
      readiness: [ping, etcd, { name: 'shutdown', run: () => (this.ready ? undefined : 'the server is not serving') }],
      liveness: [ping, etcd],
      onUnavailable: () => storeHealth.suspect(),
      log,
      ...(this.audit ? { audit: this.audit } : {}),
      ...(this.options.ui !== false ? { ui: new UiSessions({ ...(this.options.uiSessionIdleMs ? { idleMs: this.options.uiSessionIdleMs } : {}) }) } : {}),
    });
    const idle = new IdleConnections(limits.idleConnectionTimeoutMs);
    // HTTP/2 as kubectl and client-go prefer it (one connection multiplexes every request and
    // watch), and HTTP/1.1 for everyone else, on one port. A TLS handshake gets no longer than an
    // idle connection.
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      idle.track(req, (listener) => res.once('close', listener));
      handler(req, res);
    };
    this.server = http2.createSecureServer(
      {
        cert: pki.cert,
        key: pki.key,
        // Client certificates are asked for and checked against the cluster CA; one that does not
        // verify is not refused here (bearer tokens may still authenticate the request), it just
        // names no one.
        requestCert: true,
        rejectUnauthorized: false,
        ca: pki.caCert,
        allowHTTP1: true,
        settings: { maxConcurrentStreams: 1000, maxHeaderListSize: MAX_HEADER_LIST_SIZE },
        // Go bounds a header list by its size only; Node also by its count (default 128), which
        // would refuse streams kube-apiserver serves. As many as fit in the size limit.
        maxHeaderListPairs: MAX_HEADER_LIST_PAIRS,
        handshakeTimeout: limits.idleConnectionTimeoutMs,
      },
      (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => onRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse),
    );
    // The HTTP/1.1 fallback reads the server's `maxHeaderSize` (Node's default is 16 KiB).
    (this.server as unknown as { maxHeaderSize: number }).maxHeaderSize = MAX_HEADER_BYTES;
    this.server.on('session', (session: http2.ServerHttp2Session) => {
      this.connections.add(session);
      idle.add(session, () => session.destroy());
      session.on('error', () => undefined);
      session.on('close', () => {
        this.connections.delete(session);
        idle.remove(session);
      });
    });
    this.server.on('secureConnection', (socket: Socket) => {
      tagConnection(socket as TLSSocket);
      if ((socket as Socket & { alpnProtocol?: string | false }).alpnProtocol === 'h2') return;
      this.connections.add(socket);
      idle.add(socket, () => socket.destroy());
      socket.on('close', () => {
        this.connections.delete(socket);
        idle.remove(socket);
      });
    });
    // Parser-level rejections of HTTP/1.1 requests get a Status too.
    this.server.on('clientError', onClientError);
    // CONNECT gets the answer any method without a route gets (Node would drop it unanswered).
    this.server.on('connect', onConnectMethod(onRequest));
    // Upgrades (exec's WebSocket) run through the same handler with the socket at hand.
    this.server.on('upgrade', onUpgrade(onRequest));
    // A failed or timed-out TLS handshake (nothing HTTP can answer): the connection goes.
    this.server.on('tlsClientError', (_err: Error, socket: { destroy(): void }) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(Number(portText), host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `https://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${addr.port}`;
    if (this.options.kubernetesService !== false) {
      this.kubernetesService = new KubernetesServiceReconciler({
        services: this.registries.get(services)!,
        endpoints: this.registries.get(endpoints)!,
        slices: this.registries.get(endpointSlices)!,
        clusterIP: serviceIP,
        advertiseAddress: advertise,
        port: addr.port,
        log,
      });
      await this.kubernetesService.start();
    }
    this.ready = true;
    if (this.options.writeKubeconfig !== false) {
      writeKubeconfig(this.kubeconfigPath, kubeconfigYaml(this.url, this.caCert, adminCredentials(path.join(dataDir, 'pki'))));
    }
  }

  /** The registry of a resource, for in-process components (tests, `skiff up`). */
  registry(r: ResourceType): Registry {
    const reg = this.registries.get(r);
    if (!reg) throw new Error('server not started');
    return reg;
  }

  private async bootstrap(): Promise<void> {
    const reg = this.registries.get(namespaces)!;
    for (const name of immortalNamespaces) {
      try {
        await reg.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
    }
    // The built-in ingress controller's class, default for Ingresses that name none.
    try {
      await this.registries.get(ingressClasses)!.create(skiffIngressClass());
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
    // The default class is an addon kept in existence, as Kubernetes' addon manager does.
    try {
      await this.registries.get(storageClasses)!.create(defaultStorageClass());
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.crdController?.stop();
    await this.kubernetesService?.stop();
    this.kubernetesService = undefined;
    if (this.server) {
      const s = this.server;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        for (const c of this.connections) c.destroy();
      });
      this.server = undefined;
    }
    this.allocationRepair?.stop();
    this.aggregator?.stop();
    this.storeHealth?.stop();
    this.hub?.stop();
    await this.store?.close();
    this.store = undefined;
    await this.audit?.close();
    this.audit = undefined;
  }

  /** Resolves once every audit event so far is written (tests read the log after it). */
  async flushAudit(): Promise<void> {
    await this.audit?.flush();
  }
}

export function splitHostPort(hostPort: string): [string, string] {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(hostPort);
  if (!m) throw new Error(`--listen must be HOST:PORT, got "${hostPort}"`);
  return [m[1] || '0.0.0.0', m[2]!];
}
