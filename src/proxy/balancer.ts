/**
 * Picks the endpoint for a new connection of one service port: round-robin over the ready
 * endpoints (successive connections spread evenly), with ClientIP session affinity pinning a
 * client address to its endpoint for `timeoutSeconds` after its last connection, as Kubernetes'
 * userspace proxy's round-robin load balancer does. Replacing the endpoint list takes effect for
 * the next pick; connections already open are not touched.
 */

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

export interface AffinityPolicy {
  /** `ClientIP` pins; anything else spreads every connection. */
  readonly sessionAffinity: 'ClientIP' | 'None';
  readonly timeoutSeconds: number;
}

export const endpointKey = (e: Endpoint): string => `${e.ip}:${e.port}`;

export class RoundRobinBalancer {
  private endpoints: readonly Endpoint[] = [];
  private next = 0;
  private readonly affinity = new Map<string, { endpoint: string; lastUsed: number }>();
  private affinityPolicy: AffinityPolicy = { sessionAffinity: 'None', timeoutSeconds: 10800 };
  private sweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.endpoints.length;
  }

  /** Whether `key` (`ip:port`) is still an endpoint (UDP sessions to one that left are closed). */
  has(key: string): boolean {
    return this.endpoints.some((e) => endpointKey(e) === key);
  }

  /** New endpoints (and policy). The rotation continues where it was; pins to endpoints that are
   * gone are dropped, so their clients move on at their next connection. */
  update(endpoints: readonly Endpoint[], policy: AffinityPolicy): void {
    const changedPolicy = policy.sessionAffinity !== this.affinityPolicy.sessionAffinity || policy.timeoutSeconds !== this.affinityPolicy.timeoutSeconds;
    this.endpoints = endpoints;
    this.affinityPolicy = policy;
    if (changedPolicy || policy.sessionAffinity !== 'ClientIP') this.affinity.clear();
    const live = new Set(endpoints.map(endpointKey));
    for (const [client, pin] of this.affinity) if (!live.has(pin.endpoint)) this.affinity.delete(client);
    if (this.next >= endpoints.length) this.next = 0;
  }

  /** The endpoint for a connection from `clientIP`; `skip` lists endpoints that just failed to
   * connect (the caller retries another); undefined when none is left. */
  pick(clientIP: string | undefined, skip?: ReadonlySet<string>): Endpoint | undefined {
    const eps = this.endpoints;
    if (eps.length === 0) return undefined;
    const pinning = this.affinityPolicy.sessionAffinity === 'ClientIP' && clientIP !== undefined;
    const now = this.now();
    if (pinning) {
      this.sweep(now);
      const pin = this.affinity.get(clientIP);
      if (pin && now - pin.lastUsed < this.affinityPolicy.timeoutSeconds * 1000 && !skip?.has(pin.endpoint)) {
        const ep = eps.find((e) => endpointKey(e) === pin.endpoint);
        if (ep) {
          pin.lastUsed = now;
          return ep;
        }
      }
    }
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[this.next % eps.length]!;
      this.next = (this.next + 1) % eps.length;
      if (skip?.has(endpointKey(ep))) continue;
      if (pinning) this.affinity.set(clientIP, { endpoint: endpointKey(ep), lastUsed: now });
      return ep;
    }
    return undefined;
  }

  /** Forgets expired pins now and then, so a service with many clients does not grow forever. */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    const ttl = this.affinityPolicy.timeoutSeconds * 1000;
    for (const [client, pin] of this.affinity) if (now - pin.lastUsed >= ttl) this.affinity.delete(client);
  }
}
