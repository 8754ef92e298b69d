/** What a pod worker needs from its agent: the API, the runtime, the node's identity and data
 * dir, and the agent-wide hooks (drain before stop, the event recorder). */
import type { Pod } from '../api/kinds.js';
import type { EventRecorder } from '../client/events.js';
import type { RestClient } from '../client/rest.js';
import type { Logger } from '../util/log.js';
import type { Runtime } from '../runtime/runtime.js';
import type { IssuedToken } from './projected.js';

export interface WorkerHost {
  readonly client: RestClient;
  readonly runtime: Runtime;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly log: Logger;
  /** Back-off before the first restart of a crashed container (tests shorten it). */
  readonly restartBackoffMs: number;
  /** Where pods' volumes and logs live; undefined on simulated nodes (nothing touches disk). */
  readonly dataDir: string | undefined;
  /** A ConfigMap's or Secret's data in the pod's namespace (Secret values decoded). */
  lookupData(namespace: string, kind: 'ConfigMap' | 'Secret', name: string): Promise<Record<string, string> | undefined>;
  /** The host directory of a bound claim's volume (made on real nodes). */
  claimDirectory(namespace: string, volume: string, claimName: string, create: boolean): Promise<string>;
  /** A service-account token for the pod's account bound to the pod (TokenRequest); none on
   * simulated nodes. */
  requestToken?(pod: Pod, audience: string | undefined, expirationSeconds: number): Promise<IssuedToken>;
  /** The service variables of the pod's containers (service-env.ts); none on simulated nodes. */
  serviceEnv?(pod: Pod): Promise<Map<string, string>>;
  workerDone(uid: string): void;
  /** Resolves once services no longer send the pod new connections (see proxy/drain.ts);
   * terminating pods wait for it, within their grace period, before their stop signal. */
  drain?(pod: Pod): Promise<void>;
  /** kubelet's Events (Started, Killing, Unhealthy, BackOff); none on simulated nodes. */
  readonly recorder?: EventRecorder;
}
