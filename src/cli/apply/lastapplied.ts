/**
 * The `kubectl.kubernetes.io/last-applied-configuration` annotation: the manifest as last applied,
 * so the next apply can tell what the user removed from what someone else added. Written as
 * kubectl writes it (the object without the annotation, keys sorted, `annotations: {}` kept, one
 * trailing newline) so skiff and kubectl can apply to the same objects interchangeably.
 */
import type { KubeObject } from '../../api/types.js';
import { isRecord } from '../../api/types.js';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** `obj` with the annotation set to its own serialisation (without the annotation). */
export function withLastApplied(obj: KubeObject): KubeObject {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  delete annotations[lastAppliedAnnotation];
  const bare: KubeObject = { ...obj, metadata: { ...obj.metadata, annotations } };
  const text = `${JSON.stringify(sortKeys(bare))}\n`;
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...annotations, [lastAppliedAnnotation]: text } } };
}

/** The last-applied configuration stored on a live object, if any. */
export function lastApplied(obj: KubeObject): Record<string, unknown> | undefined {
  const text = obj.metadata.annotations?.[lastAppliedAnnotation];
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}
