/**
 * Structural schemas, as apiextensions-apiserver defines them: every object field and array item
 * says its `type` (unless `x-kubernetes-int-or-string` or `x-kubernetes-preserve-unknown-fields`
 * makes it free), the root is an object, and `metadata` may only restrict `name` and
 * `generateName`. {@link structuralSchemaOf} is the one place others (validation, pruning,
 * defaulting, server-side apply's list types) read a served CRD version's compiled schema from.
 */
import type { FieldError } from '../errors.js';
import { forbidden, invalid, required } from '../validation/field.js';

/** The parts of a JSONSchemaProps skiff acts on (`openAPIV3Schema` of one CRD version). */
export interface StructuralSchema {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, StructuralSchema>>;
  readonly additionalProperties?: StructuralSchema | boolean;
  readonly items?: StructuralSchema;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly nullable?: boolean;
  readonly default?: unknown;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  readonly 'x-kubernetes-validations'?: readonly unknown[];
}

interface CrdVersionLike {
  readonly name?: unknown;
  readonly served?: unknown;
  readonly schema?: { readonly openAPIV3Schema?: unknown };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The structural schema of a CRD's served `version`, or undefined when the version is not
 * served or has no schema. The CRD is the stored `apiextensions.k8s.io/v1` object. */
export function structuralSchemaOf(crd: { readonly spec?: unknown }, version: string): StructuralSchema | undefined {
  const spec = isRecord(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec['versions']) ? (spec['versions'] as CrdVersionLike[]) : [];
  const v = versions.find((x) => isRecord(x) && x.name === version && x.served === true);
  const s = v?.schema?.openAPIV3Schema;
  return isRecord(s) ? (s as StructuralSchema) : undefined;
}

/** What apiextensions-apiserver accepts in a schema; anything else is refused (never ignored). */
const allowedKeys = new Set([
  'type', 'description', 'title', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'pattern',
  'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems',
  'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'nullable', 'default', 'example', 'multipleOf',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations',
]);

const types = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

type Level = 'root' | 'item' | 'field' | 'additional';

/**
 * The problems that make `schema` (at `path`, e.g. `spec.versions[0].schema.openAPIV3Schema`)
 * non-structural or unsupported, with apiextensions-apiserver's messages. CEL rules
 * (`x-kubernetes-validations`) are refused: skiff has no CEL evaluator, and a rule it accepted
 * would be silently ignored.
 */
export function structuralProblems(schema: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  walk(schema, path, 'root', out);
  return out;
}

function walk(s: unknown, path: string, level: Level, out: FieldError[]): void {
  if (!isRecord(s)) {
    out.push(invalid(path, s, 'must be a JSON schema object'));
    return;
  }
  for (const k of Object.keys(s)) {
    if (k === 'x-kubernetes-validations') {
      out.push(forbidden(`${path}.x-kubernetes-validations`, 'CEL validation rules are not supported by this server (no CEL evaluator)'));
    } else if (k === '$ref' || k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not') {
      out.push(forbidden(`${path}.${k}`, `${k} is not supported by this server`));
    } else if (!allowedKeys.has(k)) {
      out.push(forbidden(`${path}.${k}`, `${k} is not supported`));
    }
  }
  const type = s['type'];
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'];
  if (preserve !== undefined && preserve !== true) out.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, preserve, 'must be true or undefined'));
  if (type !== undefined && (typeof type !== 'string' || !types.has(type))) {
    out.push({ type: 'FieldValueNotSupported', field: `${path}.type`, detail: `Unsupported value: ${JSON.stringify(type)}: supported values: "array", "boolean", "integer", "number", "object", "string"` });
  }
  if (intOrString && type !== undefined && type !== '') out.push(invalid(`${path}.type`, type, 'must be empty if x-kubernetes-int-or-string is true'));
  if (type === undefined && !intOrString && preserve !== true) {
    if (level === 'root') out.push(required(`${path}.type`, 'must not be empty at the root'));
    else if (level === 'item') out.push(required(`${path}.type`, 'must not be empty for specified array items'));
    else out.push(required(`${path}.type`, 'must not be empty for specified object fields'));
  }
  if (level === 'root' && type !== undefined && type !== 'object') out.push(invalid(`${path}.type`, type, 'must be object at the root'));
  if (s['x-kubernetes-embedded-resource'] === true && type !== 'object') {
    out.push(invalid(`${path}.type`, type ?? '', 'must be object if x-kubernetes-embedded-resource is true'));
  }
  const pattern = s['pattern'];
  if (pattern !== undefined) {
    try {
      if (typeof pattern !== 'string') throw new Error('not a string');
      new RegExp(pattern, 'u');
    } catch (err) {
      out.push(invalid(`${path}.pattern`, pattern, `must be a valid regular expression, but isn't: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
  if (s['nullable'] === true && level === 'root') out.push(invalid(`${path}.nullable`, true, 'must be false at the root'));
  const props = s['properties'];
  const additional = s['additionalProperties'];
  if (props !== undefined && additional !== undefined && additional !== false) {
    out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (props !== undefined) {
    if (!isRecord(props)) out.push(invalid(`${path}.properties`, props, 'must be an object'));
    else {
      if (type !== undefined && type !== 'object') out.push(invalid(`${path}.type`, type, 'must be object if properties are specified'));
      for (const [k, v] of Object.entries(props)) {
        if (level === 'root' && k === 'metadata' && isRecord(v)) checkMetadata(v, `${path}.properties[metadata]`, out);
        walk(v, `${path}.properties[${k}]`, 'field', out);
      }
    }
  }
  if (isRecord(additional)) walk(additional, `${path}.additionalProperties`, 'additional', out);
  if (type === 'array') {
    if (s['items'] === undefined) out.push(required(`${path}.items`, 'must be specified'));
    else if (Array.isArray(s['items'])) out.push(forbidden(`${path}.items`, 'items must be a schema object and not an array'));
    else walk(s['items'], `${path}.items`, 'item', out);
  }
  checkListType(s, path, out);
}

function checkMetadata(meta: Record<string, unknown>, path: string, out: FieldError[]): void {
  const props = isRecord(meta['properties']) ? Object.keys(meta['properties']) : [];
  const extra = Object.keys(meta).filter((k) => k !== 'type' && k !== 'properties' && k !== 'description');
  if (props.some((p) => p !== 'name' && p !== 'generateName') || extra.length > 0) {
    out.push(forbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
}

function checkListType(s: Record<string, unknown>, path: string, out: FieldError[]): void {
  const lt = s['x-kubernetes-list-type'];
  if (lt === undefined) {
    if (s['x-kubernetes-list-map-keys'] !== undefined) {
      out.push(forbidden(`${path}.x-kubernetes-list-map-keys`, 'must not be specified if x-kubernetes-list-type is not map'));
    }
    return;
  }
  if (s['type'] !== 'array') out.push(invalid(`${path}.x-kubernetes-list-type`, lt, 'must only be used if type is array'));
  if (lt !== 'atomic' && lt !== 'set' && lt !== 'map') {
    out.push({ type: 'FieldValueNotSupported', field: `${path}.x-kubernetes-list-type`, detail: `Unsupported value: ${JSON.stringify(lt)}: supported values: "atomic", "set", "map"` });
    return;
  }
  const items = isRecord(s['items']) ? s['items'] : {};
  if (lt === 'map') {
    const keys = s['x-kubernetes-list-map-keys'];
    if (!Array.isArray(keys) || keys.length === 0) {
      out.push(required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
      return;
    }
    if (items['type'] !== 'object') out.push(invalid(`${path}.items.type`, items['type'] ?? '', 'must be object if parent array\'s x-kubernetes-list-type is map'));
    const itemProps = isRecord(items['properties']) ? items['properties'] : {};
    for (const k of keys) {
      if (typeof k !== 'string' || !isRecord(itemProps[k])) {
        out.push(required(`${path}.items.properties`, `must have a property ${JSON.stringify(k)} which is a key of the map list`));
      }
    }
  } else if (s['x-kubernetes-list-map-keys'] !== undefined) {
    out.push(forbidden(`${path}.x-kubernetes-list-map-keys`, 'must not be specified if x-kubernetes-list-type is not map'));
  }
  if (lt === 'set' && items['type'] === 'object') {
    out.push(invalid(`${path}.items.type`, 'object', 'must be a scalar type if parent array\'s x-kubernetes-list-type is set'));
  }
}
