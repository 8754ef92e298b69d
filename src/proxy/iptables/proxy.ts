/**
 * The service proxy, iptables mode: instead of listening, it programs the kernel (kube-proxy's
 * iptables design, see rules.ts) so packets to a service are DNATed to an endpoint without ever
 * reaching this process. It follows Services and EndpointSlices through shared informers like the
 * userspace proxy; a burst of changes is coalesced into at most one `iptables-restore` per
 * `minSyncPeriodMs`, and each restore rewrites only the chains whose rules changed. `stop()`
 * takes every skiff rule and chain out again.
 */
import type { EndpointSlice, Service } from '../../api/kinds.js';
import { services as servicesResource } from '../../api/resources.js';
import type { InformerFactory } from '../../client/factory.js';
import type { Informer } from '../../client/informer.js';
import { byService, sliceInformer } from '../slices.js';
import { keyOf } from '../../client/informer.js';
import type { Logger } from '../../util/log.js';
import { jumps, tables, type Table } from './chains.js';
import { commandRunner, iptables, IptablesError, iptablesRestore, iptablesSave, type Runner } from './exec.js';
import { deleteText, restoreText, skiffChainsIn, type ChainNames } from './restore.js';
import { buildRuleSet, type RuleSet } from './rules.js';

export interface IptablesProxyOptions {
  readonly informers: InformerFactory;
  /** Accepted for the userspace proxy's shape; node ports answer on every local address
   * (`-m addrtype --dst-type LOCAL`) but loopback, as kube-proxy's do. */
  readonly nodeAddresses: readonly string[];
  readonly log: Logger;
  /** Run iptables through this, e.g. `['ip', 'netns', 'exec', 'NS']` (default: directly). */
  readonly commandPrefix?: readonly string[];
  /** At most one restore this often (default 100 ms). */
  readonly minSyncPeriodMs?: number;
  /** Everything is rewritten and the jumps checked again this often (default 5 min), repairing
   * rules someone else removed. */
  readonly fullSyncPeriodMs?: number;
  /** The pod range; traffic to cluster IPs from outside it is masqueraded (see rules.ts). */
  readonly clusterCidr?: string;
  /** Delete conntrack entries of UDP flows whose endpoint went away (needs `conntrack`; default true). */
  readonly conntrack?: boolean;
}

export class IptablesProxy {
  private readonly services: Informer<Service>;
  private readonly endpoints: Informer<EndpointSlice>;
  private readonly run: Runner;
  /** What the kernel holds, as we last wrote it. */
  private applied: RuleSet | undefined;
  /** The next pass rewrites everything (first pass, periodic repair, after a failure). */
  private fullPending = true;
  private running: Promise<void> = Promise.resolve();
  private pending = false;
  private fullTimer: NodeJS.Timeout | undefined;
  private lastSyncAt = 0;
  private stopped = true;
  private restores = 0;
  private conntrackMissing = false;

  constructor(private readonly opts: IptablesProxyOptions) {
    this.run = commandRunner(opts.commandPrefix ?? []);
    this.services = opts.informers.informer<Service>(servicesResource);
    this.endpoints = sliceInformer(opts.informers);
    const changed = () => this.schedule();
    this.services.addEventHandler({ add: changed, update: changed, delete: changed });
    this.endpoints.addEventHandler({ add: changed, update: changed, delete: changed });
  }

  /** Restores run so far (tests: a change that touches nothing runs none). */
  get restoreCount(): number {
    return this.restores;
  }

  /** Waits for the caches, then writes every chain; later changes apply as they come. */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.services.waitForSync(), this.endpoints.waitForSync()]);
    this.schedule(true);
    await this.settled();
    const every = this.opts.fullSyncPeriodMs ?? 300_000;
    this.fullTimer = setInterval(() => this.schedule(true), every);
    this.fullTimer.unref();
  }

  /** Resolves once every change seen so far is in the kernel. */
  async settled(): Promise<void> {
    for (;;) {
      const current = this.running;
      await current;
      if (current === this.running && !this.pending) return;
    }
  }

  /** Kept for the userspace proxy's shape: node ports do not depend on the addresses here. */
  setNodeAddresses(_addresses: readonly string[]): void {}

  /** Stops following changes and removes every skiff rule and chain from the kernel. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.fullTimer) clearInterval(this.fullTimer);
    // A pass waiting for its turn sees `stopped` and does nothing.
    await this.running.catch(() => undefined);
    await this.cleanup();
    this.applied = undefined;
    this.fullPending = true;
  }

  /** Removes skiff's jumps from the built-in chains, then all SKIFF-* chains in the kernel,
   * including any an earlier run left behind. */
  async cleanup(): Promise<void> {
    for (const j of jumps) {
      // Delete until none is left: a crashed run may have inserted one twice.
      for (let i = 0; i < 10; i++) {
        try {
          await this.run.run(iptables(j.table, '-D', j.chain, ...j.rule));
        } catch {
          break;
        }
      }
    }
    const text = deleteText(await this.presentChains());
    if (!text) return;
    try {
      await this.run.run(iptablesRestore(), text);
    } catch (err) {
      // Another skiff on this host still jumps to the chains (two clusters on one machine): the
      // restore changed nothing (it is atomic), and the last one to stop removes them.
      if (!(err instanceof IptablesError) || !/Device or resource busy/.test(err.stderr)) throw err;
      this.opts.log.warn('skiff chains left in place: another skiff on this host still uses them');
    }
  }

  private async presentChains(): Promise<ChainNames> {
    const found: Record<Table, string[]> = { nat: [], filter: [] };
    for (const t of tables) found[t] = [...skiffChainsIn(await this.run.run(iptablesSave(t)))[t]];
    return found;
  }

  /** Coalesces changes: one pass at most every `minSyncPeriodMs`; passes never overlap. */
  private schedule(full = false): void {
    if (this.stopped) return;
    if (full) this.fullPending = true;
    if (this.pending) return;
    this.pending = true;
    const wait = Math.max(0, this.lastSyncAt + (this.opts.minSyncPeriodMs ?? 100) - Date.now());
    const go = new Promise<void>((r) => setTimeout(r, wait));
    this.running = this.running.then(() => go).then(async () => {
      this.pending = false;
      if (this.stopped) return;
      this.lastSyncAt = Date.now();
      try {
        await this.sync();
      } catch (err) {
        this.opts.log.error({ err: err instanceof Error ? err.message : String(err) }, 'iptables sync failed; will rewrite everything');
        this.fullPending = true;
        setTimeout(() => this.schedule(), 1000).unref();
      }
    });
  }

  private async sync(): Promise<void> {
    const next = buildRuleSet(this.services.list(), (svc) => this.endpoints.byIndex(byService, keyOf(svc)), {
      ...(this.opts.clusterCidr ? { clusterCidr: this.opts.clusterCidr } : {}),
    });
    const prev = this.fullPending ? undefined : this.applied;
    this.fullPending = false;
    // A full pass also deletes chains an earlier run left and puts the jumps back in place.
    const present = prev ? undefined : await this.presentChains();
    const text = restoreText(prev, next, present);
    if (text) {
      await this.run.run(iptablesRestore(), text);
      this.restores++;
    }
    if (!prev) await this.ensureJumps();
    const before = prev ?? this.applied;
    this.applied = next;
    if (before && this.opts.conntrack !== false) await this.clearUdpFlows(before, next);
  }

  private async ensureJumps(): Promise<void> {
    for (const j of jumps) {
      try {
        await this.run.run(iptables(j.table, '-C', j.chain, ...j.rule));
      } catch {
        // First in the chain, as kube-proxy does, so rules others add later cannot shadow ours.
        await this.run.run(iptables(j.table, '-I', j.chain, '1', ...j.rule));
      }
    }
  }

  /**
   * UDP has no connection to end: conntrack keeps sending a flow where it first went. When an
   * endpoint goes away its entries are deleted; when a port gets its first endpoint, entries of
   * datagrams that were refused before are, so the next one is DNATed.
   */
  private async clearUdpFlows(prev: RuleSet, next: RuleSet): Promise<void> {
    const fronts = (s: ReadonlySet<string>) => new Set([...s].map((f) => f.split('>')[0]!));
    const before = fronts(prev.udpFlows);
    const deletes: string[][] = [];
    for (const f of prev.udpFlows) {
      if (next.udpFlows.has(f)) continue;
      const [front, ep] = f.split('>') as [string, string];
      deletes.push([...frontMatch(front), '--dst-nat', ep]);
    }
    for (const front of fronts(next.udpFlows)) if (!before.has(front)) deletes.push(frontMatch(front));
    for (const args of deletes) {
      if (this.conntrackMissing) return;
      try {
        await this.run.run(['conntrack', '-D', '-p', 'udp', ...args]);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        // Exit 1 with "0 flow entries" just means there was nothing to delete.
        if (/ENOENT|not found|No such file/i.test(msg)) {
          this.conntrackMissing = true;
          this.opts.log.warn('conntrack not installed: stale UDP flows to removed endpoints are not cleared');
        }
      }
    }
  }
}

function frontMatch(front: string): string[] {
  const colon = front.lastIndexOf(':');
  const ip = front.slice(0, colon);
  const port = front.slice(colon + 1);
  return ip ? ['--orig-dst', ip, '--orig-port-dst', port] : ['--orig-port-dst', port];
}
