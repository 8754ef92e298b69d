/**
 * Escalation prevention, as Kubernetes' RBAC registry: a Role or ClusterRole may only be written
 * with rules its author holds (or with the `escalate` verb on it), and a binding only made to a
 * role whose rules its author holds (or with the `bind` verb on it). `system:masters` may do both.
 */
import { ForbiddenError, qualifiedResource } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/types.js';
import type { WriteHooks } from '../../registry/registry.js';
import { requestUser } from '../context.js';
import { MASTERS, type UserInfo } from '../user.js';
import type { RbacAuthorizer } from './authorizer.js';
import type { PolicyRule, RoleRef } from './rules.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One verb on one group/resource(/name), or one verb on one URL. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        else for (const n of names) out.push({ apiGroups: [group], resources: [resource], resourceNames: [n], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function coversOne(list: readonly string[] | undefined, v: string): boolean {
  return (list ?? []).includes('*') || (list ?? []).includes(v);
}

/** Whether `owner` covers the atomic rule `sub`. */
function covers(owner: PolicyRule, sub: PolicyRule): boolean {
  if (!coversOne(owner.verbs, sub.verbs[0]!)) return false;
  if (sub.nonResourceURLs) {
    const url = sub.nonResourceURLs[0]!;
    return (owner.nonResourceURLs ?? []).some((u) => u === '*' || u === url || (u.endsWith('*') && url.startsWith(u.slice(0, -1))));
  }
  if (!coversOne(owner.apiGroups, sub.apiGroups![0]!)) return false;
  const res = sub.resources![0]!;
  const slash = res.indexOf('/');
  const resOk = coversOne(owner.resources, res) || (slash > 0 && (owner.resources ?? []).includes(`*${res.slice(slash)}`));
  if (!resOk) return false;
  const names = owner.resourceNames ?? [];
  if (names.length === 0) return true;
  const want = sub.resourceNames ?? [];
  return want.length > 0 && names.includes(want[0]!);
}

/** The rules in `wanted` that `owned` does not cover, compacted (verbs of one group/resource on
 * one line) and described as Kubernetes' CompactString. */
export function missingRights(owned: readonly PolicyRule[], wanted: readonly PolicyRule[]): string[] {
  const missing = wanted.flatMap(breakdown).filter((sub) => !owned.some((o) => covers(o, sub)));
  const compact = new Map<string, PolicyRule>();
  for (const m of missing) {
    const key = m.nonResourceURLs ? `url\u0000${m.nonResourceURLs[0]}` : `${m.apiGroups![0]}\u0000${m.resources![0]}\u0000${m.resourceNames?.[0] ?? ''}`;
    const have = compact.get(key);
    if (have) (have.verbs as string[]).push(m.verbs[0]!);
    else compact.set(key, { ...m, verbs: [...m.verbs] });
  }
  return [...new Set([...compact.values()].map(compactString))].sort();
}

const q = (list: readonly string[]): string => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

export class EscalationCheck {
  constructor(private readonly rbac: RbacAuthorizer) {}

  private allowedVerb(user: UserInfo, verb: string, resource: string, namespace: string, name: string): boolean {
    return this.rbac.authorize({ user, resourceRequest: true, verb, namespace, group: RBAC_GROUP, version: 'v1', resource, subresource: '', name }).allowed;
  }

  /** Throws 403 when `user` does not hold every rule in `rules` within `namespace`. */
  private confirmNoEscalation(user: UserInfo, rules: readonly PolicyRule[], namespace: string, resource: string, name: string): void {
    const owned = this.rbac.rulesFor(user, namespace);
    const missing = missingRights(owned.rules, rules);
    if (missing.length === 0) return;
    let msg = `user "${user.name}" (groups=${q(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`;
    if (owned.errors.length > 0) msg += `; resolution errors: [${owned.errors.join(' ')}]`;
    throw forbidden(resource, name, msg);
  }

  /** Hooks for roles (`resource` roles or clusterroles). */
  roleHooks(resource: 'roles' | 'clusterroles'): WriteHooks {
    const check = (obj: KubeObject): void => {
      const user = requestUser();
      if (!user || user.groups.includes(MASTERS)) return;
      const ns = obj.metadata.namespace ?? '';
      const name = obj.metadata.name ?? '';
      if (this.allowedVerb(user, 'escalate', resource, ns, name)) return;
      const agg = (obj as { aggregationRule?: unknown }).aggregationRule;
      if (resource === 'clusterroles' && agg) {
        throw forbidden(resource, name, 'must have cluster-admin privileges to use the aggregationRule');
      }
      this.confirmNoEscalation(user, (obj as { rules?: PolicyRule[] }).rules ?? [], ns, resource, name);
    };
    return hooksOf(check);
  }

  /** Hooks for bindings (`resource` rolebindings or clusterrolebindings). */
  bindingHooks(resource: 'rolebindings' | 'clusterrolebindings'): WriteHooks {
    const check = (obj: KubeObject): void => {
      const user = requestUser();
      if (!user || user.groups.includes(MASTERS)) return;
      const ns = obj.metadata.namespace ?? '';
      const name = obj.metadata.name ?? '';
      const ref = (obj as { roleRef?: RoleRef }).roleRef;
      if (!ref) return;
      const refResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
      if (this.allowedVerb(user, 'bind', refResource, ns, ref.name)) return;
      const role = ref.kind === 'Role' ? this.rbac.index.role(ns, ref.name) : this.rbac.index.clusterRole(ref.name);
      if (!role) throw forbidden(resource, name, `${ref.kind === 'Role' ? 'role' : 'clusterrole'}.rbac.authorization.k8s.io "${ref.name}" not found`);
      this.confirmNoEscalation(user, (role as { rules?: PolicyRule[] }).rules ?? [], ns, resource, name);
    };
    return hooksOf(check);
  }
}

function hooksOf(check: (obj: KubeObject) => void): WriteHooks {
  const done = async (): Promise<void> => undefined;
  return {
    beginCreate: async (obj) => {
      check(obj);
      return done;
    },
    beginUpdate: async (next) => {
      check(next);
      return done;
    },
  };
}

function forbidden(resource: string, name: string, why: string): ForbiddenError {
  const gr = qualifiedResource(resource, RBAC_GROUP);
  return new ForbiddenError(`${gr} "${name}" is forbidden: ${why}`, { name, group: RBAC_GROUP, kind: resource });
}
