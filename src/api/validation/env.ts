/**
 * A container's environment, `env` and `envFrom`, as Kubernetes 1.32 validates it (ValidateEnv,
 * ValidateEnvFrom) with RelaxedEnvironmentVariableValidation on by default: a variable name or an
 * envFrom `prefix` may be any printable ASCII other than `=`. The kubelet (src/agent/env.ts)
 * builds the environment from exactly what passes here, so nothing accepted is silently dropped.
 */
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { child, index, invalid, required } from './field.js';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.js';

type Obj = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const recs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : []);
const present = (v: unknown): boolean => v !== undefined && v !== null;

/** apimachinery's IsRelaxedEnvVarName: non-empty, printable ASCII, no `=`. */
export function isRelaxedEnvVarName(v: string): string[] {
  const errs: string[] = [];
  if (v.length === 0) errs.push('environment variable name must be non-empty');
  if (!/^[\x20-\x3c\x3e-\x7e]*$/.test(v)) errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
  return errs;
}

export function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(env).forEach((e, i) => {
    const ip = index(path, i);
    const name = str(e['name']);
    if (!name) errs.push(required(child(ip, 'name')));
    errs.push(...isRelaxedEnvVarName(name).map((m) => invalid(child(ip, 'name'), name, m)));
    const from = e['valueFrom'];
    if (!present(from)) return;
    const fp = child(ip, 'valueFrom');
    if (!isRecord(from)) {
      errs.push(invalid(fp, from, 'must be an object'));
      return;
    }
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((s) => present(from[s]));
    if (sources.length === 0) {
      errs.push(invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    } else if (sources.length > 1) {
      errs.push(invalid(fp, '', 'may not have more than one field specified at a time'));
    }
    if (str(e['value']) !== '') errs.push(invalid(fp, '', 'may not be specified when `value` is not empty'));
    const fieldRef = isRecord(from['fieldRef']) ? from['fieldRef'] : undefined;
    if (fieldRef && !str(fieldRef['fieldPath'])) errs.push(required(child(fp, 'fieldRef', 'fieldPath')));
    const resRef = isRecord(from['resourceFieldRef']) ? from['resourceFieldRef'] : undefined;
    if (resRef && !str(resRef['resource'])) errs.push(required(child(fp, 'resourceFieldRef', 'resource')));
    for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
      const r = isRecord(from[ref]) ? (from[ref] as Obj) : undefined;
      if (!r) continue;
      if (!str(r['name'])) errs.push(required(child(fp, ref, 'name')));
      const k = str(r['key']);
      if (!k) errs.push(required(child(fp, ref, 'key')));
      else errs.push(...isConfigMapKey(k).map((m) => invalid(child(fp, ref, 'key'), k, m)));
    }
  });
  return errs;
}

/**
 * `envFrom`: each entry takes exactly one of `configMapRef` and `secretRef`, which must name a
 * ConfigMap or Secret (a DNS subdomain; as Kubernetes checks it, with a trailing `-` allowed), and
 * an optional `prefix`. Kubernetes reports "neither" and "both" on the list's path, not the entry's.
 */
export function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  recs(envFrom).forEach((e, i) => {
    const ip = index(path, i);
    const prefix = str(e['prefix']);
    if (prefix) errs.push(...isRelaxedEnvVarName(prefix).map((m) => invalid(child(ip, 'prefix'), prefix, m)));
    let sources = 0;
    for (const ref of ['configMapRef', 'secretRef']) {
      if (!present(e[ref])) continue;
      sources++;
      const r = isRecord(e[ref]) ? (e[ref] as Obj) : {};
      const name = str(r['name']);
      if (!name) errs.push(required(child(ip, ref, 'name')));
      else errs.push(...nameIsDNSSubdomain(name, true).map((m) => invalid(child(ip, ref, 'name'), name, m)));
    }
    if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}
