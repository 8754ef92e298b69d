/**
 * The simple JSON paths CRD printer columns use (`.spec.replicas`, `.status.conditions[0].type`,
 * `.items[*].name`, `.status.conditions[?(@.type=="Ready")].status`, `.metadata.labels.app\.kubernetes\.io/name`),
 * evaluated to every value they reach.
 */
import { isRecord } from '../../api/types.js';

type Step =
  | { readonly t: 'field'; readonly name: string }
  | { readonly t: 'index'; readonly index: number }
  | { readonly t: 'all' }
  | { readonly t: 'filter'; readonly path: readonly string[]; readonly op: '==' | '!='; readonly value: unknown };

/** Parses a column's path; undefined when it is not one skiff evaluates (then the cell is empty). */
export function parseJsonPath(text: string): Step[] | undefined {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      i++;
      let name = '';
      while (i < s.length && s[i] !== '.' && s[i] !== '[') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        name += s[i++];
      }
      if (name) steps.push({ t: 'field', name });
    } else if (c === '[') {
      const end = s.indexOf(']', i);
      if (end < 0) return undefined;
      const inner = s.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ t: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ t: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ t: 'field', name: inner.slice(1, -1) });
      else {
        const m = /^\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*(==|!=)\s*(.+)\)$/.exec(inner);
        if (!m) return undefined;
        let value: unknown = m[3]!.trim();
        try {
          value = JSON.parse(String(value).replace(/^'(.*)'$/, '"$1"'));
        } catch {
          // a bare word compares as a string
        }
        steps.push({ t: 'filter', path: m[1]!.slice(1).split('.'), op: m[2] as '==' | '!=', value });
      }
    } else return undefined;
  }
  return steps;
}

function dig(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

export function evaluate(steps: readonly Step[], root: unknown): unknown[] {
  let cur: unknown[] = [root];
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (st.t === 'field') {
        if (isRecord(v) && v[st.name] !== undefined) next.push(v[st.name]);
      } else if (st.t === 'index') {
        if (Array.isArray(v)) {
          const x = v[st.index < 0 ? v.length + st.index : st.index];
          if (x !== undefined) next.push(x);
        }
      } else if (st.t === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (isRecord(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const x of v) {
          const eq = JSON.stringify(dig(x, st.path)) === JSON.stringify(st.value);
          if (eq === (st.op === '==')) next.push(x);
        }
      }
    }
    cur = next;
  }
  return cur;
}
