/**
 * The template hash that tells an up-to-date daemon pod from an old one, carried as the
 * `controller-revision-hash` label as Kubernetes does, and naming the daemon set's ControllerRevision
 * (`NAME-HASH`, see controllers/history): FNV-1a over the template's canonical JSON, printed with
 * Kubernetes' SafeEncodeString alphabet so it never looks like a word.
 */
import type { PodTemplateSpec } from '../../api/kinds.js';

export const revisionHashLabel = 'controller-revision-hash';
export const templateGenerationLabel = 'pod-template-generation';

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The hash of a template; the revision label is left out so labelled pods hash the same. */
export function templateHash(template: PodTemplateSpec | undefined): string {
  const t = structuredClone(template ?? { spec: { containers: [] } });
  if (t.metadata?.labels) {
    const { [revisionHashLabel]: _drop, ...rest } = t.metadata.labels;
    t.metadata.labels = rest;
  }
  return [...String(fnv1a32(canonical(t)))].map((c) => alphanums[c.charCodeAt(0) % alphanums.length]).join('');
}
