/**
 * Containers: names, images, ports, environment, volume mounts, resources and probes, as
 * Kubernetes' validateContainers / validateContainerCommon check them.
 */
import type { FieldError } from '../errors.js';
import { Quantity, quantityFormatError } from '../quantity.js';
import { isRecord } from '../types.js';
import {
  child, duplicate, forbidden, index, invalid, key, nonNegative, notFound, notSupported, required, typeInvalid,
} from './field.js';
import { validateEnv, validateEnvFrom } from './env.js';
import { isDNS1123Label, isQualifiedName, isValidPortName, isValidPortNum } from './names.js';

type Obj = Record<string, unknown>;

export const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'] as const;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const recs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : []);

/** A port given as a number or an IANA name (probes' and services' targetPort). */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return isValidPortNum(Number(port)).map((m) => invalid(path, Number(port), m));
    return isValidPortName(port).map((m) => invalid(path, port, m));
  }
  return [required(path)];
}

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(ports).forEach((p, i) => {
    const ip = index(path, i);
    const name = str(p['name']);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => invalid(child(ip, 'name'), name, m)));
      else if (names.has(name)) errs.push(duplicate(child(ip, 'name'), name));
      else names.add(name);
    }
    const cp = p['containerPort'];
    if (cp === undefined || cp === null || cp === 0) errs.push(required(child(ip, 'containerPort')));
    else if (typeof cp !== 'number') errs.push(typeInvalid(child(ip, 'containerPort'), cp, 'must be an integer'));
    else errs.push(...isValidPortNum(cp).map((m) => invalid(child(ip, 'containerPort'), cp, m)));
    const hp = p['hostPort'];
    if (typeof hp === 'number' && hp !== 0) errs.push(...isValidPortNum(hp).map((m) => invalid(child(ip, 'hostPort'), hp, m)));
    const proto = str(p['protocol']);
    if (!proto) errs.push(required(child(ip, 'protocol')));
    else if (!(supportedPortProtocols as readonly string[]).includes(proto)) errs.push(notSupported(child(ip, 'protocol'), proto, supportedPortProtocols));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(mounts).forEach((m, i) => {
    const ip = index(path, i);
    const name = str(m['name']);
    if (!name) errs.push(required(child(ip, 'name')));
    if (!volumes.has(name)) errs.push(notFound(child(ip, 'name'), name));
    const mp = str(m['mountPath']);
    if (!mp) errs.push(required(child(ip, 'mountPath')));
    if (seen.has(mp)) errs.push(invalid(child(ip, 'mountPath'), mp, 'must be unique'));
    seen.add(mp);
    const sub = str(m['subPath']);
    if (sub) {
      if (sub.startsWith('/')) errs.push(invalid(child(ip, 'subPath'), sub, 'must be a relative path'));
      if (sub.split('/').includes('..')) errs.push(invalid(child(ip, 'subPath'), sub, "must not contain '..'"));
    }
    const expr = str(m['subPathExpr']);
    if (expr) {
      if (sub) errs.push(invalid(child(ip, 'subPathExpr'), expr, 'subPathExpr and subPath are mutually exclusive'));
      if (expr.startsWith('/')) errs.push(invalid(child(ip, 'subPathExpr'), expr, 'must be a relative path'));
      if (expr.split('/').includes('..')) errs.push(invalid(child(ip, 'subPathExpr'), expr, "must not contain '..'"));
    }
  });
  return errs;
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isNative(name: string): boolean {
  return !name.includes('/') || name.startsWith('kubernetes.io/') || name.includes('.kubernetes.io/');
}

/** Resources whose requests may be below their limits: the native ones except huge pages. */
function overcommitAllowed(name: string): boolean {
  return isNative(name) && !name.startsWith('hugepages-');
}

function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !name.startsWith('hugepages-')) {
      return [invalid(path, name, 'must be a standard resource for containers')];
    }
  } else if (!isNative(name) && name.startsWith('requests.')) {
    return [invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return [];
}

function parseQuantityAt(v: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  const q = typeof v === 'string' || typeof v === 'number' ? Quantity.tryParse(String(v)) : undefined;
  if (!q) errs.push(invalid(path, v, quantityFormatError));
  return q;
}

/** Requests and limits: known names, valid non-negative quantities, requests ≤ limits (and
 * equal for resources that cannot be overcommitted, whose limit is then required). */
export function validateResources(res: unknown, path: string): FieldError[] {
  if (res === undefined || res === null) return [];
  if (!isRecord(res)) return [invalid(path, res, 'must be an object')];
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map<string, Quantity>();
  for (const [name, v] of Object.entries(isRecord(res['limits']) ? res['limits'] : {})) {
    const fp = key(limPath, name);
    errs.push(...validateResourceName(name, fp));
    const q = parseQuantityAt(v, fp, errs);
    if (!q) continue;
    if (q.sign < 0) errs.push(invalid(fp, q.toString(), 'must be greater than or equal to 0'));
    else if (!isNative(name) && q.nanos % 1_000_000_000n !== 0n) errs.push(invalid(fp, q.toString(), 'must be an integer'));
    limits.set(name, q);
  }
  for (const [name, v] of Object.entries(isRecord(res['requests']) ? res['requests'] : {})) {
    const fp = key(reqPath, name);
    errs.push(...validateResourceName(name, fp));
    const q = parseQuantityAt(v, fp, errs);
    if (!q) continue;
    if (q.sign < 0) errs.push(invalid(fp, q.toString(), 'must be greater than or equal to 0'));
    else if (!isNative(name) && q.nanos % 1_000_000_000n !== 0n) errs.push(invalid(fp, q.toString(), 'must be an integer'));
    const lim = limits.get(name);
    if (lim) {
      if (q.cmp(lim) !== 0 && !overcommitAllowed(name)) {
        errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
      } else if (q.cmp(lim) > 0) {
        errs.push(invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

function validateHandler(h: Obj, path: string, kinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const kind of kinds) {
    const a = h[kind];
    if (a === undefined || a === null) continue;
    const ap = child(path, kind);
    if (n > 0) {
      errs.push(forbidden(ap, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const act = isRecord(a) ? a : {};
    if (kind === 'exec') {
      if (!Array.isArray(act['command']) || act['command'].length === 0) errs.push(required(child(ap, 'command')));
    } else if (kind === 'httpGet') {
      if (!str(act['path'])) errs.push(required(child(ap, 'path')));
      errs.push(...validatePortNumOrName(act['port'], child(ap, 'port')));
      const scheme = str(act['scheme']);
      if (scheme && scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(notSupported(child(ap, 'scheme'), scheme, ['HTTP', 'HTTPS']));
    } else if (kind === 'tcpSocket') {
      errs.push(...validatePortNumOrName(act['port'], child(ap, 'port')));
    } else if (kind === 'grpc') {
      const port = act['port'];
      if (typeof port !== 'number') errs.push(required(child(ap, 'port')));
      else errs.push(...isValidPortNum(port).map((m) => invalid(child(ap, 'port'), port, m)));
    } else if (kind === 'sleep') {
      errs.push(...nonNegative(child(ap, 'seconds'), act['seconds']));
    }
  }
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

function validateProbe(probe: unknown, path: string, which: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (probe === undefined || probe === null) return [];
  const p = isRecord(probe) ? probe : {};
  const errs = validateHandler(p, path, probeHandlers);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(child(path, f), p[f]));
  }
  const tg = p['terminationGracePeriodSeconds'];
  if (typeof tg === 'number' && tg <= 0) errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), tg, 'must be greater than 0'));
  if (which === 'readiness' && tg !== undefined && tg !== null) {
    errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), tg, 'must not be set for readinessProbes'));
  }
  if (which !== 'readiness' && typeof p['successThreshold'] === 'number' && p['successThreshold'] !== 1) {
    errs.push(invalid(child(path, 'successThreshold'), p['successThreshold'], 'must be 1'));
  }
  return errs;
}

function validateLifecycle(lc: unknown, path: string): FieldError[] {
  if (!isRecord(lc)) return [];
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    if (isRecord(lc[hook])) errs.push(...validateHandler(lc[hook], child(path, hook), ['exec', 'httpGet', 'tcpSocket', 'sleep']));
  }
  return errs;
}

/** What all containers share (validateContainerCommon). */
export function validateContainerCommon(c: Obj, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c['name']);
  if (!name) errs.push(required(child(path, 'name')));
  else errs.push(...isDNS1123Label(name).map((m) => invalid(child(path, 'name'), name, m)));
  if (!str(c['image'])) errs.push(required(child(path, 'image')));
  const tmp = str(c['terminationMessagePolicy']);
  if (!tmp) errs.push(required(child(path, 'terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c['ports'], child(path, 'ports')));
  errs.push(...validateEnv(c['env'], child(path, 'env')));
  errs.push(...validateEnvFrom(c['envFrom'], child(path, 'envFrom')));
  errs.push(...validateVolumeMounts(c['volumeMounts'], volumes, child(path, 'volumeMounts')));
  const pull = str(c['imagePullPolicy']);
  if (!pull) errs.push(required(child(path, 'imagePullPolicy')));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) {
    errs.push(notSupported(child(path, 'imagePullPolicy'), pull, ['Always', 'IfNotPresent', 'Never']));
  }
  errs.push(...validateResources(c['resources'], child(path, 'resources')));
  return errs;
}

/** Regular containers (at least one) or init containers: names unique across both lists. */
export function validateContainers(containers: unknown, volumes: ReadonlySet<string>, path: string, init: boolean, taken: Set<string>): FieldError[] {
  if (!init && (!Array.isArray(containers) || containers.length === 0)) return [required(path)];
  if (containers !== undefined && containers !== null && !Array.isArray(containers)) return [invalid(path, containers, 'must be a list')];
  const errs: FieldError[] = [];
  recs(containers).forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, volumes, p));
    const name = str(c['name']);
    if (name && taken.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else taken.add(name);
    const sidecar = init && c['restartPolicy'] === 'Always';
    if (c['restartPolicy'] !== undefined && c['restartPolicy'] !== null) {
      if (!init) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
      else if (!sidecar) errs.push(notSupported(child(p, 'restartPolicy'), c['restartPolicy'], ['Always']));
    }
    if (init && !sidecar) {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[probe] !== undefined && c[probe] !== null) errs.push(forbidden(child(p, probe), 'may not be set for init containers without restartPolicy=Always'));
      }
    } else {
      errs.push(...validateProbe(c['livenessProbe'], child(p, 'livenessProbe'), 'liveness'));
      errs.push(...validateProbe(c['readinessProbe'], child(p, 'readinessProbe'), 'readiness'));
      errs.push(...validateProbe(c['startupProbe'], child(p, 'startupProbe'), 'startup'));
    }
    errs.push(...validateLifecycle(c['lifecycle'], child(p, 'lifecycle')));
  });
  return errs;
}

/** Two containers of a pod may not claim the same host port (protocol, host IP and port). */
export function checkHostPortConflicts(containers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  recs(containers).forEach((c, ci) => {
    recs(c['ports']).forEach((p, pi) => {
      const hp = p['hostPort'];
      if (typeof hp !== 'number' || hp === 0) return;
      const k = `${str(p['protocol'])}/${str(p['hostIP'])}/${hp}`;
      if (seen.has(k)) errs.push(duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), k));
      seen.add(k);
    });
  });
  return errs;
}
