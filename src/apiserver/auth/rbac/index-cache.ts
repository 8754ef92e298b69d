/**
 * The RBAC objects as the authorizer reads them: the registries' watch caches (kept current by the
 * one store watch), indexed by name and namespace, and the rules each user holds memoised until the
 * next change to any RBAC object. A request costs a memo lookup and a scan of the user's rules, not
 * a store read and not a walk over every binding.
 */
import type { KubeObject } from '../../../api/types.js';
import type { ResourceCache } from '../../watchcache.js';
import { objectKey } from '../../registry/keys.js';
import type { UserInfo } from '../user.js';
import { appliesTo, type PolicyRule, type RoleRef, type Subject } from './rules.js';

export interface RbacCaches {
  readonly roles: ResourceCache;
  readonly clusterRoles: ResourceCache;
  readonly roleBindings: ResourceCache;
  readonly clusterRoleBindings: ResourceCache;
}

/** A user's rules: those that apply everywhere, and per namespace those of RoleBindings there.
 * `errors` are bindings that name a missing role (RBAC's `... not found` reasons). */
export interface RuleSet {
  readonly cluster: readonly PolicyRule[];
  readonly clusterErrors: readonly string[];
  readonly namespaced: Map<string, { rules: readonly PolicyRule[]; errors: readonly string[] }>;
}

interface Binding {
  readonly namespace: string;
  readonly subjects: readonly Subject[];
  readonly roleRef: RoleRef;
}

function bindingOf(o: KubeObject): Binding {
  const b = o as KubeObject & { subjects?: Subject[]; roleRef?: RoleRef };
  return { namespace: o.metadata.namespace ?? '', subjects: b.subjects ?? [], roleRef: b.roleRef ?? { apiGroup: '', kind: '', name: '' } };
}

function rulesOf(o: KubeObject | undefined): readonly PolicyRule[] | undefined {
  if (!o) return undefined;
  return ((o as KubeObject & { rules?: PolicyRule[] | null }).rules ?? []);
}

const MAX_MEMO = 4096;

export class RbacIndex {
  private generation = 0;
  private readonly memo = new Map<string, { generation: number; set: RuleSet }>();
  private clusterBindings: Binding[] = [];
  private readonly bindingsByNs = new Map<string, Binding[]>();
  private dirty = true;

  constructor(private readonly caches: RbacCaches) {
    const bump = () => {
      this.generation++;
      this.dirty = true;
    };
    for (const c of [caches.roles, caches.clusterRoles, caches.roleBindings, caches.clusterRoleBindings]) c.subscribe(bump);
  }

  private reindex(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.clusterBindings = [...this.caches.clusterRoleBindings.objects.values()].map(bindingOf);
    this.bindingsByNs.clear();
    for (const o of this.caches.roleBindings.objects.values()) {
      const b = bindingOf(o);
      const list = this.bindingsByNs.get(b.namespace) ?? [];
      list.push(b);
      this.bindingsByNs.set(b.namespace, list);
    }
  }

  clusterRole(name: string): KubeObject | undefined {
    const c = this.caches.clusterRoles;
    return c.objects.get(objectKey(c.resource, undefined, name));
  }

  role(namespace: string, name: string): KubeObject | undefined {
    const c = this.caches.roles;
    return c.objects.get(objectKey(c.resource, namespace, name));
  }

  /** The rules of the role a binding refers to, or an error text when the role is missing. */
  private resolve(ref: RoleRef, namespace: string): readonly PolicyRule[] | string {
    if (ref.kind === 'ClusterRole') {
      return rulesOf(this.clusterRole(ref.name)) ?? `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`;
    }
    if (ref.kind === 'Role' && namespace) {
      return rulesOf(this.role(namespace, ref.name)) ?? `role.rbac.authorization.k8s.io "${ref.name}" not found`;
    }
    return [];
  }

  /** The rules `user` holds (memoised per identity until RBAC objects change). */
  rulesFor(user: UserInfo): RuleSet {
    const key = `${user.name}\u0000${user.groups.join('\u0000')}`;
    const hit = this.memo.get(key);
    if (hit && hit.generation === this.generation) return hit.set;
    this.reindex();
    const cluster: PolicyRule[] = [];
    const clusterErrors: string[] = [];
    for (const b of this.clusterBindings) {
      if (!b.subjects.some((s) => appliesTo(user, s, ''))) continue;
      const r = this.resolve(b.roleRef, '');
      if (typeof r === 'string') clusterErrors.push(r);
      else cluster.push(...r);
    }
    const set: RuleSet = { cluster, clusterErrors, namespaced: new Map() };
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    this.memo.set(key, { generation: this.generation, set });
    return set;
  }

  /** The rules `user` holds in `namespace` through RoleBindings there (memoised with rulesFor). */
  namespaceRules(user: UserInfo, set: RuleSet, namespace: string): { rules: readonly PolicyRule[]; errors: readonly string[] } {
    const hit = set.namespaced.get(namespace);
    if (hit) return hit;
    this.reindex();
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    for (const b of this.bindingsByNs.get(namespace) ?? []) {
      if (!b.subjects.some((s) => appliesTo(user, s, namespace))) continue;
      const r = this.resolve(b.roleRef, namespace);
      if (typeof r === 'string') errors.push(r);
      else rules.push(...r);
    }
    const out = { rules, errors };
    set.namespaced.set(namespace, out);
    return out;
  }
}
