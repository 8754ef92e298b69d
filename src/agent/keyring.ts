/**
 * The kubelet's docker keyring (pkg/credentialprovider): which credentials a pull of an image may
 * use. Each location of a pull secret becomes a key — the scheme dropped, a `/v1/` or `/v2/` path
 * meaning the host alone — and keys are tried in reverse lexical order, so `quay.io/team` comes
 * before `quay.io`. A key matches an image's repository (`127.0.0.1:5000/team/app`,
 * `docker.io/library/busybox`) when the port is the same, the host has as many dot-separated
 * parts, each part matches as a glob (`*.example.com`), and the key's path is a prefix of the
 * repository's. Every match's credentials are returned, most specific first; the caller tries
 * them in turn. With no match, Docker Hub images use `index.docker.io`'s.
 */
import type { Credentials } from '../images/index.js';
import { parseReference } from '../images/index.js';
import type { DockerConfig } from './dockercfg.js';

const defaultRegistryHost = 'index.docker.io';

/** A location without its scheme, split as Go's url.Parse would split `https://` + it; undefined
 * when Go would refuse it (the kubelet ignores such an entry). */
function splitLocation(schemeless: string): { host: string; path: string } | undefined {
  const end = schemeless.search(/[/?#]/);
  let host = end < 0 ? schemeless : schemeless.slice(0, end);
  const rest = end < 0 ? '' : schemeless.slice(end);
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if (/[^A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%]/.test(host)) return undefined;
  if (!host.startsWith('[')) {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !/^\d*$/.test(host.slice(colon + 1))) return undefined;
  }
  const path = rest.startsWith('/') ? rest.replace(/[?#].*$/s, '') : '';
  return { host, path };
}

/** Go's net.SplitHostPort, falling back to the whole host and no port as the kubelet does. */
function hostAndPort(host: string): { parts: string[]; port: string } {
  let name = host;
  let port = '';
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(host);
  if (bracket) {
    name = bracket[1]!;
    port = bracket[2]!;
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0 && colon === host.lastIndexOf(':') && !host.startsWith('[')) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
  }
  return { parts: name.split('.'), port };
}

/** Go's path.Match for one host part (no `/` to worry about): `*`, `?`, `[a-z]`, `[^x]`, `\` escapes.
 * A malformed pattern matches nothing. */
export function globMatch(pattern: string, text: string): boolean {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined) return false;
      src += next.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) return false;
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      if (body === '') return false;
      src += `[${negated ? '^' : ''}${body.replace(/[\]\\^]/g, '\\$&')}]`;
      i = close;
    } else src += c.replace(/[.+^${}()|\]]/g, '\\$&');
  }
  try {
    return new RegExp(`^${src}$`, 's').test(text);
  } catch {
    return false;
  }
}

/** The kubelet's URLsMatchStr(glob, target): both schemeless. */
export function locationMatches(glob: string, target: string): boolean {
  const g = splitLocation(glob);
  const t = splitLocation(target);
  if (!g || !t) return false;
  const gh = hostAndPort(g.host);
  const th = hostAndPort(t.host);
  if (gh.port !== th.port || gh.parts.length !== th.parts.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  return gh.parts.every((p, i) => globMatch(p, th.parts[i]!));
}

/** The key a location is indexed under: no scheme, `/v1/…` and `/v2/…` read as the rest of the
 * path, a bare `/` as none. Undefined for a location Go would not parse. */
export function keyringKey(location: string): string | undefined {
  const schemeless = location.replace(/^https?:\/\//, '');
  const parts = splitLocation(schemeless);
  if (!parts) return undefined;
  let path = parts.path;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path !== '' && path !== '/' ? parts.host + path : parts.host;
}

/** Go's isDefaultRegistryMatch on a normalized repository. */
function isDefaultRegistry(repository: string): boolean {
  const slash = repository.indexOf('/');
  const first = slash < 0 ? repository : repository.slice(0, slash);
  if (first === '') return false;
  if (slash < 0) return true;
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !/[.:]/.test(first);
}

export class Keyring {
  readonly #creds = new Map<string, Credentials[]>();
  #index: string[] = [];

  /** Adds every location of one docker config (one pull secret). */
  add(config: DockerConfig): this {
    for (const [location, e] of config) {
      const key = keyringKey(location);
      if (key === undefined) continue;
      const list = this.#creds.get(key) ?? [];
      list.push({ username: e.username, password: e.password });
      this.#creds.set(key, list);
    }
    // Reverse lexical order (Go's sort.Reverse over byte strings): longer, more specific keys first.
    this.#index = [...this.#creds.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    return this;
  }

  /** Every credential that may pull `image`, most specific location first; empty for none (the
   * pull goes without). An unparsable image name has none. */
  lookup(image: string): Credentials[] {
    let repository: string;
    try {
      repository = parseReference(image).repository;
    } catch {
      return [];
    }
    const out = this.#index.filter((k) => locationMatches(k, repository)).flatMap((k) => this.#creds.get(k) ?? []);
    if (out.length) return out;
    return isDefaultRegistry(repository) ? [...(this.#creds.get(defaultRegistryHost) ?? [])] : [];
  }
}
