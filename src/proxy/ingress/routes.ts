/**
 * The routing table of the Ingresses one controller serves, computed from the objects alone (no
 * sockets here). A request's host picks the rules (an exact host first, then a `*.` wildcard, which
 * stands for exactly one label, then the rules without a host); among their paths the longest
 * match wins, an Exact path before a Prefix of the same length, as the Ingress spec says. Prefix
 * matches by path elements (`/foo` matches `/foo` and `/foo/bar`, never `/foobar`);
 * ImplementationSpecific is read as Prefix. Nothing matching goes to the default backend (the
 * oldest Ingress' that has one).
 */
import type { Ingress, IngressBackend, PathType } from '../../api/kinds.js';

export interface Route {
  readonly namespace: string;
  readonly ingress: string;
  readonly path: string;
  readonly pathType: PathType;
  readonly backend: IngressBackend;
}

export interface Match {
  readonly namespace: string;
  readonly ingress: string;
  readonly backend: IngressBackend;
}

/** A request host without its port, lower case (`Foo.example.com:8080` → `foo.example.com`). */
export function hostOnly(host: string | undefined): string {
  if (!host) return '';
  const h = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return h.toLowerCase().replace(/\.$/, '');
}

/** Whether `*.example.com` covers `host`: one label in place of the star, no more. */
export function wildcardCovers(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return false;
  const suffix = pattern.slice(1);
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

function pathMatches(r: Route, path: string): boolean {
  if (r.pathType === 'Exact') return path === r.path;
  const prefix = r.path.replace(/\/+$/, '');
  if (prefix === '') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Longest first; at equal length Exact before Prefix; then creation order (stable sort). */
function byPrecedence(a: Route, b: Route): number {
  const la = a.path.replace(/\/+$/, '').length;
  const lb = b.path.replace(/\/+$/, '').length;
  if (la !== lb) return lb - la;
  return (a.pathType === 'Exact' ? 0 : 1) - (b.pathType === 'Exact' ? 0 : 1);
}

export class RouteTable {
  private readonly exact = new Map<string, Route[]>();
  private readonly wildcard = new Map<string, Route[]>();
  private readonly anyHost: Route[] = [];
  readonly defaultBackend: Match | undefined;

  /** `ingresses`: the ones this controller serves. */
  constructor(ingresses: readonly Ingress[]) {
    const sorted = [...ingresses].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')
      || `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    let def: Match | undefined;
    for (const ing of sorted) {
      const namespace = ing.metadata.namespace ?? 'default';
      const name = ing.metadata.name ?? '';
      if (!def && ing.spec?.defaultBackend) def = { namespace, ingress: name, backend: ing.spec.defaultBackend };
      for (const rule of ing.spec?.rules ?? []) {
        const host = (rule.host ?? '').toLowerCase();
        const routes = (rule.http?.paths ?? []).map((p): Route => ({
          namespace, ingress: name, path: p.path || '/', pathType: p.pathType ?? 'ImplementationSpecific', backend: p.backend,
        }));
        const into = host === '' ? this.anyHost : host.startsWith('*.') ? this.bucket(this.wildcard, host) : this.bucket(this.exact, host);
        into.push(...routes);
      }
    }
    this.defaultBackend = def;
    for (const list of [...this.exact.values(), ...this.wildcard.values(), this.anyHost]) list.sort(byPrecedence);
  }

  private bucket(m: Map<string, Route[]>, host: string): Route[] {
    let list = m.get(host);
    if (!list) m.set(host, (list = []));
    return list;
  }

  /** Where a request for `host` (as sent, port allowed) and `path` (query string allowed) goes. */
  match(host: string | undefined, rawPath: string): Match | undefined {
    const h = hostOnly(host);
    const q = rawPath.indexOf('?');
    const path = q >= 0 ? rawPath.slice(0, q) : rawPath;
    const tiers: Route[][] = [this.exact.get(h) ?? []];
    for (const [pattern, routes] of this.wildcard) if (wildcardCovers(pattern, h)) tiers.push(routes);
    tiers.push(this.anyHost);
    for (const routes of tiers) {
      const r = routes.find((x) => pathMatches(x, path));
      if (r) return { namespace: r.namespace, ingress: r.ingress, backend: r.backend };
    }
    return this.defaultBackend;
  }

  /** Whether any rule names `host` (exactly or by wildcard). */
  knowsHost(host: string): boolean {
    const h = hostOnly(host);
    return this.exact.has(h) || [...this.wildcard.keys()].some((p) => wildcardCovers(p, h));
  }
}
