/**
 * Where a `proxy` request goes, as kube-apiserver's `ResourceLocation`s decide: a pod's IP and
 * port (its first declared container port when none is named), a ready endpoint of a service
 * (the port by number is the service port whose name the endpoints carry), or a node — its own
 * endpoint through the node dialer, or another port on its address. The errors are theirs.
 */
import { BadRequestError, ServiceUnavailableError } from '../../api/errors.js';
import type { Endpoints, Node, Pod, Service } from '../../api/kinds.js';
import { isIP } from 'node:net';
import { splitSchemeNamePort } from './schemename.js';

export interface ProxyTarget {
  /** `kubelet`: the node's endpoint, reached through the node dialer with its credentials. */
  readonly via: 'direct' | 'kubelet';
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly nodeName?: string;
}

/** Reads objects of the proxied request's namespace (404s are the registry's own). */
export interface ProxyObjects {
  pod(name: string): Promise<Pod>;
  service(name: string): Promise<Service>;
  endpoints(name: string): Promise<Endpoints>;
  node(name: string): Promise<Node>;
}

function target(scheme: string, host: string, port: string): ProxyTarget {
  const https = scheme === 'https';
  const n = port === '' ? (https ? 443 : 80) : Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new BadRequestError(`invalid port ${JSON.stringify(port)}`);
  return { via: 'direct', scheme: https ? 'https' : 'http', host, port: n };
}

export async function podTarget(objects: ProxyObjects, id: string): Promise<ProxyTarget> {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw new BadRequestError(`invalid pod request ${JSON.stringify(id)}`);
  const pod = await objects.pod(parsed.name);
  let port = parsed.port;
  if (port === '') port = String(pod.spec?.containers?.find((c) => (c.ports?.length ?? 0) > 0)?.ports?.[0]?.containerPort ?? '');
  const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';
  // Kubernetes also refuses loopback addresses here; process-mode pods live on loopback.
  if (!isIP(ip)) throw new BadRequestError('address not allowed');
  return target(parsed.scheme, ip, port);
}

export async function serviceTarget(objects: ProxyObjects, id: string): Promise<ProxyTarget> {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw new BadRequestError(`invalid service request ${JSON.stringify(id)}`);
  const { name } = parsed;
  let portName = parsed.port;
  if (/^[+-]?\d+$/.test(portName)) {
    const svc = await objects.service(name);
    const n = Number(portName);
    const match = svc.spec?.ports?.find((p) => p.port === n);
    if (!match) throw new ServiceUnavailableError(`no service port ${n} found for service ${JSON.stringify(name)}`);
    portName = match.name ?? '';
  }
  const eps = await objects.endpoints(name);
  const subsets = eps.subsets ?? [];
  if (subsets.length === 0) throw new ServiceUnavailableError(`no endpoints available for service ${JSON.stringify(name)}`);
  // A random subset and address first, as kube-apiserver spreads proxied requests.
  const start = Math.floor(Math.random() * subsets.length);
  for (let i = 0; i < subsets.length; i++) {
    const ss = subsets[(start + i) % subsets.length]!;
    const addresses = ss.addresses ?? [];
    const port = (ss.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (!addresses.length || !port) continue;
    const a = Math.floor(Math.random() * addresses.length);
    for (let j = 0; j < addresses.length; j++) {
      const addr = addresses[(a + j) % addresses.length]!;
      // Only addresses that are a pod's (kube-apiserver's isValidAddress).
      if (!(await isPodAddress(objects, addr.ip, addr.targetRef))) continue;
      return target(parsed.scheme, addr.ip, String(port.port));
    }
  }
  throw new ServiceUnavailableError(`no endpoints available for service ${JSON.stringify(id)}`);
}

async function isPodAddress(objects: ProxyObjects, ip: string, ref: { kind?: string; name?: string } | undefined): Promise<boolean> {
  if (!ref?.name) return false;
  const pod = await objects.pod(ref.name).catch(() => undefined);
  if (!pod) return false;
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)];
  return ips.includes(ip);
}

export async function nodeTarget(objects: ProxyObjects, id: string): Promise<ProxyTarget> {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw new BadRequestError(`invalid node request ${JSON.stringify(id)}`);
  const node = await objects.node(parsed.name);
  const host = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const kubeletPort = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !kubeletPort) throw new BadRequestError(`node ${parsed.name} has no reachable endpoint`);
  // No port, or the endpoint's own: the node endpoint with the server's credentials.
  if (parsed.port === '' || parsed.port === String(kubeletPort)) {
    return { via: 'kubelet', scheme: 'http', host, port: kubeletPort, nodeName: parsed.name };
  }
  return target(parsed.scheme, host, parsed.port);
}
