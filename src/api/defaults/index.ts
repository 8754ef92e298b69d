/** Defaulting as Kubernetes does it, on the stored form, in place. Implemented per kind. */
import type { KubeObject } from '../types.js';

export function applyDefaults(kind: string, obj: KubeObject): void {
  void kind;
  void obj;
}
