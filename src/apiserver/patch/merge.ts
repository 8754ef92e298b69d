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

/** Lists that merge by a key, by field name (the same in every kind skiff serves). */
const mergeKeys: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  addresses: 'type',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  ports: 'containerPort', // service ports use `port`; see keyFor
};

/** Lists of strings that merge as sets. */
const mergedPrimitiveLists = new Set(['finalizers']);

function keyFor(field: string, items: readonly Json[]): string | undefined {
  const k = mergeKeys[field];
  if (field === 'ports' && items.some((i) => isRecord(i) && 'port' in i && !('containerPort' in i))) return 'port';
  return k;
}

export interface MergeOptions {
  readonly strategic: boolean;
}

export function applyMergePatch(original: Json, patch: Json, opts: MergeOptions): Json {
  if (!isRecord(patch)) return patch;
  const base: JsonMap = isRecord(original) ? { ...original } : {};
  return mergeMap(base, patch, opts);
}

function mergeMap(orig: JsonMap, patch: JsonMap, opts: MergeOptions): JsonMap {
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
      out[k] = mergeMap(isRecord(out[k]) ? (out[k] as JsonMap) : {}, v, opts);
      if (opts.strategic && v['$patch'] === 'delete') delete out[k];
    } else if (Array.isArray(v) && opts.strategic) {
      out[k] = mergeList(k, out[k], v, opts);
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = applyOrder(field, cur, order);
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

function mergeList(field: string, orig: Json, patch: Json[], opts: MergeOptions): Json[] {
  const replaceAll = patch.some((i) => isRecord(i) && i['$patch'] === 'replace');
  if (replaceAll) return stripDirectives(patch) as Json[];
  const cur = Array.isArray(orig) ? orig : [];
  if (mergedPrimitiveLists.has(field)) {
    const seen = new Set(cur.map((x) => JSON.stringify(x)));
    return [...cur, ...patch.filter((x) => !seen.has(JSON.stringify(x)))];
  }
  const key = keyFor(field, [...cur, ...patch]);
  if (!key || !patch.every(isRecord)) return stripDirectives(patch) as Json[];
  const out: Json[] = [...cur];
  for (const item of patch as JsonMap[]) {
    const id = item[key];
    const at = out.findIndex((o) => isRecord(o) && o[key] === id);
    if (item['$patch'] === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = mergeMap(out[at] as JsonMap, item, opts);
    else out.push(stripDirectives(item));
  }
  return out;
}

function applyOrder(field: string, items: Json[], order: Json[]): Json[] {
  const key = keyFor(field, items);
  const idOf = (x: Json): string => JSON.stringify(key && isRecord(x) ? x[key] : x);
  const rank = new Map(order.map((o, i) => [idOf(o), i]));
  const ranked = items.filter((x) => rank.has(idOf(x))).sort((a, b) => rank.get(idOf(a))! - rank.get(idOf(b))!);
  const rest = items.filter((x) => !rank.has(idOf(x)));
  return [...ranked, ...rest];
}
