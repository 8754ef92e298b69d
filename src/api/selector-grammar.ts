/**
 * The grammar of label selector strings (`a=b,c in (d),!e`, `x>3`), with Kubernetes' requirement
 * checks and error messages. `labels.ts` turns the requirements into a Selector.
 */
import { BadRequestError, type FieldError } from './errors.js';
import { child, index, invalid, key as keyPath } from './validation/field.js';
import { isQualifiedName, isValidLabelValue } from './validation/names.js';

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement of a selector; `values` are sorted and unique. */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
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

export function aggregate(msgs: readonly string[]): string {
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

export function makeRequirement(key: string, op: Operator, values: readonly string[], path = ''): Requirement | string {
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

/** The requirements of a selector string; throws BadRequestError with Kubernetes' message. */
export function parseRequirements(text: string): Requirement[] {
  return new SelectorParser(lex(text)).parse();
}
