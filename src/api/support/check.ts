/**
 * The admission side of the support tables: what no runtime honours is refused with the field's
 * path (422, as any invalid field), unsafe sysctls are refused as the kubelet would refuse the pod
 * on every node (skiff allows no unsafe sysctls), and what only some runtimes lack is listed per
 * runtime for the `Warning:` header and the node's event.
 */
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { child, forbidden, index, notSupported } from '../validation/field.js';
import type { Feature } from './features.js';
import { degradableFeatures, notFullyHonoured, refusedFeatures, supportOf, type Support } from './tables.js';

type Obj = Record<string, unknown>;

/** The kubelet's safe sysctls (Kubernetes 1.32, pkg/kubelet/sysctl/safe_sysctls.go): namespaced
 * and isolated between pods. */
export const safeSysctls: readonly string[] = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
];

/** A sysctl name with `/` separators, as the kubelet normalizes it (`net/ipv4/x` → `net.ipv4.x`). */
export function normalizeSysctl(name: string): string {
  const first = name.search(/[./]/);
  if (first < 0 || name[first] === '.') return name;
  return name.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

function unsafeSysctls(spec: Obj, path: string): FieldError[] {
  const sc = isRecord(spec['securityContext']) ? spec['securityContext'] : {};
  const list = Array.isArray(sc['sysctls']) ? sc['sysctls'] : [];
  const errs: FieldError[] = [];
  list.forEach((s, i) => {
    const name = isRecord(s) && typeof s['name'] === 'string' ? s['name'] : '';
    if (!name || safeSysctls.includes(normalizeSysctl(name))) return;
    errs.push(forbidden(child(index(child(path, 'securityContext', 'sysctls'), i), 'name'),
      `not supported by skiff: unsafe sysctl "${name}" (only the kubelet's safe sysctls are allowed: ${safeSysctls.join(', ')})`));
  });
  return errs;
}

/** Errors for a pod spec at `path` (`spec`, `spec.template.spec`): features no runtime of skiff
 * honours, and unsafe sysctls. */
export function checkSupport(spec: unknown, path: string): FieldError[] {
  if (!isRecord(spec)) return [];
  const errs: FieldError[] = [];
  for (const f of refusedFeatures) {
    for (const u of f.uses(spec)) {
      const p = child(path, u.path);
      errs.push(u.supported ? notSupported(p, u.value, u.supported) : forbidden(p, `not supported by skiff: ${f.what}`));
    }
  }
  errs.push(...unsafeSysctls(spec, path));
  return errs;
}

/** A feature a pod spec uses that `runtime` does not fully honour, and where. */
export interface Degraded {
  readonly feature: Feature;
  readonly support: Support;
  readonly paths: readonly string[];
}

/** What of `spec` the runtime `runtime` does not fully honour (paths below `path`). */
export function degradedFeatures(spec: unknown, runtime: string, path = 'spec'): Degraded[] {
  if (!isRecord(spec)) return [];
  const out: Degraded[] = [];
  for (const f of notFullyHonoured(runtime)) {
    const uses = f.uses(spec);
    if (uses.length) out.push({ feature: f, support: supportOf(runtime, f.id), paths: uses.map((u) => child(path, u.path)) });
  }
  return out;
}

/** Whether the spec uses anything some runtime does not fully honour (the cheap first look). */
export function mayDegrade(spec: unknown): boolean {
  return isRecord(spec) && degradableFeatures.some((f) => f.uses(spec).length > 0);
}

/** One line per degraded feature: `spec.hostAliases: not honoured by the process runtime: …`. */
export function describeDegraded(d: Degraded, runtime: string): string {
  const how = d.support.level === 'partial' ? 'only partly honoured' : 'not honoured';
  return `${d.paths.join(', ')}: ${d.feature.what} ${how} by the ${runtime} runtime${d.support.note ? `: ${d.support.note}` : ''}`;
}

const appArmorAnnotation = 'container.apparmor.security.beta.kubernetes.io/';

/** AppArmor asked for through the older annotations (which Kubernetes still honours, as the
 * field): refused as the field is, unless `unconfined`. `path` is where the annotations are. */
export function checkAnnotationSupport(annotations: unknown, path: string): FieldError[] {
  if (!isRecord(annotations)) return [];
  return Object.entries(annotations)
    .filter(([k, v]) => k.startsWith(appArmorAnnotation) && v !== 'unconfined')
    .map(([k]) => forbidden(`${path}[${k}]`, 'not supported by skiff: AppArmor profiles'));
}
