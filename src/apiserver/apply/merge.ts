/**
 * The merge of an applied configuration into the live object, by the schema: struct fields and
 * map entries merge one by one, map lists item by item on their keys, set lists as a union,
 * atomic values and scalars are replaced by the configuration's.
 */
import { isRecord } from '../../api/types.js';
import { itemPe, isAtomic, memberType, type TypeNode } from './typed.js';

export function mergeApplied(live: unknown, config: unknown, t: TypeNode): unknown {
  if (Array.isArray(config)) {
    if (t.t !== 'list' || t.listType === 'atomic' || !Array.isArray(live)) return structuredClone(config);
    return mergeList(live, config, t);
  }
  if (!isRecord(config) || isAtomic(t, config) || !isRecord(live)) return structuredClone(config);
  const out: Record<string, unknown> = { ...live };
  for (const [k, v] of Object.entries(config)) {
    if (v === null) delete out[k];
    else out[k] = mergeApplied(live[k], v, memberType(t, k));
  }
  return out;
}

/** Live items keep their places (merged with the configuration's); a new item goes right after
 * the configuration item before it, else right before the one after it, else at the end. */
function mergeList(live: unknown[], config: unknown[], t: Extract<TypeNode, { t: 'list' }>): unknown[] {
  const out: { pe: string; v: unknown }[] = live.map((item, i) => ({ pe: itemPe(t, item, i), v: item }));
  const cfg = config.map((item, i) => ({ pe: itemPe(t, item, i), v: item }));
  const indexOf = (pe: string) => out.findIndex((o) => o.pe === pe);
  cfg.forEach((c, i) => {
    const at = indexOf(c.pe);
    if (at >= 0) {
      out[at] = { pe: c.pe, v: t.listType === 'set' ? c.v : mergeApplied(out[at]!.v, c.v, t.items) };
      return;
    }
    const item = { pe: c.pe, v: structuredClone(c.v) };
    const prev = i > 0 ? indexOf(cfg[i - 1]!.pe) : -1;
    if (prev >= 0) {
      out.splice(prev + 1, 0, item);
      return;
    }
    const following = cfg.slice(i + 1).map((n) => indexOf(n.pe)).find((x) => x >= 0);
    if (following !== undefined) out.splice(following, 0, item);
    else out.push(item);
  });
  return out.map((o) => o.v);
}
