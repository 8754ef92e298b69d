/**
 * JSON merge patch (RFC 7396) and Kubernetes' strategic merge patch. A strategic merge patch is a
 * merge patch where some lists merge item by item on a key (containers by name, ports by
 * containerPort…) and a few directives steer the result (`$patch`, `$setElementOrder/…`,
 * `$deleteFromPrimitiveList/…`, `$retainKeys`). With no merge keys it is exactly RFC 7396, so
 * both share one implementation.
 */
import { isRecord } from '../../api/types.js';
import { BadRequestError } from '../../api/errors.js';

type Json = unknown;
type JsonMap = Record<string, Json>;

/** How a strategic merge patch treats the list at a field path: merged by a key, merged as a
 * set of primitives, or (absent) replaced whole. */
export interface ListStrategy {
  readonly mergeKey?: string;
}

export interface MergeOptions {
  readonly strategic: boolean;
  /** For strategic patches: the list strategy at a path (from the kind's schema). */
  readonly listStrategy?: (path: readonly string[]) => ListStrategy | undefined;
}

export function applyMergePatch(original: Json, patch: Json, opts: MergeOptions): Json {
  if (!isRecord(patch)) return patch;
  const base: JsonMap = isRecord(original) ? { ...original } : {};
  return mergeMap(base, patch, opts, []);
}

function mergeMap(orig: JsonMap, patch: JsonMap, opts: MergeOptions, path: readonly string[]): JsonMap {
  if (opts.strategic && patch['$patch'] === 'replace') {
    const { $patch: _p, ...rest } = patch;
    void _p;
    return stripDirectives(rest) as JsonMap;
  }
  const out: JsonMap = { ...orig };
  const orders = new Map<string, Json[]>();
  let retain: string[] | undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (opts.strategic && k.startsWith('$')) {
      if (k.startsWith('$setElementOrder/')) orders.set(k.slice('$setElementOrder/'.length), asList(v, k));
      else if (k.startsWith('$deleteFromPrimitiveList/')) {
        const field = k.slice('$deleteFromPrimitiveList/'.length);
        const drop = new Set(asList(v, k).map((x) => JSON.stringify(x)));
        const cur = out[field];
        if (Array.isArray(cur)) out[field] = cur.filter((x) => !drop.has(JSON.stringify(x)));
      } else if (k === '$retainKeys') retain = asList(v, k).map(String);
      else if (k === '$patch') {
        if (v === 'delete') return {};
      } else throw new BadRequestError(`unknown patch directive: ${k}`);
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (isRecord(v)) {
      out[k] = mergeMap(isRecord(out[k]) ? (out[k] as JsonMap) : {}, v, opts, [...path, k]);
      if (opts.strategic && v['$patch'] === 'delete') delete out[k];
    } else if (Array.isArray(v) && opts.strategic) {
      out[k] = mergeList([...path, k], out[k], v, opts);
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = applyOrder(opts.listStrategy?.([...path, field])?.mergeKey, cur, order);
  }
  if (retain) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function asList(v: Json, directive: string): Json[] {
  if (!Array.isArray(v)) throw new BadRequestError(`${directive} must be a list`);
  return v;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((i) => !(isRecord(i) && '$patch' in i && Object.keys(i).length === 1)).map(stripDirectives);
  if (!isRecord(v)) return v;
  const out: JsonMap = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

function mergeList(path: readonly string[], orig: Json, patch: Json[], opts: MergeOptions): Json[] {
  const replaceAll = patch.some((i) => isRecord(i) && i['$patch'] === 'replace');
  if (replaceAll) return stripDirectives(patch) as Json[];
  const strategy = opts.listStrategy?.(path);
  if (!strategy) return stripDirectives(patch) as Json[];
  const cur = Array.isArray(orig) ? orig : [];
  const key = strategy.mergeKey;
  if (!key) {
    // A merged list of primitives (finalizers): a set union.
    const seen = new Set(cur.map((x) => JSON.stringify(x)));
    return [...cur, ...patch.filter((x) => !seen.has(JSON.stringify(x)))];
  }
  if (!patch.every(isRecord)) return stripDirectives(patch) as Json[];
  const out: Json[] = [...cur];
  for (const item of patch as JsonMap[]) {
    const id = item[key];
    const at = out.findIndex((o) => isRecord(o) && o[key] === id);
    if (item['$patch'] === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = mergeMap(out[at] as JsonMap, item, opts, path);
    else out.push(stripDirectives(item));
  }
  return out;
}

function applyOrder(key: string | undefined, items: Json[], order: Json[]): Json[] {
  const idOf = (x: Json): string => JSON.stringify(key && isRecord(x) ? x[key] : x);
  const rank = new Map(order.map((o, i) => [idOf(o), i]));
  const ranked = items.filter((x) => rank.has(idOf(x))).sort((a, b) => rank.get(idOf(a))! - rank.get(idOf(b))!);
  const rest = items.filter((x) => !rank.has(idOf(x)));
  return [...ranked, ...rest];
}
