/**
 * Kubernetes' checks of the host namespaces and kernel settings a pod asks for: sysctl names
 * (validateSysctls, ValidateHostSysctl), ports under hostNetwork (validateHostNetwork) and seccomp
 * profiles (validateSeccompProfileField).
 */
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { child, duplicate, forbidden, index, invalid, notSupported, required } from './field.js';

type Obj = Record<string, unknown>;
const recs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : []);

const sysctlSegment = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const sysctlPattern = `^(${sysctlSegment}[\\./])*${sysctlSegment}$`;
const sysctlRegexp = new RegExp(sysctlPattern);
const sysctlMaxLength = 253;

/** Sysctls of the host's net and IPC namespaces (Kubernetes' isNetSysctl / isIPCSysctl). */
function isNetSysctl(name: string): boolean {
  return name.startsWith('net.') || name.startsWith('net/');
}
function isIPCSysctl(name: string): boolean {
  return ['kernel.shm', 'kernel.msg', 'kernel.sem', 'fs.mqueue.', 'kernel/shm', 'kernel/msg', 'kernel/sem', 'fs/mqueue/'].some((p) => name.startsWith(p));
}

function validateSysctls(spec: Obj, path: string): FieldError[] {
  const sc = isRecord(spec['securityContext']) ? spec['securityContext'] : {};
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(sc['sysctls']).forEach((s, i) => {
    const np = child(index(child(path, 'securityContext', 'sysctls'), i), 'name');
    const name = typeof s['name'] === 'string' ? s['name'] : '';
    if (!name) errs.push(required(np));
    else if (name.length > sysctlMaxLength || !sysctlRegexp.test(name)) {
      errs.push(invalid(np, name, `must have at most ${sysctlMaxLength} characters and match regex ${sysctlPattern}`));
    } else if (seen.has(name)) errs.push(duplicate(np, name));
    seen.add(name);
    if (spec['hostNetwork'] === true && isNetSysctl(name)) errs.push(invalid(np, name, "may not be specified when 'hostNetwork' is true"));
    if (spec['hostIPC'] === true && isIPCSysctl(name)) errs.push(invalid(np, name, "may not be specified when 'hostIPC' is true"));
  });
  return errs;
}

/** Under hostNetwork a container's port is the host's: hostPort must equal containerPort. A
 * pod's hostPort was defaulted to it already; a template may leave it 0 (its pods get it). */
export function validateHostNetworkPorts(spec: Obj, path: string, resourceIsPod: boolean): FieldError[] {
  if (spec['hostNetwork'] !== true) return [];
  const errs: FieldError[] = [];
  for (const list of ['containers', 'initContainers']) {
    recs(spec[list]).forEach((c, ci) => {
      recs(c['ports']).forEach((p, pi) => {
        const hp = p['hostPort'] ?? 0;
        if ((resourceIsPod || hp !== 0) && hp !== p['containerPort']) {
          errs.push(invalid(child(index(child(index(child(path, list), ci), 'ports'), pi), 'hostPort'), p['hostPort'], 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  return errs;
}

const seccompTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

function validateSeccompProfile(p: unknown, path: string): FieldError[] {
  if (!isRecord(p)) return [];
  const type = p['type'];
  const tp = child(path, 'type');
  if (typeof type !== 'string' || type === '') return [required(tp)];
  if (!seccompTypes.includes(type)) return [notSupported(tp, type, seccompTypes)];
  const lp = child(path, 'localhostProfile');
  const local = p['localhostProfile'];
  if (type === 'Localhost') {
    if (typeof local !== 'string' || local === '') return [required(lp, 'must be set when seccomp type is Localhost')];
    if (local.startsWith('/') || local.split('/').includes('..')) return [invalid(lp, local, "must be a relative path and must not contain '..'")];
    return [];
  }
  return local !== undefined && local !== null ? [forbidden(lp, 'can only be set when seccomp type is Localhost')] : [];
}

/** The host- and kernel-facing rules of a pod spec at `path`. */
export function validateHostSecurity(spec: Obj, path: string): FieldError[] {
  const sc = isRecord(spec['securityContext']) ? spec['securityContext'] : {};
  return [
    ...validateSysctls(spec, path),
    ...validateHostNetworkPorts(spec, path, false),
    ...validateSeccompProfile(sc['seccompProfile'], child(path, 'securityContext', 'seccompProfile')),
    ...['initContainers', 'containers'].flatMap((list) => recs(spec[list]).flatMap((c, i) => {
      const csc = isRecord(c['securityContext']) ? c['securityContext'] : {};
      return validateSeccompProfile(csc['seccompProfile'], child(index(child(path, list), i), 'securityContext', 'seccompProfile'));
    })),
  ];
}
