/** Label selectors as legacy manifests wrote them. */
import type { LabelSelector } from '../types.js';
import { isRecord } from '../types.js';

/**
 * A selector in any form early manifests used, as a structured LabelSelector:
 * - `{matchLabels, matchExpressions}` stays as it is;
 * - a plain label map (`{app: checkRam, version: v1}`, as the seeds' DaemonSet writes it) becomes
 *   `{matchLabels: {...}}` — values are turned into strings (YAML may read `v1` or `ok` as text but
 *   `1` or `true` as numbers and booleans);
 * - anything else (undefined, null, a list) is returned unchanged for validation to report.
 * String-valued keys written beside `matchLabels`/`matchExpressions` are merged into matchLabels.
 */
export function normalizeSelector(sel: unknown): unknown {
  if (!isRecord(sel)) return sel;
  const structured = 'matchLabels' in sel || 'matchExpressions' in sel;
  const loose: Record<string, string> = {};
  for (const [k, v] of Object.entries(sel)) {
    if (k === 'matchLabels' || k === 'matchExpressions') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') loose[k] = String(v);
  }
  if (!structured) return Object.keys(loose).length ? { matchLabels: loose } : {};
  const out: Record<string, unknown> = {};
  const ml = sel['matchLabels'];
  if (Object.keys(loose).length) out['matchLabels'] = { ...(isRecord(ml) ? (ml as Record<string, string>) : {}), ...loose };
  else if (ml !== undefined) out['matchLabels'] = ml;
  if (sel['matchExpressions'] !== undefined) out['matchExpressions'] = sel['matchExpressions'];
  return out;
}

/** `{matchLabels: <template labels>}`, or undefined when the template has no labels. */
export function selectorFromTemplate(spec: Record<string, unknown>): LabelSelector | undefined {
  const template = spec['template'];
  const meta = isRecord(template) ? template['metadata'] : undefined;
  const labels = isRecord(meta) ? meta['labels'] : undefined;
  if (!isRecord(labels) || Object.keys(labels).length === 0) return undefined;
  return { matchLabels: { ...(labels as Record<string, string>) } };
}
