/**
 * Label selectors: the string form (`a=b,c in (d),!e`) and the structured LabelSelector, with
 * Kubernetes' grammar, error messages and canonical printing (requirements sorted by key, set values
 * sorted: `app=nginx,tier in (a,b)`), and the validation of label maps.
 */
import { BadRequestError, type FieldError } from './errors.js';
import { aggregate, makeRequirement, parseRequirements, type Operator, type Requirement } from './selector-grammar.js';
import type { LabelSelector } from './types.js';
import { invalid, key as keyPath } from './validation/field.js';
import { isQualifiedName, isValidLabelValue } from './validation/names.js';

export type { Operator, Requirement } from './selector-grammar.js';

export interface Selector {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** True for the selector that matches everything. */
  readonly empty: boolean;
  /** The requirements, sorted by key (none for everything and for nothing). */
  readonly requirements: readonly Requirement[];
  toString(): string;
}

const everything: Selector = { matches: () => true, empty: true, requirements: [], toString: () => '' };
/** What a nil LabelSelector means in Kubernetes: it selects nothing. */
const nothing: Selector = { matches: () => false, empty: false, requirements: [], toString: () => '' };

/** The selector that matches every object. */
export function everythingSelector(): Selector {
  return everything;
}

/** The selector that matches no object (a missing LabelSelector). */
export function nothingSelector(): Selector {
  return nothing;
}

function matchesRequirement(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && v !== undefined && r.values.includes(v);
    case '!=':
    case 'notin':
      return !has || v === undefined || !r.values.includes(v);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || v === undefined || !/^-?\d+$/.test(v)) return false;
      const n = BigInt(v);
      const bound = BigInt(r.values[0] ?? '0');
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

export function requirementToString(r: Requirement): string {
  switch (r.operator) {
    case '!':
      return `!${r.key}`;
    case 'exists':
      return r.key;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0] ?? ''}`;
    case 'lt':
      return `${r.key}<${r.values[0] ?? ''}`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

/** A selector of `requirements` (validated by the caller), sorted by key as Kubernetes does. */
export function selectorOf(requirements: readonly Requirement[]): Selector {
  if (requirements.length === 0) return everything;
  const sorted = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const text = sorted.map(requirementToString).join(',');
  return {
    matches: (labels) => sorted.every((r) => matchesRequirement(r, labels ?? {})),
    empty: false,
    requirements: sorted,
    toString: () => text,
  };
}

/** Parses `?labelSelector=`; throws BadRequestError on a malformed selector. */
export function parseSelector(text: string): Selector {
  return selectorOf(parseRequirements(text));
}

/** A LabelSelector (matchLabels + matchExpressions) as a Selector. A missing selector selects
 * nothing and an empty one everything, as in Kubernetes. Throws BadRequestError when invalid. */
export function fromLabelSelector(ls: LabelSelector | undefined): Selector {
  if (ls === undefined || ls === null) return nothing;
  const reqs: Requirement[] = [];
  const problems: string[] = [];
  const add = (r: Requirement | string): void => {
    if (typeof r === 'string') problems.push(r);
    else reqs.push(r);
  };
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) add(makeRequirement(k, '=', [String(v)]));
  for (const e of ls.matchExpressions ?? []) {
    const ops: Readonly<Record<string, Operator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };
    const op = ops[e.operator];
    if (op === undefined) problems.push(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    else add(makeRequirement(e.key, op, e.values ?? []));
  }
  if (problems.length) throw new BadRequestError(aggregate(problems));
  return selectorOf(reqs);
}

/** A plain map (RC and service selectors) as a Selector; `{}` and undefined match everything. */
export function fromMap(m: Readonly<Record<string, string>> | undefined): Selector {
  return selectorOf(Object.entries(m ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [String(v)] })));
}

/** True when `labels` satisfy every `key: value` of `selector` (the RC/service form). */
export function mapMatches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** Kubernetes' ValidateLabels: every key a qualified name, every value a valid label value; errors
 * at `fieldPath` itself (not per key), as Kubernetes reports them. */
export function validateLabels(labels: unknown, fieldPath: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels)) return [invalid(fieldPath, labels, 'must be a map of strings')];
  const errs: FieldError[] = [];
  const map = labels as Record<string, unknown>;
  for (const k of Object.keys(map).sort()) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(fieldPath, k, msg));
    const v = map[k];
    if (typeof v !== 'string') {
      errs.push(invalid(keyPath(fieldPath, k), v, 'must be a string'));
      continue;
    }
    for (const msg of isValidLabelValue(v)) errs.push(invalid(fieldPath, v, msg));
  }
  return errs;
}
