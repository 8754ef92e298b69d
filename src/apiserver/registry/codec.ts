/** How objects are kept in the store: JSON of the stored form without `resourceVersion`, which
 * is the store's modRevision and is filled in when read, as are the zero values Kubernetes always
 * sends (objects stored before they were filled on write get them too). */
import type { KubeObject } from '../../api/types.js';
import { fillZeroValues } from '../../api/defaults/index.js';

export function decodeStored(value: string, modRevision: number): KubeObject {
  const obj = JSON.parse(value) as KubeObject;
  obj.metadata.resourceVersion = String(modRevision);
  fillZeroValues(obj.kind, obj);
  return obj;
}

export function encodeStored(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  void _rv;
  return JSON.stringify({ ...obj, metadata });
}
