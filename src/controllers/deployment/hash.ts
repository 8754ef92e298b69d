/**
 * The `pod-template-hash` that names a Deployment's ReplicaSets and labels their pods (Kubernetes'
 * controller.ComputeHash): FNV-32a over the pod template, then — once a hash collision has been
 * seen — the deployment's `collisionCount` as 8 bytes (a little-endian uint32 and four zeros), the
 * 32-bit sum printed in decimal and each digit mapped through apimachinery's SafeEncodeString
 * alphabet (no vowels, no look-alikes, so a hash never spells a word). Kubernetes feeds the hasher
 * Go's spew dump of the struct; skiff feeds it the template's canonical JSON (keys sorted, empty
 * values dropped), so hashes are stable across skiff versions but not equal to Kubernetes' own.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PodTemplateSpec } from '../../api/kinds.js';

/** The label the controller adds to a ReplicaSet's selector, template and pods. */
export const podTemplateHashLabel = 'pod-template-hash';

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery's rand.SafeEncodeString: each byte to a letter of the safe alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += safeAlphabet[b % safeAlphabet.length];
  return out;
}

/** FNV-1a, 32 bits, over `bytes`, continuing from `seed` (the offset basis to start). */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Drops undefined, null, empty maps and empty lists: Kubernetes' semantic equality treats a nil
 * map or slice and an empty one as the same, and so must the hash. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((x) => prune(x) ?? null);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const p = prune((v as Record<string, unknown>)[k]);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v === null ? undefined : v;
}

/** The template as the hash and the equality see it: canonical key order, empties dropped. */
export function canonicalTemplate(template: PodTemplateSpec | undefined): string {
  return JSON.stringify(prune(template ?? {}) ?? {});
}

/** The pod-template-hash of `template` for a deployment whose collisionCount is `collisionCount`. */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalTemplate(template), 'utf8'));
  if (collisionCount !== undefined) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** The template without the pod-template-hash label. */
export function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const t = structuredClone(template ?? {}) as PodTemplateSpec;
  if (t.metadata?.labels && podTemplateHashLabel in t.metadata.labels) {
    const { [podTemplateHashLabel]: _hash, ...rest } = t.metadata.labels;
    t.metadata = { ...t.metadata, labels: rest };
  }
  return t;
}

/** Kubernetes' EqualIgnoreHash: the same template once the hash label is removed from both. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return isDeepStrictEqual(prune(withoutHash(a)), prune(withoutHash(b)));
}
