/**
 * Server-side apply of a configuration to the live object (or to nothing, on create): the merge,
 * conflicts with other managers (409 unless forced), removal of fields the applier stopped
 * applying that nobody else owns, and the applier's new ownership.
 */
import { isRecord, type KubeObject, type StatusCause } from '../../api/types.js';
import { ApiError } from '../../api/errors.js';
import { kubeTime } from '../../api/time.js';
import { FieldSet, pathString, type Path } from './fieldset.js';
import { compare, removeAt, toFieldSet } from './fields.js';
import { mergeApplied } from './merge.js';
import { decodeManaged, findManager, ownedPart, setManaged, type ManagerEntry, type Writer } from './managed.js';
import type { TypeNode } from './typed.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ApplyOptions extends Writer {
  readonly force: boolean;
  /** Status is not owned through the main resource of a kind with a status subresource. */
  readonly resetStatus: boolean;
}

interface Conflict {
  readonly manager: ManagerEntry;
  readonly path: Path;
}

/** The object after applying `config` to `live` (undefined on create), with its managedFields. */
export function applyConfig(live: KubeObject | undefined, config: KubeObject, t: TypeNode, opts: ApplyOptions): KubeObject {
  const managers = decodeManaged(live?.metadata.managedFields);
  const owned = ownedPart(config, opts.resetStatus);
  const configSet = toFieldSet(owned, t);
  let mine = findManager(managers, opts.manager, 'Apply', opts.subresource);
  const previous = mine?.set ?? new FieldSet();
  const others = managers.filter((m) => m !== mine);
  let otherSet = new FieldSet();
  for (const m of others) otherSet = otherSet.union(m.set);

  const base = live ? structuredClone(live) : { ...config, metadata: { ...config.metadata } };
  const merged = mergeApplied(base, live ? owned : {}, t) as KubeObject;
  for (const path of previous.difference(configSet).paths()) {
    if (!otherSet.hasPrefix(path)) removeAt(merged as unknown as Record<string, unknown>, path, t);
  }
  const { changed, removed } = compare(ownedPart(live, opts.resetStatus), ownedPart(merged, opts.resetStatus), t);
  const touched = changed.union(removed);
  const conflicts: Conflict[] = [];
  for (const m of others) {
    for (const path of m.set.intersection(touched).paths()) conflicts.push({ manager: m, path });
  }
  if (conflicts.length > 0 && !opts.force && !upgradedFromClientSide(live, conflicts, t, opts)) throw conflictError(conflicts);
  for (const m of others) m.set = m.set.difference(touched);
  if (!mine) {
    mine = { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, ...(opts.subresource ? { subresource: opts.subresource } : {}), set: configSet };
    managers.push(mine);
  }
  if (!mine.set.equals(configSet) || mine.time === undefined || mine.apiVersion !== opts.apiVersion) {
    mine.time = kubeTime();
    mine.apiVersion = opts.apiVersion;
  }
  mine.set = configSet;
  if (live) keepLastApplied(live, merged, config, opts.manager);
  setManaged(merged, managers);
  return merged;
}

/**
 * kubectl's upgrade from client-side apply: fields a `kubectl apply` set (they are in the
 * last-applied-configuration annotation) may be taken over by the first server-side apply
 * without a conflict, so `kubectl apply --server-side` after `kubectl apply` just works.
 */
function upgradedFromClientSide(live: KubeObject | undefined, conflicts: readonly Conflict[], t: TypeNode, opts: ApplyOptions): boolean {
  const text = live?.metadata.annotations?.[LAST_APPLIED];
  if (!text || opts.manager !== 'kubectl') return false;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isRecord(last)) return false;
  const lastSet = toFieldSet(ownedPart(last, opts.resetStatus), t);
  return conflicts.every((c) => lastSet.has(c.path));
}

/** kubectl server-side apply keeps an existing last-applied-configuration current, so a later
 * client-side `kubectl apply` (the way back) computes its patch from what was last applied. */
function keepLastApplied(live: KubeObject, merged: KubeObject, config: KubeObject, manager: string): void {
  if (manager !== 'kubectl' || live.metadata.annotations?.[LAST_APPLIED] === undefined) return;
  const copy = structuredClone(config);
  const ann = { ...(copy.metadata.annotations ?? {}) };
  delete ann[LAST_APPLIED];
  if (Object.keys(ann).length > 0) copy.metadata.annotations = ann;
  else delete copy.metadata.annotations;
  merged.metadata.annotations = { ...(merged.metadata.annotations ?? {}), [LAST_APPLIED]: `${JSON.stringify(sortKeys(copy))}\n` };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** How kube-apiserver names a manager in a conflict. */
function printManager(m: ManagerEntry): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += m.time ? ` using ${m.apiVersion} at ${m.time}` : ` using ${m.apiVersion}`;
  return s;
}

/** 409 Conflict with one `FieldManagerConflict` cause per field, in Kubernetes' wording. */
export function conflictError(conflicts: readonly Conflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const k = printManager(c.manager);
      byManager.set(k, [...(byManager.get(k) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const k of [...byManager.keys()].sort()) lines.push(`conflicts with ${k}:`, ...byManager.get(k)!.map((p) => `- ${p}`));
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
