/**
 * Validation of an `apiextensions.k8s.io/v1` CustomResourceDefinition, with apiextensions-apiserver's
 * field paths and messages: its name is `<plural>.<group>`, the group is a domain with a dot,
 * names are DNS labels, the scope is Namespaced or Cluster, exactly one version is the storage
 * version, every schema is structural. What skiff cannot do is refused, never ignored: CEL rules,
 * webhook conversion and `preserveUnknownFields: true`.
 */
import type { FieldError } from '../errors.js';
import { forbidden, invalid, notSupported, required } from '../validation/field.js';
import { structuralProblems } from '../schema/structural.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const kindName = /^[A-Za-z][A-Za-z0-9]*$/;

function checkLabel(field: string, value: unknown, out: FieldError[], optional = false): void {
  if (value === undefined || value === '') {
    if (!optional) out.push(required(field));
    return;
  }
  if (typeof value !== 'string' || value.length > 63 || !dnsLabel.test(value)) {
    out.push(invalid(field, value, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
  }
}

function checkKind(field: string, value: unknown, out: FieldError[], optional = false): void {
  if (value === undefined || value === '') {
    if (!optional) out.push(required(field));
    return;
  }
  if (typeof value !== 'string' || !kindName.test(value)) {
    out.push(invalid(field, value, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'));
  }
}

/** Errors in a CRD's `metadata.name` and `spec` (the stored form). */
export function validateCustomResourceDefinition(crd: { metadata?: { name?: string }; spec?: unknown }): FieldError[] {
  const out: FieldError[] = [];
  const spec = isRecord(crd.spec) ? crd.spec : {};
  const group = spec['group'];
  const names = isRecord(spec['names']) ? spec['names'] : {};
  if (group === undefined || group === '') out.push(required('spec.group'));
  else if (typeof group !== 'string' || !dnsSubdomain.test(group) || group.length > 253) out.push(invalid('spec.group', group, 'a lowercase RFC 1123 subdomain'));
  else if (!group.includes('.')) out.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  const plural = names['plural'];
  if (crd.metadata?.name !== `${String(plural)}.${String(group)}`) {
    out.push(invalid('metadata.name', crd.metadata?.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  }
  checkLabel('spec.names.plural', plural, out);
  checkLabel('spec.names.singular', names['singular'], out, true);
  checkKind('spec.names.kind', names['kind'], out);
  checkKind('spec.names.listKind', names['listKind'], out, true);
  if (names['kind'] !== undefined && names['kind'] === names['listKind']) out.push(invalid('spec.names.listKind', names['listKind'], 'kind and listKind may not be the same'));
  const shortNames = names['shortNames'] ?? [];
  if (!Array.isArray(shortNames)) out.push(invalid('spec.names.shortNames', shortNames, 'must be a list'));
  else shortNames.forEach((n, i) => checkLabel(`spec.names.shortNames[${i}]`, n, out));
  const categories = names['categories'] ?? [];
  if (!Array.isArray(categories)) out.push(invalid('spec.names.categories', categories, 'must be a list'));
  else categories.forEach((n, i) => checkLabel(`spec.names.categories[${i}]`, n, out));
  const scope = spec['scope'];
  if (scope === undefined || scope === '') out.push(required('spec.scope'));
  else if (scope !== 'Namespaced' && scope !== 'Cluster') out.push(notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  if (spec['preserveUnknownFields'] === true) {
    out.push(invalid('spec.preserveUnknownFields', true, 'must be false: this server prunes unknown fields (use x-kubernetes-preserve-unknown-fields in the schema)'));
  }
  const conversion = isRecord(spec['conversion']) ? spec['conversion'] : {};
  const strategy = conversion['strategy'];
  if (strategy === 'Webhook') out.push(forbidden('spec.conversion.strategy', 'webhook conversion is not supported by this server; use None'));
  else if (strategy !== undefined && strategy !== 'None') out.push(notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  validateVersions(spec['versions'], out);
  return out;
}

function validateVersions(raw: unknown, out: FieldError[]): void {
  if (!Array.isArray(raw) || raw.length === 0) {
    out.push(invalid('spec.versions', raw ?? null, 'must have exactly one version marked as storage version'));
    out.push(required('spec.versions', 'must have at least one version'));
    return;
  }
  const seen = new Set<string>();
  let storage = 0;
  let served = 0;
  raw.forEach((v: unknown, i) => {
    const path = `spec.versions[${i}]`;
    if (!isRecord(v)) {
      out.push(invalid(path, v, 'must be an object'));
      return;
    }
    checkLabel(`${path}.name`, v['name'], out);
    if (typeof v['name'] === 'string') {
      if (seen.has(v['name'])) out.push(invalid('spec.versions', raw.map((x: unknown) => (isRecord(x) ? x['name'] : x)), 'must contain unique version names'));
      seen.add(v['name']);
    }
    if (v['storage'] === true) storage++;
    if (v['served'] === true) served++;
    const schema = isRecord(v['schema']) ? v['schema']['openAPIV3Schema'] : undefined;
    if (schema === undefined) out.push(required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
    else out.push(...structuralProblems(schema, `${path}.schema.openAPIV3Schema`));
    const sub = isRecord(v['subresources']) ? v['subresources'] : {};
    const scale = sub['scale'];
    if (isRecord(scale)) {
      for (const k of ['specReplicasPath', 'statusReplicasPath']) {
        const p = scale[k];
        if (typeof p !== 'string' || p === '') out.push(required(`${path}.subresources.scale.${k}`));
        else if (!/^\.[A-Za-z0-9_.]+$/.test(p)) out.push(invalid(`${path}.subresources.scale.${k}`, p, 'should be a json path under .spec or .status'));
      }
    }
    const cols = v['additionalPrinterColumns'] ?? [];
    if (Array.isArray(cols)) {
      cols.forEach((c: unknown, j) => {
        const cp = `${path}.additionalPrinterColumns[${j}]`;
        if (!isRecord(c)) return;
        if (!c['name']) out.push(required(`${cp}.name`));
        if (!c['jsonPath']) out.push(required(`${cp}.jsonPath`));
        const t = c['type'];
        if (!['integer', 'number', 'string', 'boolean', 'date'].includes(String(t))) {
          out.push(notSupported(`${cp}.type`, t ?? '', ['integer', 'number', 'string', 'boolean', 'date']));
        }
      });
    }
  });
  if (storage !== 1) out.push(invalid('spec.versions', storage, 'must have exactly one version marked as storage version'));
  if (served === 0) out.push(invalid('spec.versions', raw.map((x: unknown) => (isRecord(x) ? x['name'] : x)), 'must have at least one version marked as served'));
}

function establishedIn(crd: { status?: unknown }): boolean {
  const status = isRecord(crd.status) ? crd.status : {};
  const conditions = Array.isArray(status['conditions']) ? status['conditions'] : [];
  return conditions.some((c: unknown) => isRecord(c) && c['type'] === 'Established' && c['status'] === 'True');
}

function specField(crd: { spec?: unknown }, ...path: string[]): unknown {
  let cur: unknown = crd.spec;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

/** An update: the create rules, and what decides where objects are stored never changes (the
 * group and plural always, the scope and kind once established), as apiextensions-apiserver. */
export function validateCustomResourceDefinitionUpdate(
  crd: { metadata?: { name?: string }; spec?: unknown; status?: unknown },
  old: { spec?: unknown; status?: unknown },
): FieldError[] {
  const out = validateCustomResourceDefinition(crd);
  const immutable = (path: string[]) => {
    const now = specField(crd, ...path);
    if (JSON.stringify(now) !== JSON.stringify(specField(old, ...path))) out.push(invalid(`spec.${path.join('.')}`, now ?? '', 'field is immutable'));
  };
  if (establishedIn(old)) {
    immutable(['scope']);
    immutable(['names', 'kind']);
  }
  immutable(['group']);
  immutable(['names', 'plural']);
  return out;
}
