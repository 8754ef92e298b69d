/**
 * TaintToleration: a NoSchedule or NoExecute taint keeps off every pod that does not tolerate it
 * (including the not-ready/unreachable taints a node's Ready condition implies); untolerated
 * PreferNoSchedule taints count against a node when scoring, the fewest scoring 100.
 */
import type { Taint } from '../../api/kinds.js';
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from '../framework.js';
import { tolerates } from '../tolerations.js';

export function reasonUntoleratedTaint(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
}

export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  filter(pod, node) {
    if (!node.tainted) return undefined;
    for (const taint of node.taints) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
      let ok = false;
      for (const t of pod.tolerations) if (tolerates(t, taint)) { ok = true; break; }
      if (!ok) return reasonUntoleratedTaint(taint);
    }
    return undefined;
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  score(pod, node) {
    if (!node.tainted) return 0;
    let n = 0;
    for (const taint of node.taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      let ok = false;
      for (const t of pod.tolerations) {
        if ((!t.effect || t.effect === 'PreferNoSchedule') && tolerates(t, taint)) { ok = true; break; }
      }
      if (!ok) n++;
    }
    return n;
  },
  normalize: (scores, count) => defaultNormalize(scores, count, true),
};
