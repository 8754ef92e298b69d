/**
 * Label selectors: the string form (`a=b,c in (d),!e`) and the structured LabelSelector, with
 * Kubernetes' grammar, error messages and canonical printing (requirements sorted by key, set values
 * sorted: `app=nginx,tier in (a,b)`), and the validation of label maps.
 */
import { BadRequestError, type FieldError } from './errors.js';
import type { LabelSelector } from './types.js';
import { child, index, invalid, key as keyPath } from './validation/field.js';
import { isQualifiedName, isValidLabelValue } from './validation/names.js';

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement of a selector; `values` are sorted and unique. */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

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

/** Kubernetes' NewRequirement checks; errors as `path: detail` strings. */
function requirementErrors(key: string, op: Operator, values: readonly string[], path: string): string[] {
  const errs: FieldError[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(invalid(child(path, 'key'), key, keyErrs.join('; ')));
  const vp = child(path, 'values');
  if ((op === 'in' || op === 'notin') && values.length === 0) {
    errs.push(invalid(vp, values, "for 'in', 'notin' operators, values set can't be empty"));
  }
  if ((op === '=' || op === '==' || op === '!=') && values.length !== 1) {
    errs.push(invalid(vp, values, 'exact-match compatibility requires one single value'));
  }
  if ((op === 'exists' || op === '!') && values.length !== 0) {
    errs.push(invalid(vp, values, 'values set must be empty for exists and does not exist'));
  }
  if (op === 'gt' || op === 'lt') {
    if (values.length !== 1) errs.push(invalid(vp, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
    values.forEach((v, i) => {
      if (!/^[-+]?\d+$/.test(v)) errs.push(invalid(index(vp, i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
    });
  }
  values.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(invalid(keyPath(index(vp, i), key), v, ve.join('; ')));
  });
  return errs.map((e) => `${e.field || '<nil>'}: ${e.detail}`);
}

function aggregate(msgs: readonly string[]): string {
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

function makeRequirement(key: string, op: Operator, values: readonly string[], path = ''): Requirement | string {
  const errs = requirementErrors(key, op, values, path);
  if (errs.length) return aggregate(errs);
  return { key, operator: op, values: [...new Set(values)].sort() };
}

// ---- the string grammar ------------------------------------------------------------------------

type TokenType = 'id' | '!' | '!=' | '(' | ')' | ',' | '=' | '==' | '>' | '<' | 'end';
interface Token {
  readonly type: TokenType;
  readonly lit: string;
}

const specials = new Set(['=', '!', '(', ')', ',', '>', '<']);

function lex(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (specials.has(c)) {
      const two = text.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        out.push({ type: two, lit: two });
        i += 2;
      } else {
        out.push({ type: c as TokenType, lit: c });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < text.length && !specials.has(text[j]!) && !/\s/.test(text[j]!)) j++;
    out.push({ type: 'id', lit: text.slice(i, j) });
    i = j;
  }
  out.push({ type: 'end', lit: '' });
  return out;
}

class SelectorParser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] ?? { type: 'end', lit: '' };
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'end') return reqs;
      if (t.type !== 'id' && t.type !== '!') throw fail(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      reqs.push(this.requirement());
      const sep = this.next();
      if (sep.type === 'end') return reqs;
      if (sep.type !== ',') throw fail(`found '${sep.lit}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.type !== 'id' && after.type !== '!') throw fail(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let t = this.next();
    let notExists = false;
    if (t.type === '!') {
      notExists = true;
      t = this.next();
    }
    if (t.type !== 'id') throw requirementFail(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw requirementFail(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    const la = this.peek().type;
    if (notExists || la === 'end' || la === ',') {
      if (notExists && la !== 'end' && la !== ',') {
        // `!a=b` is not a thing: the unary operator takes a key only.
        throw fail(`found '${this.peek().lit}', expected: ',' or 'end of string'`);
      }
      return checked(key, notExists ? '!' : 'exists', []);
    }
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.setValues() : this.exactValue();
    return checked(key, op, values);
  }

  private operator(): Operator {
    const t = this.next();
    switch (t.type) {
      case '=':
      case '==':
      case '!=':
        return t.type;
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      case 'id':
        if (t.lit === 'in' || t.lit === 'notin') return t.lit;
        break;
      default:
        break;
    }
    throw requirementFail(`found '${t.lit}', expected: in, notin, =, ==, !=, gt, lt`);
  }

  private exactValue(): string[] {
    const la = this.peek();
    if (la.type === 'end' || la.type === ',') return [''];
    const t = this.next();
    if (t.type === 'id') return [t.lit];
    throw requirementFail(`found '${t.lit}', expected: identifier`);
  }

  private setValues(): string[] {
    const open = this.next();
    if (open.type !== '(') throw requirementFail(`found '${open.lit}' expected: '('`);
    const first = this.peek();
    if (first.type === ')') {
      this.next();
      return [''];
    }
    if (first.type !== 'id' && first.type !== ',') throw requirementFail(`found '${first.lit}', expected: ',', ')' or identifier`);
    const values: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === 'id') {
        values.push(t.lit);
        const la = this.peek();
        if (la.type === ',') continue;
        if (la.type === ')') {
          this.next();
          return values;
        }
        throw requirementFail(`found '${la.lit}', expected: ',' or ')'`);
      } else if (t.type === ',') {
        if (values.length === 0) values.push('');
        const la = this.peek();
        if (la.type === ')') {
          this.next();
          values.push('');
          return values;
        }
        if (la.type === ',') {
          this.next();
          values.push('');
        }
      } else {
        throw requirementFail(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }
}

function fail(message: string): BadRequestError {
  return new BadRequestError(message);
}

function requirementFail(message: string): BadRequestError {
  return new BadRequestError(`unable to parse requirement: ${message}`);
}

function checked(key: string, op: Operator, values: readonly string[]): Requirement {
  const r = makeRequirement(key, op, values);
  if (typeof r === 'string') throw requirementFail(r);
  return r;
}

/** Parses `?labelSelector=`; throws BadRequestError on a malformed selector. */
export function parseSelector(text: string): Selector {
  return selectorOf(new SelectorParser(lex(text)).parse());
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
