/** A CRD's versions: the raw entries, the storage version, and Kubernetes' version priority
 * (GA before beta before alpha, higher numbers first, then other names alphabetically), which
 * orders discovery and picks the preferred version. */
import { isRecord, type KubeObject } from '../../api/types.js';
import type { StructuralSchema } from '../../api/crd/index.js';

export interface CrdVersion {
  readonly name: string;
  readonly served?: boolean;
  readonly storage?: boolean;
  readonly deprecated?: boolean;
  readonly deprecationWarning?: string;
  readonly schema?: { readonly openAPIV3Schema?: StructuralSchema };
  readonly subresources?: {
    readonly status?: unknown;
    readonly scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string };
  };
  readonly additionalPrinterColumns?: unknown;
}

export function versionsOf(crd: KubeObject): CrdVersion[] {
  const raw = crd.spec?.['versions'];
  return Array.isArray(raw) ? raw.filter((v): v is CrdVersion => isRecord(v) && typeof v['name'] === 'string') : [];
}

export function storageVersionOf(crd: KubeObject): CrdVersion | undefined {
  return versionsOf(crd).find((v) => v.storage === true);
}

const kubeVersion = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function rank(name: string): [number, number, number] {
  const m = kubeVersion.exec(name);
  if (!m) return [0, 0, 0];
  const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  return [stability, Number(m[1]), Number(m[3] ?? 0)];
}

/** Sorts version names by Kubernetes' priority, highest first. */
export function byVersionPriority(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}
