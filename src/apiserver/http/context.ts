/** Everything a request handler needs, built once at server start. */
import type { NodeDialer } from '../nodedial.js';
import type { MetricsApi } from '../metricsapi/index.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { RuntimeConfig } from '../runtimeconfig.js';
import type { Registry } from '../registry/registry.js';
import type { WatchCacheHub } from '../watchcache.js';

/** Answers a TokenRequest for `namespace/name` (`serviceaccounts/NAME/token`). */
export type TokenRequestHandler = (namespace: string, name: string, body: unknown) => Promise<Record<string, unknown>>;

/** Serves `pods/NAME/log` from the node that runs the pod (the node agent provides it). */
export type PodLogStreamer = (pod: KubeObject, query: URLSearchParams, req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface ApiContext {
  readonly runtime: RuntimeConfig;
  readonly hub: WatchCacheHub;
  registry(r: ResourceType): Registry;
  /** `host:port` clients reach this server at, for `/api` discovery. */
  readonly serverAddress: string;
  /** How often watches that allow bookmarks get one. */
  readonly bookmarkIntervalMs: number;
  podLogs?: PodLogStreamer;
  /** Requests to nodes' endpoints (logs, exec, port-forward, proxy). */
  nodeDialer?: NodeDialer;
  readonly tokenRequest?: TokenRequestHandler;
  /** metrics.k8s.io, read from the nodes (absent: the group answers 404). */
  readonly metricsApi?: MetricsApi;
  /** Throws ForbiddenError unless the request's user may approve requests for the CSR's signer
   * (`approve` on `certificates.k8s.io/signers`, as the CSR approval admission plugin checks). */
  readonly checkApprover?: (csr: KubeObject) => void;
}
