/**
 * `port-forward`'s arguments as kubectl reads them: `[LOCAL]:REMOTE` pairs (a bare port is both;
 * an empty or 0 local port is chosen by the system), a remote port by name resolved against the
 * pod's container ports, a service's port turned into its pod's target port, and `--address`.
 */
import type { Pod, Service } from '../../api/kinds.js';
import { CliError } from '../kube/index.js';

export interface PortPair {
  local: number;
  readonly remote: string;
}

export function parsePortPairs(specs: readonly string[]): PortPair[] {
  return specs.map((spec) => {
    const parts = spec.split(':');
    if (parts.length > 2) throw new CliError(`invalid port format '${spec}'`);
    const local = parts.length === 1 ? parts[0]! : parts[0] || '0';
    const remote = parts.length === 1 ? parts[0]! : parts[1]!;
    if (!/^\d+$/.test(local) || Number(local) > 65535) throw new CliError(`Error parsing local port '${local}': strconv.ParseUint: parsing "${local}": invalid syntax`);
    if (remote === '') throw new CliError(`Error parsing remote port '${remote}': strconv.ParseUint: parsing "": invalid syntax`);
    if (/^\d+$/.test(remote) && (Number(remote) === 0 || Number(remote) > 65535)) throw new CliError('Remote port must be > 0');
    return { local: Number(local), remote };
  });
}

/** A named remote port becomes the number of the pod's container port of that name. */
export function podPort(pod: Pod, remote: string): number {
  if (/^\d+$/.test(remote)) return Number(remote);
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) if (p.name === remote) return p.containerPort;
  }
  throw new CliError(`Pod '${pod.metadata.name ?? ''}' does not have a named port '${remote}'`);
}

/** kubectl's translation of a service's port (number or name) into the pod's port. */
export function servicePort(svc: Service, pod: Pod, remote: string): number {
  const ports = svc.spec?.ports ?? [];
  const sp = /^\d+$/.test(remote) ? ports.find((p) => p.port === Number(remote)) : ports.find((p) => p.name === remote);
  if (!sp) throw new CliError(`Service ${svc.metadata.name ?? ''} does not have a service port ${remote}`);
  const target = sp.targetPort;
  if (target === undefined || target === 0 || target === '') return sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  return podPort(pod, target);
}

/** `--address` values as listen addresses: `localhost` is both loopbacks, tried in turn. */
export function listenAddresses(values: readonly string[]): { host: string; required: boolean }[] {
  const out: { host: string; required: boolean }[] = [];
  for (const v of values.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    if (v === 'localhost') out.push({ host: '127.0.0.1', required: false }, { host: '::1', required: false });
    else out.push({ host: v, required: true });
  }
  return out;
}
