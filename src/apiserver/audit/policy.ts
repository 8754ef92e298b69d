/**
 * The audit policy (`audit.k8s.io/v1` Policy, kube-apiserver's `--audit-policy-file`): which
 * requests are recorded at which level. Rules are tried in order and the first match decides;
 * no match is level None. A policy that does not validate stops the server at start.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type Stage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

const levels: ReadonlySet<string> = new Set(['None', 'Metadata', 'Request', 'RequestResponse']);
const stages: ReadonlySet<string> = new Set(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']);

export interface GroupResources {
  readonly group: string;
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
}

export interface PolicyRule {
  readonly level: Level;
  readonly users: readonly string[];
  readonly userGroups: readonly string[];
  readonly verbs: readonly string[];
  readonly resources: readonly GroupResources[];
  readonly namespaces: readonly string[];
  readonly nonResourceURLs: readonly string[];
  readonly omitStages: readonly Stage[];
  readonly omitManagedFields?: boolean;
}

export interface Policy {
  readonly rules: readonly PolicyRule[];
  readonly omitStages: readonly Stage[];
  readonly omitManagedFields: boolean;
}

/** What the policy checker sees of a request (Kubernetes' authorizer.Attributes). */
export interface AuditAttributes {
  /** Undefined when authentication failed. */
  readonly user?: { readonly name: string; readonly groups: readonly string[] };
  readonly verb: string;
  readonly resourceRequest: boolean;
  readonly group: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly path: string;
}

export interface RequestAuditConfig {
  readonly level: Level;
  readonly omitStages: ReadonlySet<Stage>;
  readonly omitManagedFields: boolean;
}

export class AuditPolicyError extends Error {}

export function loadPolicyFile(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AuditPolicyError(`failed to read audit policy file ${file}: ${(err as Error).message}`);
  }
  try {
    return parsePolicy(text);
  } catch (err) {
    throw new AuditPolicyError(`invalid audit policy file ${file}: ${(err as Error).message}`);
  }
}

/** Parses and validates a Policy in YAML or JSON (JSON is YAML). */
export function parsePolicy(text: string): Policy {
  const doc: unknown = parseYaml(text);
  if (!isRecord(doc)) throw new Error('the policy must be an object');
  const apiVersion = doc['apiVersion'];
  if (apiVersion !== 'audit.k8s.io/v1') throw new Error(`apiVersion: Unsupported value: ${JSON.stringify(apiVersion)}: supported values: "audit.k8s.io/v1"`);
  if (doc['kind'] !== 'Policy') throw new Error(`kind: Unsupported value: ${JSON.stringify(doc['kind'])}: supported values: "Policy"`);
  const rawRules = doc['rules'];
  if (!Array.isArray(rawRules) || rawRules.length === 0) throw new Error('the policy has no rules');
  const rules = rawRules.map((r, i) => parseRule(r, `rules[${i}]`));
  return {
    rules,
    omitStages: stageList(doc['omitStages'], 'omitStages'),
    omitManagedFields: optionalBool(doc['omitManagedFields'], 'omitManagedFields') ?? false,
  };
}

function parseRule(r: unknown, at: string): PolicyRule {
  if (!isRecord(r)) throw new Error(`${at}: must be an object`);
  const level = r['level'];
  if (typeof level !== 'string' || !levels.has(level)) {
    throw new Error(`${at}.level: Unsupported value: ${JSON.stringify(level)}: supported values: "None", "Metadata", "Request", "RequestResponse"`);
  }
  const resources = list(r['resources'], `${at}.resources`).map((g, j) => parseGroupResources(g, `${at}.resources[${j}]`));
  const namespaces = strings(r['namespaces'], `${at}.namespaces`);
  const nonResourceURLs = strings(r['nonResourceURLs'], `${at}.nonResourceURLs`);
  if (nonResourceURLs.length > 0 && (resources.length > 0 || namespaces.length > 0)) {
    throw new Error(`${at}.nonResourceURLs: Invalid value: rules cannot apply to both regular resources and non-resource URLs`);
  }
  nonResourceURLs.forEach((u, j) => {
    if (!u.startsWith('/') && u !== '*') throw new Error(`${at}.nonResourceURLs[${j}]: Invalid value: ${JSON.stringify(u)}: non-resource URL rules must begin with a '/' character`);
    if (u.slice(0, -1).includes('*')) throw new Error(`${at}.nonResourceURLs[${j}]: Invalid value: ${JSON.stringify(u)}: non-resource URL wildcards ('*') must be the final character of the rule`);
  });
  const omitManagedFields = optionalBool(r['omitManagedFields'], `${at}.omitManagedFields`);
  return {
    level: level as Level,
    users: strings(r['users'], `${at}.users`),
    userGroups: strings(r['userGroups'], `${at}.userGroups`),
    verbs: strings(r['verbs'], `${at}.verbs`),
    resources,
    namespaces,
    nonResourceURLs,
    omitStages: stageList(r['omitStages'], `${at}.omitStages`),
    ...(omitManagedFields !== undefined ? { omitManagedFields } : {}),
  };
}

function parseGroupResources(g: unknown, at: string): GroupResources {
  if (!isRecord(g)) throw new Error(`${at}: must be an object`);
  const group = g['group'] ?? '';
  if (typeof group !== 'string') throw new Error(`${at}.group: must be a string`);
  const resources = strings(g['resources'], `${at}.resources`);
  const resourceNames = strings(g['resourceNames'], `${at}.resourceNames`);
  resources.forEach((res, j) => {
    if (res === '' || res.split('/').length > 2 || (res.includes('/') && res.split('/').some((p) => p === ''))) {
      throw new Error(`${at}.resources[${j}]: Invalid value: ${JSON.stringify(res)}: must be RESOURCE, RESOURCE/SUBRESOURCE, "*", "*/SUBRESOURCE" or "RESOURCE/*"`);
    }
  });
  if (resourceNames.length > 0 && resources.length === 0) {
    throw new Error(`${at}.resourceNames: Invalid value: resourceNames require at least one resource`);
  }
  return { group, resources, resourceNames };
}

function stageList(v: unknown, at: string): Stage[] {
  return strings(v, at).map((s, j) => {
    if (!stages.has(s)) throw new Error(`${at}[${j}]: Unsupported value: ${JSON.stringify(s)}: supported values: "RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"`);
    return s as Stage;
  });
}

function list(v: unknown, at: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${at}: must be a list`);
  return v;
}

function strings(v: unknown, at: string): string[] {
  return list(v, at).map((s, j) => {
    if (typeof s !== 'string') throw new Error(`${at}[${j}]: must be a string`);
    return s;
  });
}

function optionalBool(v: unknown, at: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new Error(`${at}: must be true or false`);
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const none: RequestAuditConfig = { level: 'None', omitStages: new Set(), omitManagedFields: false };

/** Each rule's outcome, worked out once per policy rather than once per request. */
const outcomes = new WeakMap<PolicyRule, RequestAuditConfig>();

/** The first rule that matches decides; the policy's omitStages add to the rule's. */
export function evaluatePolicy(policy: Policy, a: AuditAttributes): RequestAuditConfig {
  for (const rule of policy.rules) {
    if (!ruleMatches(rule, a)) continue;
    let out = outcomes.get(rule);
    if (!out) {
      out = {
        level: rule.level,
        omitStages: new Set([...policy.omitStages, ...rule.omitStages]),
        omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields,
      };
      outcomes.set(rule, out);
    }
    return out;
  }
  return none;
}

function ruleMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (r.users.length > 0 && (!a.user || !r.users.includes(a.user.name))) return false;
  if (r.userGroups.length > 0 && (!a.user || !a.user.groups.some((g) => r.userGroups.includes(g)))) return false;
  if (r.verbs.length > 0 && !r.verbs.includes(a.verb)) return false;
  if (a.resourceRequest) {
    if (r.nonResourceURLs.length > 0) return false;
    if (r.namespaces.length > 0 && !r.namespaces.includes(a.namespace)) return false;
    return r.resources.length === 0 || r.resources.some((g) => groupResourcesMatch(g, a));
  }
  if (r.resources.length > 0 || r.namespaces.length > 0) return false;
  return r.nonResourceURLs.length === 0 || r.nonResourceURLs.some((u) => urlMatches(u, a.path));
}

function groupResourcesMatch(g: GroupResources, a: AuditAttributes): boolean {
  if (g.group !== a.group) return false;
  if (g.resources.length === 0) return true;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const matched = g.resources.some((res) =>
    res === combined || res === '*' ||
    (a.subresource !== '' && res === `*/${a.subresource}`) ||
    // As Kubernetes' checker: `pods/*` covers `pods` itself too.
    res === `${a.resource}/*`);
  if (!matched) return false;
  return g.resourceNames.length === 0 || g.resourceNames.includes(a.name);
}

function urlMatches(rule: string, path: string): boolean {
  if (rule === '*') return true;
  if (rule.endsWith('*')) return path.startsWith(rule.slice(0, -1));
  return rule === path;
}
