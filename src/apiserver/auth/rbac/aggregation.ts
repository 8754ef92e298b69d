/**
 * ClusterRole aggregation (kube-controller-manager's clusterrole-aggregation controller): a
 * ClusterRole with an `aggregationRule` gets as rules the union of the rules of every ClusterRole
 * its selectors match, in name order, without repeats. Runs in the API server off the ClusterRole
 * watch cache, so the bootstrap `admin`/`edit`/`view` roles are filled before the first request
 * needs them; it writes through the registry like any client would.
 */
import { isDeepStrictEqual } from 'node:util';
import { NotFoundError } from '../../../api/errors.js';
import { fromLabelSelector } from '../../../api/labels.js';
import type { KubeObject, LabelSelector } from '../../../api/types.js';
import type { Registry } from '../../registry/registry.js';
import type { Logger } from '../../../util/log.js';
import type { PolicyRule } from './rules.js';

interface AggregatedRole extends KubeObject {
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] } | null;
  rules?: PolicyRule[] | null;
}

/** The rules an aggregated role should have, given every ClusterRole. */
export function aggregatedRules(role: AggregatedRole, all: readonly KubeObject[]): PolicyRule[] {
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map((s) => {
    try {
      return fromLabelSelector(s);
    } catch {
      return undefined;
    }
  });
  const matched = all
    .filter((o) => o.metadata.name !== role.metadata.name && selectors.some((s) => s?.matches(o.metadata.labels)))
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  const out: PolicyRule[] = [];
  for (const o of matched) {
    for (const r of (o as AggregatedRole).rules ?? []) if (!out.some((h) => isDeepStrictEqual(h, r))) out.push(r);
  }
  return out;
}

export class ClusterRoleAggregator {
  private scheduled = false;
  private inPass = false;
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly clusterRoles: Registry, private readonly log: Logger) {}

  start(): void {
    this.unsubscribe = this.clusterRoles.cache.subscribe(() => this.schedule());
    this.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Resolves once every pass scheduled so far has run. */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Whether a pass is scheduled or running. */
  get busy(): boolean {
    return this.scheduled || this.inPass;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.running = this.running.then(() => {
      this.scheduled = false;
      this.inPass = true;
      return this.pass().finally(() => {
        this.inPass = false;
      });
    }).catch((err: unknown) => this.log.warn({ err }, 'clusterrole aggregation failed'));
  }

  async pass(): Promise<void> {
    const all = [...this.clusterRoles.cache.objects.values()];
    for (const o of all) {
      const role = o as AggregatedRole;
      if (!role.aggregationRule) continue;
      const want = aggregatedRules(role, all);
      if (isDeepStrictEqual(role.rules ?? [], want)) continue;
      try {
        await this.clusterRoles.guaranteedUpdate(undefined, role.metadata.name!, (cur) => ({ ...cur, rules: want }) as KubeObject);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
  }
}
