/**
 * Node selector terms (`requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms` and the
 * preferred terms' `preference`) compiled once per pod into predicates over a node's labels and
 * name. Terms are ORed, a term's requirements ANDed; a term with no requirements matches nothing,
 * as in Kubernetes' `nodeaffinity.NewNodeSelector`.
 */

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** What a compiled selector looks at. */
export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type NodeMatcher = (node: NodeFacts) => boolean;

const intPattern = /^-?\d+$/;

function requirementMatcher(r: NodeSelectorRequirement, field: boolean): NodeMatcher {
  const values = r.values ?? [];
  const get = field
    ? (n: NodeFacts) => (r.key === 'metadata.name' ? n.name : undefined)
    : (n: NodeFacts) => (Object.prototype.hasOwnProperty.call(n.labels, r.key) ? n.labels[r.key] : undefined);
  switch (r.operator) {
    case 'In': {
      const set = new Set(values);
      return (n) => {
        const v = get(n);
        return v !== undefined && set.has(v);
      };
    }
    case 'NotIn': {
      const set = new Set(values);
      return (n) => {
        const v = get(n);
        return v === undefined || !set.has(v);
      };
    }
    case 'Exists':
      return (n) => get(n) !== undefined;
    case 'DoesNotExist':
      return (n) => get(n) === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 && intPattern.test(values[0]!) ? Number(values[0]) : undefined;
      if (bound === undefined) return () => false;
      const gt = r.operator === 'Gt';
      return (n) => {
        const v = get(n);
        if (v === undefined || !intPattern.test(v)) return false;
        const x = Number(v);
        return gt ? x > bound : x < bound;
      };
    }
    default:
      return () => false;
  }
}

/** One term: all its requirements hold (and it has at least one). */
export function compileTerm(term: NodeSelectorTerm): NodeMatcher {
  const parts = [
    ...(term.matchExpressions ?? []).map((r) => requirementMatcher(r, false)),
    ...(term.matchFields ?? []).map((r) => requirementMatcher(r, true)),
  ];
  if (parts.length === 0) return () => false;
  if (parts.length === 1) return parts[0]!;
  return (n) => {
    for (const p of parts) if (!p(n)) return false;
    return true;
  };
}

/** Any of the terms; no terms at all matches no node. */
export function compileTerms(terms: readonly NodeSelectorTerm[]): NodeMatcher {
  const compiled = terms.map(compileTerm);
  if (compiled.length === 1) return compiled[0]!;
  return (n) => {
    for (const c of compiled) if (c(n)) return true;
    return false;
  };
}

/** `spec.nodeSelector`: every pair present on the node. */
export function compileMap(sel: Readonly<Record<string, string>>): NodeMatcher {
  const pairs = Object.entries(sel);
  return (n) => {
    for (const [k, v] of pairs) if (n.labels[k] !== v) return false;
    return true;
  };
}
