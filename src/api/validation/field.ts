/**
 * Field errors in Kubernetes' shape and wording. Each constructor mirrors one of Kubernetes'
 * `field.ErrorType`s; `detail` is what Kubernetes calls the error body (`Invalid value: "x": …`), so
 * `InvalidError` can print `<field>: <detail>` exactly as kubectl users know it.
 */
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { goQuote } from './goquote.js';

/** `a.b` + `c` → `a.b.c`; an empty base gives just the child. */
export function child(base: string, ...names: string[]): string {
  return [base, ...names].filter((s) => s !== '').join('.');
}

/** `a.b` + 3 → `a.b[3]`. */
export function index(base: string, i: number): string {
  return `${base}[${i}]`;
}

/** `a.b` + `cpu` → `a.b[cpu]` (map keys, as Kubernetes' `Path.Key`). */
export function key(base: string, k: string): string {
  return `${base}[${k}]`;
}

function isStringMap(v: Record<string, unknown>): v is Record<string, string> {
  return Object.values(v).every((x) => typeof x === 'string');
}

/**
 * Renders a bad value the way Kubernetes' error body does (Go's `%q`, `%v` or `%#v`): strings
 * quoted, numbers and booleans bare, label maps as `map[string]string{"a":"b"}`, string lists as
 * `[]string{"a", "b"}`, anything else as JSON.
 */
export function renderValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return `[]string{${v.map((x) => goQuote(x as string)).join(', ')}}`;
  }
  if (isRecord(v) && isStringMap(v)) return renderStringMap(v);
  return JSON.stringify(v);
}

/** A label map as Go prints it with `%#v`: keys sorted, `map[string]string(nil)` for none. */
export function renderStringMap(m: Readonly<Record<string, string>> | undefined): string {
  if (m === undefined) return 'map[string]string(nil)';
  const body = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(m[k]!)}`)
    .join(', ');
  return `map[string]string{${body}}`;
}

function withDetail(head: string, detail: string | undefined): string {
  return detail ? `${head}: ${detail}` : head;
}

/** `Required value[: detail]`. */
export function required(field: string, detail?: string): FieldError {
  return { type: 'FieldValueRequired', field, detail: withDetail('Required value', detail) };
}

/** `Invalid value: <value>[: detail]`. */
export function invalid(field: string, value: unknown, detail?: string): FieldError {
  return { type: 'FieldValueInvalid', field, detail: withDetail(`Invalid value: ${renderValue(value)}`, detail) };
}

/** Like {@link invalid} with a value already rendered (e.g. a Go struct literal). */
export function invalidRendered(field: string, rendered: string, detail?: string): FieldError {
  return { type: 'FieldValueInvalid', field, detail: withDetail(`Invalid value: ${rendered}`, detail) };
}

/** `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return {
    type: 'FieldValueNotSupported',
    field,
    detail: withDetail(`Unsupported value: ${renderValue(value)}`, list ? `supported values: ${list}` : undefined),
  };
}

/** `Duplicate value: <value>`. */
export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, detail: `Duplicate value: ${renderValue(value)}` };
}

/** `Forbidden: <detail>`. */
export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail: withDetail('Forbidden', detail) };
}

/** `Not found: <value>`. */
export function notFound(field: string, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field, detail: `Not found: ${renderValue(value)}` };
}

/** `Too long: may not be more than <n> bytes` (Kubernetes omits the value). */
export function tooLong(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, detail: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` };
}

/** `Invalid value: <value>: field is immutable`. */
export function immutable(field: string, value: unknown): FieldError {
  return invalid(field, value, 'field is immutable');
}

/** A value of the wrong JSON type, e.g. a string where a number belongs. */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field, detail: withDetail(`Invalid value: ${renderValue(value)}`, detail) };
}

/** `must be greater than or equal to 0` on a negative number (Kubernetes' ValidateNonnegativeField). */
export function nonNegative(field: string, value: unknown): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [typeInvalid(field, value, 'must be an integer')];
  return value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}
