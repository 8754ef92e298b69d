/**
 * A custom resource against its structural schema, as apiextensions-apiserver treats it:
 * {@link pruneAndDefault} drops fields the schema does not declare (unless
 * `x-kubernetes-preserve-unknown-fields`) and fills `default`s; {@link validateValue} returns every
 * violation with kube-openapi's wording (`spec.replicas in body must be of type integer: "string"`).
 */
import type { FieldError } from '../errors.js';
import { duplicate, invalid, notSupported, required } from '../validation/field.js';
import type { StructuralSchema } from '../schema/structural.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Fields every object has and the schema never prunes at the root (and in embedded resources). */
const objectMetaKeys = ['apiVersion', 'kind', 'metadata'];

/** Removes unknown fields (returning their paths) and applies defaults, in place. */
export function pruneAndDefault(schema: StructuralSchema, obj: Record<string, unknown>): string[] {
  const pruned: string[] = [];
  walkPrune(schema, obj, '', true, pruned);
  return pruned;
}

function join(path: string, k: string): string {
  return path === '' ? k : `${path}.${k}`;
}

function walkPrune(s: StructuralSchema, value: unknown, path: string, isRoot: boolean, pruned: string[]): void {
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walkPrune(s.items!, v, `${path}[${i}]`, false, pruned));
    return;
  }
  if (!isRecord(value)) return;
  const keepMeta = isRoot || s['x-kubernetes-embedded-resource'] === true;
  const props = s.properties ?? {};
  for (const [k, p] of Object.entries(props)) {
    if (value[k] === undefined && p.default !== undefined) value[k] = structuredClone(p.default);
  }
  for (const k of Object.keys(value)) {
    if (keepMeta && objectMetaKeys.includes(k)) continue;
    const p = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : isRecord(s.additionalProperties) ? s.additionalProperties : undefined;
    if (p) walkPrune(p, value[k], join(path, k), false, pruned);
    else if (s.additionalProperties === true || s['x-kubernetes-preserve-unknown-fields'] === true) continue;
    else {
      pruned.push(join(path, k));
      delete value[k];
    }
  }
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** kube-openapi names the actual JSON type after the expected one. */
function goValue(v: unknown): string {
  return JSON.stringify(typeOf(v));
}

const formats: Readonly<Record<string, (v: string) => boolean>> = {
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
  email: (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
  hostname: (v) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i.test(v) && v.length <= 253,
  ipv4: (v) => /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  byte: (v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0,
};

/** Every violation of `schema` by `value` at `path` (the root is the whole object: path ''). */
export function validateValue(schema: StructuralSchema, value: unknown, path = ''): FieldError[] {
  const out: FieldError[] = [];
  check(schema, value, path, out, true);
  return out;
}

function check(s: StructuralSchema, v: unknown, path: string, out: FieldError[], isRoot = false): void {
  const at = path || '<root>';
  if (v === null) {
    if (s.nullable || (s.type === undefined && (s['x-kubernetes-preserve-unknown-fields'] || s['x-kubernetes-int-or-string']))) return;
    out.push(invalid(at, 'null', `${at} in body must be of type ${s.type ?? 'object'}: "null"`));
    return;
  }
  const t = typeOf(v);
  if (s['x-kubernetes-int-or-string']) {
    if (t !== 'integer' && t !== 'string') out.push(invalid(at, t, `${at} in body must be of type integer,string: ${goValue(v)}`));
  } else if (s.type !== undefined) {
    const ok = s.type === t || (s.type === 'number' && t === 'integer');
    if (!ok) {
      out.push(invalid(at, t, `${at} in body must be of type ${s.type}: ${goValue(v)}`));
      return;
    }
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    out.push(notSupported(at, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'string') checkString(s, v, at, out);
  if (typeof v === 'number') checkNumber(s, v, at, out);
  if (Array.isArray(v)) checkArray(s, v, at, out);
  if (isRecord(v)) checkObject(s, v, path, at, out, isRoot);
}

function checkString(s: StructuralSchema, v: string, at: string, out: FieldError[]): void {
  const len = [...v].length;
  if (s.minLength !== undefined && len < s.minLength) out.push(invalid(at, v, `${at} in body should be at least ${s.minLength} chars long`));
  if (s.maxLength !== undefined && len > s.maxLength) out.push({ type: 'FieldValueTooLong', field: at, detail: `Too long: may not be more than ${s.maxLength} bytes` });
  if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) out.push(invalid(at, v, `${at} in body should match '${s.pattern}'`));
  const f = s.format ? formats[s.format] : undefined;
  if (f && !f(v)) out.push(invalid(at, v, `${at} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
}

function checkNumber(s: StructuralSchema, v: number, at: string, out: FieldError[]): void {
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      out.push(invalid(at, v, `${at} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
    }
  }
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      out.push(invalid(at, v, `${at} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
    }
  }
  if (s.format === 'int32' && (v < -2147483648 || v > 2147483647)) out.push(invalid(at, v, `${at} in body must be of type int32: "${v}"`));
}

function checkArray(s: StructuralSchema, v: unknown[], at: string, out: FieldError[]): void {
  if (s.minItems !== undefined && v.length < s.minItems) out.push(invalid(at, v.length, `${at} in body should have at least ${s.minItems} items`));
  if (s.maxItems !== undefined && v.length > s.maxItems) out.push({ type: 'FieldValueTooMany', field: at, detail: `Too many: ${v.length}: must have at most ${s.maxItems} items` });
  if (s.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) out.push(invalid(at, '', `${at} in body shouldn't contain duplicates`));
  if (s.items) v.forEach((x, i) => check(s.items!, x, `${at}[${i}]`, out));
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'set') {
    const seen = new Set<string>();
    v.forEach((x, i) => {
      const k = JSON.stringify(x);
      if (seen.has(k)) out.push(duplicate(`${at}[${i}]`, x));
      seen.add(k);
    });
  } else if (lt === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    v.forEach((x, i) => {
      if (!isRecord(x)) return;
      const k = JSON.stringify(keys.map((n) => x[n] ?? null));
      if (seen.has(k)) out.push({ type: 'FieldValueDuplicate', field: `${at}[${i}]`, detail: `Duplicate value: map[string]interface {}{${keys.map((n) => `"${n}":${JSON.stringify(x[n] ?? null)}`).join(', ')}}` });
      seen.add(k);
    });
  }
}

function checkObject(s: StructuralSchema, v: Record<string, unknown>, path: string, at: string, out: FieldError[], isRoot: boolean): void {
  const n = Object.keys(v).length;
  if (s.minProperties !== undefined && n < s.minProperties) out.push(invalid(at, n, `${at} in body should have at least ${s.minProperties} properties`));
  if (s.maxProperties !== undefined && n > s.maxProperties) out.push({ type: 'FieldValueTooMany', field: at, detail: `Too many: ${n}: must have at most ${s.maxProperties} items` });
  for (const r of s.required ?? []) if (v[r] === undefined) out.push(required(join(path, r)));
  const props = s.properties ?? {};
  for (const [k, x] of Object.entries(v)) {
    if ((isRoot || s['x-kubernetes-embedded-resource']) && objectMetaKeys.includes(k)) continue;
    const p = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : isRecord(s.additionalProperties) ? s.additionalProperties : undefined;
    if (p) check(p, x, join(path, k), out);
  }
  if (s['x-kubernetes-embedded-resource'] && !isRoot) {
    if (typeof v['apiVersion'] !== 'string' || v['apiVersion'] === '') out.push(required(join(path, 'apiVersion'), 'must not be empty'));
    if (typeof v['kind'] !== 'string' || v['kind'] === '') out.push(required(join(path, 'kind'), 'must not be empty'));
  }
}
