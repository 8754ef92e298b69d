/**
 * Services as environment variables, as kubelet's getServiceEnvVarMap and envvars.FromServices
 * make them: for every service with a cluster IP in the pod's namespace (unless the pod sets
 * `enableServiceLinks: false`) and always for the `kubernetes` Service in `default`,
 * `NAME_SERVICE_HOST`, `NAME_SERVICE_PORT` (the first port), `NAME_SERVICE_PORT_<PORTNAME>` for
 * named ports, and Docker's link variables (`NAME_PORT=tcp://ip:port`,
 * `NAME_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}`). Names are upper-cased with `-` as `_`. A
 * container's own variables win over these (see env.ts).
 */
import type { Pod, Service } from '../api/kinds.js';

/** The services that become variables, and their order (by name). */
export function linkedServices(pod: Pod, services: readonly Service[]): Service[] {
  const ns = pod.metadata.namespace ?? 'default';
  const links = pod.spec.enableServiceLinks ?? true;
  const byName = new Map<string, Service>();
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    const name = svc.metadata.name ?? '';
    // The API server's own Service always; a pod's namespace's services only with links on.
    if (svc.metadata.namespace === 'default' && name === 'kubernetes') {
      if (!byName.has(name)) byName.set(name, svc);
    } else if (svc.metadata.namespace === ns && links) {
      byName.set(name, svc);
    }
  }
  return [...byName.values()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** The variables for `services` (already chosen with {@link linkedServices}). */
export function serviceEnvVars(services: readonly Service[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const svc of services) {
    const ip = svc.spec?.clusterIP ?? '';
    const ports = svc.spec?.ports ?? [];
    const first = ports[0];
    if (!first) continue;
    const prefix = envName(svc.metadata.name ?? '');
    out.set(`${prefix}_SERVICE_HOST`, ip);
    out.set(`${prefix}_SERVICE_PORT`, String(first.port));
    for (const p of ports) if (p.name) out.set(`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port));
    const host = ip.includes(':') ? `[${ip}]` : ip;
    ports.forEach((p, i) => {
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      const url = `${proto}://${host}:${p.port}`;
      if (i === 0) out.set(`${prefix}_PORT`, url);
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.set(pp, url);
      out.set(`${pp}_PROTO`, proto);
      out.set(`${pp}_PORT`, String(p.port));
      out.set(`${pp}_ADDR`, ip);
    });
  }
  return out;
}

export function serviceEnv(pod: Pod, services: readonly Service[]): Map<string, string> {
  return serviceEnvVars(linkedServices(pod, services));
}
