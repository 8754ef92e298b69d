/**
 * Registry mirrors, after containerd's `hosts.toml`: a pull of a host's repository asks that
 * host's mirrors first, in order, and the host itself last — unless told not to, so an air-gapped
 * node (or a test) never reaches the internet. `docker.io/library/nginx` through the mirror
 * `http://127.0.0.1:5000` is `http://127.0.0.1:5000/v2/library/nginx/...`: the repository path is
 * kept, the host is replaced.
 */
import { InvalidMirrorError } from './errors.js';
import { dockerHubEndpoint, defaultDomain } from './reference.js';

/** Registry host (`docker.io`, `gcr.io`, `127.0.0.1:5000`) → mirror base URLs, tried in order. */
export type RegistryMirrors = Readonly<Record<string, readonly string[]>>;

export interface MirrorOptions {
  readonly mirrors?: RegistryMirrors;
  /** Whether a host with mirrors is still asked itself when no mirror has the content; default
   * true. False forbids it (containerd's hosts.toml without `server`). Hosts without mirrors are
   * always asked themselves. */
  readonly mirrorFallback?: boolean;
  /** Hosts spoken to over plain HTTP besides loopback ones. */
  readonly insecureHosts?: readonly string[];
}

/** One place to ask for a repository: its `/v2/` base URL and whose host it stands for. */
export interface Endpoint {
  /** `http://127.0.0.1:5000` (with any path prefix the mirror URL had, no trailing slash). */
  readonly base: string;
  /** The host contacted (`127.0.0.1:5000`): what credentials and error messages name. */
  readonly host: string;
  /** The registry host a mirror stands in for; absent for the registry itself. */
  readonly mirrorOf?: string;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The registry's own endpoint: HTTPS, plain HTTP for loopback and insecure hosts (as Docker). */
export function upstreamEndpoint(domain: string, insecureHosts: readonly string[] = []): Endpoint {
  const host = domain === defaultDomain ? dockerHubEndpoint : domain;
  const plain = isLoopbackHost(domain) || insecureHosts.includes(domain);
  return { base: `${plain ? 'http' : 'https'}://${host}`, host: domain };
}

/** Where to ask for `domain`'s repositories, in order: its mirrors, then (if allowed) itself. */
export function endpointsFor(domain: string, opts: MirrorOptions = {}): Endpoint[] {
  const mirrors = opts.mirrors?.[domain] ?? (domain === defaultDomain ? opts.mirrors?.['index.docker.io'] : undefined) ?? [];
  const out: Endpoint[] = mirrors.map((m) => mirrorEndpoint(m, domain));
  if (mirrors.length === 0 || opts.mirrorFallback !== false) out.push(upstreamEndpoint(domain, opts.insecureHosts));
  return out;
}

function mirrorEndpoint(url: string, domain: string): Endpoint {
  const u = parseMirrorUrl(url);
  return { base: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '').replace(/\/v2$/, '')}`, host: u.host, mirrorOf: domain };
}

function parseMirrorUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidMirrorError(`registry mirror "${url}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidMirrorError(`registry mirror "${url}" must be http:// or https://`);
  if (u.search || u.hash || u.username) throw new InvalidMirrorError(`registry mirror "${url}" must be a plain base URL`);
  return u;
}

/**
 * `HOST=URL` flags (repeatable; one host may be given several mirrors, asked in flag order) →
 * mirrors. A URL without a scheme is HTTPS, except for loopback hosts.
 */
export function parseMirrorFlags(flags: readonly string[]): RegistryMirrors {
  const out: Record<string, string[]> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const host = flag.slice(0, eq).trim();
    let url = flag.slice(eq + 1).trim();
    if (eq <= 0 || url === '') throw new InvalidMirrorError(`registry mirror "${flag}" is not HOST=URL`);
    if (host.includes('/')) throw new InvalidMirrorError(`registry mirror "${flag}": "${host}" is a registry host, not a URL`);
    if (!/^[a-z]+:\/\//i.test(url)) url = `${isLoopbackHost(url.split('/')[0] ?? '') ? 'http' : 'https'}://${url}`;
    parseMirrorUrl(url);
    (out[host === 'index.docker.io' ? defaultDomain : host] ??= []).push(url);
  }
  return out;
}
