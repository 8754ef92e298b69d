/**
 * What the server serves right now: the built-in resources `--runtime-config` enables, then the
 * resources of established CRDs (their groups after the built-in ones, each group's versions by
 * Kubernetes' version priority). Discovery, routing and RBAC all read it, so a CRD is served
 * everywhere the moment the controller installs it.
 */
import type { ServedVersion } from '../../api/resources.js';
import type { RuntimeConfig } from '../runtimeconfig.js';
import type { CustomResource } from './served.js';
import { byVersionPriority } from './versions.js';

interface Snapshot {
  readonly enabled: readonly ServedVersion[];
  readonly groupVersions: readonly { group: string; version: string }[];
  readonly index: ReadonlyMap<string, ServedVersion>;
}

export class ServedCatalog implements RuntimeConfig {
  private readonly custom = new Map<string, CustomResource>();
  private snapshot: Snapshot | undefined;

  constructor(private readonly base: RuntimeConfig) {}

  /** Serves (or re-serves) the resource of the CRD `crdName`. */
  set(crdName: string, cr: CustomResource): void {
    this.custom.set(crdName, cr);
    this.snapshot = undefined;
  }

  delete(crdName: string): CustomResource | undefined {
    const cr = this.custom.get(crdName);
    this.custom.delete(crdName);
    this.snapshot = undefined;
    return cr;
  }

  get(crdName: string): CustomResource | undefined {
    return this.custom.get(crdName);
  }

  private build(): Snapshot {
    if (this.snapshot) return this.snapshot;
    const extra = [...this.custom.values()].flatMap((c) => c.served);
    const groups = new Map<string, Set<string>>();
    for (const s of extra) {
      if (this.base.groupVersions.some((g) => g.group === s.group)) continue; // built-in groups stay built-in
      const set = groups.get(s.group) ?? new Set<string>();
      set.add(s.version);
      groups.set(s.group, set);
    }
    const customGVs = [...groups.keys()].sort().flatMap((group) =>
      [...groups.get(group)!].sort(byVersionPriority).map((version) => ({ group, version })));
    const served = extra.filter((s) => groups.has(s.group));
    const index = new Map<string, ServedVersion>();
    for (const s of served) index.set(`${s.group}/${s.version}/${s.resource.plural}`, s);
    this.snapshot = { enabled: [...this.base.enabled, ...served], groupVersions: [...this.base.groupVersions, ...customGVs], index };
    return this.snapshot;
  }

  get enabled(): readonly ServedVersion[] {
    return this.build().enabled;
  }

  get groupVersions(): readonly { group: string; version: string }[] {
    return this.build().groupVersions;
  }

  find(group: string, version: string, plural: string): ServedVersion | undefined {
    return this.base.find(group, version, plural) ?? this.build().index.get(`${group}/${version}/${plural}`);
  }
}
