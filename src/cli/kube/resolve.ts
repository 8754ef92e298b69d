/**
 * From what the user typed to resources: `po`, `pods`, `pod`, `Pod`, `daemonsets.apps`,
 * `deployments.v1.apps`, `rc,svc`, `all`, and the argument shapes `TYPE NAME…` and
 * `TYPE/NAME…`, with kubectl's errors for what it refuses.
 */
import type { ApiResource, Discovery } from './discovery.js';
import { CliError } from './errors.js';

const versionRe = /^v\d+(?:(?:alpha|beta)\d+)?$/;

/** The resources one typed name means (several only for `all` or a category). */
export function resolveTypes(d: Discovery, typed: string): ApiResource[] {
  const lower = typed.toLowerCase();
  const byCategory = d.resources.filter((r) => r.preferred && r.categories.includes(lower));
  const one = findType(d, lower);
  if (one) return [one];
  if (byCategory.length) return dedupeByGroupResource(byCategory);
  throw new CliError(`the server doesn't have a resource type "${typed}"`);
}

/** One resource for a typed name, or the kubectl error. */
export function resolveType(d: Discovery, typed: string): ApiResource {
  const r = findType(d, typed.toLowerCase());
  if (!r) throw new CliError(`the server doesn't have a resource type "${typed}"`);
  return r;
}

function findType(d: Discovery, lower: string): ApiResource | undefined {
  const parts = lower.split('.');
  const name = parts[0] ?? '';
  const scopes: { group?: string; version?: string }[] = [];
  if (parts.length === 1) scopes.push({});
  else {
    scopes.push({ group: parts.slice(1).join('.') });
    if (parts.length >= 3 && versionRe.test(parts[1] ?? '')) scopes.push({ version: parts[1] ?? '', group: parts.slice(2).join('.') });
  }
  for (const scope of scopes) {
    const inScope = d.resources.filter((r) => (scope.group === undefined || r.group === scope.group) && (scope.version === undefined || r.version === scope.version));
    // Plural/singular/kind beat short names; a group's preferred version beats the others;
    // discovery order (core first) breaks ties.
    const exact = inScope.filter((r) => r.plural === name || r.singular === name || r.kind.toLowerCase() === name);
    const pool = exact.length ? exact : inScope.filter((r) => r.shortNames.includes(name));
    const hit = pool.find((r) => r.preferred) ?? pool[0];
    if (hit) return hit;
  }
  return undefined;
}

function dedupeByGroupResource(list: ApiResource[]): ApiResource[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const k = `${r.group}/${r.plural}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A resource and the names asked for under it (none: every object, subject to selectors). */
export interface Selection {
  readonly resource: ApiResource;
  readonly names: readonly string[];
}

/**
 * Splits `TYPE[,TYPE…] [NAME…]` or `TYPE/NAME…` into selections. `requireNames` makes a bare
 * type an error (for verbs that act on named objects unless -l/--all is given).
 */
export function parseResourceArgs(d: Discovery, args: readonly string[]): Selection[] {
  if (args.length === 0) return [];
  const slashed = args.filter((a) => a.includes('/'));
  if (slashed.length > 0) {
    if (slashed.length !== args.length) {
      throw new CliError(
        "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      );
    }
    const out: { resource: ApiResource; names: string[] }[] = [];
    for (const a of args) {
      const [type, name, ...rest] = a.split('/');
      if (!type || !name || rest.length) throw new CliError('arguments in resource/name form must have a single resource and name');
      const r = resolveType(d, type);
      const existing = out.find((s) => s.resource === r);
      if (existing) existing.names.push(name);
      else out.push({ resource: r, names: [name] });
    }
    return out;
  }
  const [types, ...names] = args;
  const typed = (types ?? '').split(',').filter(Boolean);
  if (names.length > 0 && typed.some((t) => t.toLowerCase() === 'all')) {
    throw new CliError(`you must specify only one resource`);
  }
  return typed.flatMap((t) => resolveTypes(d, t)).map((resource) => ({ resource, names }));
}

/** `replicationcontroller` or `daemonset.apps`: how kubectl names a kind in its output lines. */
export function kindString(r: Pick<ApiResource, 'kind' | 'group'>): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}
