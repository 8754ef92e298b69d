/**
 * `metadata.managedFields`: which manager owns which fields. Entries are keyed by manager,
 * operation (`Apply` or `Update`) and subresource, as kube-apiserver keeps them; every write
 * records what its manager changed, and takes those fields from the others.
 */
import { isDeepStrictEqual } from 'node:util';
import { isRecord, type KubeObject } from '../../api/types.js';
import { kubeTime } from '../../api/time.js';
import { FieldSet } from './fieldset.js';
import { compare } from './fields.js';
import type { TypeNode } from './typed.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  readonly manager: string;
  readonly operation: Operation;
  apiVersion: string;
  readonly subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Who writes, as the request names it. */
export interface Writer {
  readonly manager: string;
  /** The served group/version the request used (`apps/v1`). */
  readonly apiVersion: string;
  readonly subresource?: string;
}

/** More Update entries than this are folded, oldest first, into one `ancient-changes` entry. */
export const MAX_UPDATE_MANAGERS = 10;

export function decodeManaged(entries: unknown): ManagerEntry[] {
  if (!Array.isArray(entries)) return [];
  const out: ManagerEntry[] = [];
  for (const e of entries) {
    if (!isRecord(e) || typeof e['manager'] !== 'string') continue;
    const operation = e['operation'] === 'Apply' ? 'Apply' : 'Update';
    out.push({
      manager: e['manager'],
      operation,
      apiVersion: typeof e['apiVersion'] === 'string' ? e['apiVersion'] : '',
      ...(typeof e['subresource'] === 'string' && e['subresource'] !== '' ? { subresource: e['subresource'] } : {}),
      ...(typeof e['time'] === 'string' ? { time: e['time'] } : {}),
      set: FieldSet.fromFieldsV1(e['fieldsV1']),
    });
  }
  return out;
}

/** Apply entries first, then updates oldest first, as kube-apiserver orders them. */
export function encodeManaged(managers: readonly ManagerEntry[]): Record<string, unknown>[] {
  const kept = capUpdates(managers.filter((m) => !m.set.isEmpty()));
  kept.sort((a, b) => (a.operation === b.operation ? 0 : a.operation === 'Apply' ? -1 : 1) ||
    (a.time ?? '').localeCompare(b.time ?? '') || a.manager.localeCompare(b.manager));
  return kept.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time !== undefined ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.set.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

function capUpdates(managers: ManagerEntry[]): ManagerEntry[] {
  const updates = managers.filter((m) => m.operation === 'Update').sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  if (updates.length <= MAX_UPDATE_MANAGERS) return managers;
  const fold = updates.slice(0, updates.length - MAX_UPDATE_MANAGERS + 1);
  let set = new FieldSet();
  for (const m of fold) set = set.union(m.set);
  const ancient: ManagerEntry = { manager: 'ancient-changes', operation: 'Update', apiVersion: fold[fold.length - 1]!.apiVersion, time: fold[fold.length - 1]!.time ?? kubeTime(), set };
  return [...managers.filter((m) => !fold.includes(m)), ancient];
}

export function findManager(managers: readonly ManagerEntry[], manager: string, operation: Operation, subresource?: string): ManagerEntry | undefined {
  return managers.find((m) => m.manager === manager && m.operation === operation && (m.subresource ?? '') === (subresource ?? ''));
}

const strippedMeta = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'generation', 'managedFields', 'resourceVersion'];

/** The part of an object whose fields are owned: not apiVersion, kind, the server's identity
 * metadata, nor (when `resetStatus`, for a resource with a status subresource written through
 * the main resource) the status. */
export function ownedPart(obj: KubeObject | Record<string, unknown> | undefined, resetStatus: boolean): Record<string, unknown> {
  if (!obj) return {};
  const { apiVersion: _a, kind: _k, metadata, status, ...rest } = obj as Record<string, unknown>;
  void _a;
  void _k;
  const out: Record<string, unknown> = rest;
  if (isRecord(metadata)) {
    const m: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(metadata)) if (!strippedMeta.includes(k)) m[k] = v;
    if (Object.keys(m).length > 0) out['metadata'] = m;
  }
  if (!resetStatus && status !== undefined) out['status'] = status;
  return out;
}

/**
 * Records an Update by `who` on `next` (in place): the fields it changed from `current` (none on
 * create) become its own and leave every other manager; removed fields leave everyone. Managed
 * fields the client itself changed in `next` are taken as the starting point (`[{}]` clears them),
 * as kube-apiserver does.
 */
export function trackUpdate(next: KubeObject, current: KubeObject | undefined, t: TypeNode, who: Writer, resetStatus: boolean): void {
  const provided = next.metadata.managedFields;
  const base = provided !== undefined && !isDeepStrictEqual(provided, current?.metadata.managedFields)
    ? provided
    : current?.metadata.managedFields;
  const managers = decodeManaged(base);
  const { changed, removed } = compare(ownedPart(current, resetStatus), ownedPart(next, resetStatus), t);
  const touched = changed.union(removed);
  for (const m of managers) m.set = m.set.difference(touched);
  if (!changed.isEmpty()) {
    let mine = findManager(managers, who.manager, 'Update', who.subresource);
    if (!mine) {
      mine = { manager: who.manager, operation: 'Update', apiVersion: who.apiVersion, ...(who.subresource ? { subresource: who.subresource } : {}), set: new FieldSet() };
      managers.push(mine);
    }
    mine.set = mine.set.union(changed);
    mine.time = kubeTime();
    mine.apiVersion = who.apiVersion;
  }
  setManaged(next, managers);
}

export function setManaged(obj: KubeObject, managers: readonly ManagerEntry[]): void {
  const entries = encodeManaged(managers);
  if (entries.length > 0) obj.metadata.managedFields = entries as never;
  else delete obj.metadata.managedFields;
}

/** The manager a request writes as: `fieldManager`, else the User-Agent up to its first `/`
 * (kube-apiserver's default), at most 128 characters. */
export function managerOf(fieldManager: string | null, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return (userAgent ?? '').split('/')[0]!.slice(0, 128);
}
