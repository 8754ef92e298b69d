/**
 * Ephemeral containers (`kubectl debug`), as Kubernetes' validateEphemeralContainers and
 * ValidatePodEphemeralContainersUpdate judge them: never set at creation, added only through
 * `pods/ephemeralcontainers`, never changed or removed once there, names unique across every
 * container of the pod, a target that is a regular or init container, and none of the fields
 * that would make the pod rely on them (ports, probes, lifecycle, resources).
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { validateContainerCommon } from './container.js';
import { child, duplicate, forbidden, index, notFound } from './field.js';

type Obj = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const recs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : []);

/** Container fields an ephemeral container may not set (Kubernetes' allow list, inverted). */
const disallowed = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

/** Set: Go's non-zero value (an empty object or list is as good as absent). */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return Object.values(v).some(isSet);
  return true;
}

/** `spec.ephemeralContainers` of a pod whose volumes are `volumes`. */
export function validateEphemeralContainers(spec: Obj, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const list = spec['ephemeralContainers'];
  if (list === undefined || list === null) return [];
  const errs: FieldError[] = [];
  const others = new Set([...recs(spec['containers']), ...recs(spec['initContainers'])].map((c) => str(c['name'])));
  const all = new Set(others);
  recs(list).forEach((ec, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(ec, volumes, p));
    const name = str(ec['name']);
    if (name && all.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else all.add(name);
    const target = str(ec['targetContainerName']);
    if (target && !others.has(target)) errs.push(notFound(child(p, 'targetContainerName'), target));
    for (const f of disallowed) if (isSet(ec[f])) errs.push(forbidden(child(p, f), 'cannot be set for an Ephemeral Container'));
    recs(ec['volumeMounts']).forEach((vm, j) => {
      for (const f of ['subPath', 'subPathExpr']) {
        if (str(vm[f])) errs.push(forbidden(child(index(child(p, 'volumeMounts'), j), f), 'cannot be set for an Ephemeral Container'));
      }
    });
  });
  return errs;
}

/** A new pod may not bring ephemeral containers: they are added to a running pod. */
export function validateNoEphemeralOnCreate(spec: Obj): FieldError[] {
  return isSet(spec['ephemeralContainers']) ? [forbidden('spec.ephemeralContainers', 'cannot be set on create')] : [];
}

/** A write through `pods/ephemeralcontainers`: existing ones stay as they are (order aside). */
export function validateEphemeralContainersUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const byName = new Map(recs(spec['ephemeralContainers']).map((c) => [str(c['name']), c]));
  for (const old of recs(oldSpec['ephemeralContainers'])) {
    const name = str(old['name']);
    const now = byName.get(name);
    if (!now) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers "${name}" may not be removed\n`));
    else if (!isDeepStrictEqual(now, old)) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers "${name}" may not be changed\n`));
  }
  return errs;
}
