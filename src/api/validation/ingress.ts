/**
 * networking.k8s.io/v1 Ingress and IngressClass, as Kubernetes' networking validation checks them:
 * rules or a default backend, hosts that are DNS names (a `*.` wildcard of one label allowed, never
 * an IP), paths with a known pathType (Exact and Prefix absolute and clean), backends that are a
 * service with a port name or number, or a typed resource (never both), TLS hosts, and a class
 * name that agrees with the legacy annotation.
 */
import { isIP } from 'node:net';
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { child, forbidden, immutable, index, invalid, invalidRendered, notSupported, required, tooLong } from './field.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, maxLenError, regexError, DNS1123SubdomainMaxLength } from './names.js';
import { ingressClassAnnotation } from '../kinds/networking.js';

type Obj = Record<string, unknown>;

const rec = (v: unknown): Obj => (isRecord(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];

const dns1123SubdomainFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const wildcardFmt = `\\*\\.${dns1123SubdomainFmt}`;
const wildcardRe = new RegExp(`^${wildcardFmt}$`);

/** Kubernetes' IsWildcardDNS1123Subdomain. */
export function isWildcardDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > DNS1123SubdomainMaxLength) errs.push(maxLenError(DNS1123SubdomainMaxLength));
  if (!wildcardRe.test(v)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", wildcardFmt, '*.example.com'));
  }
  return errs;
}

/** A host of a rule or a TLS entry: a wildcard or a plain DNS subdomain. */
function validateHost(host: string, path: string): FieldError[] {
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  return msgs.map((m) => invalid(path, host, m));
}

export function validateIngressBackend(b: Obj, path: string): FieldError[] {
  const hasResource = isRecord(b['resource']);
  const hasService = isRecord(b['service']);
  if (hasResource && hasService) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const r = rec(b['resource']);
    const errs: FieldError[] = [];
    const group = text(r['apiGroup']);
    if (group) for (const m of isDNS1123Subdomain(group)) errs.push(invalid(child(path, 'resource', 'apiGroup'), group, m));
    if (!text(r['kind'])) errs.push(required(child(path, 'resource', 'kind'), ''));
    if (!text(r['name'])) errs.push(required(child(path, 'resource', 'name'), ''));
    return errs;
  }
  if (!hasService) return [invalid(path, '', 'resource or service backend is required')];
  const svc = rec(b['service']);
  const errs: FieldError[] = [];
  const name = text(svc['name']);
  if (!name) errs.push(required(child(path, 'service', 'name'), ''));
  else for (const m of isDNS1035Label(name)) errs.push(invalid(child(path, 'service', 'name'), name, m));
  const port = rec(svc['port']);
  const portName = text(port['name']);
  const portNumber = typeof port['number'] === 'number' ? port['number'] : 0;
  if (portName && portNumber !== 0) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) for (const m of isValidPortName(portName)) errs.push(invalid(child(path, 'service', 'port', 'name'), portName, m));
  else if (portNumber !== 0) for (const m of isValidPortNum(portNumber)) errs.push(invalid(child(path, 'service', 'port', 'number'), portNumber, m));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validatePath(p: Obj, path: string): FieldError[] {
  const pathType = p['pathType'];
  if (pathType === undefined || pathType === null) return [required(child(path, 'pathType'), 'pathType must be specified')];
  const value = text(p['path']);
  const errs: FieldError[] = [];
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalid(child(path, 'path'), value, 'must be an absolute path'));
    if (value.length > 0) {
      for (const seq of ['//', '/./', '/../', '%2f', '%2F']) {
        if (value.includes(seq)) errs.push(invalid(child(path, 'path'), value, `must not contain '${seq}'`));
      }
      for (const suffix of ['/..', '/.']) {
        if (value.endsWith(suffix)) errs.push(invalid(child(path, 'path'), value, `cannot end with '${suffix}'`));
      }
    }
  } else if (pathType === 'ImplementationSpecific') {
    if (value.length > 0 && !value.startsWith('/')) errs.push(invalid(child(path, 'path'), value, 'must be an absolute path'));
  } else {
    errs.push(notSupported(child(path, 'pathType'), pathType, pathTypes));
  }
  errs.push(...validateIngressBackend(rec(p['backend']), child(path, 'backend')));
  return errs;
}

function validateRule(rule: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const host = text(rule['host']);
  if (host) {
    if (isIP(host) !== 0) errs.push(invalid(child(path, 'host'), host, 'must be a DNS name, not an IP address'));
    else errs.push(...validateHost(host, child(path, 'host')));
  }
  if (isRecord(rule['http'])) {
    const paths = arr(rule['http']['paths']);
    const base = child(path, 'http', 'paths');
    if (paths.length === 0) errs.push(required(base, ''));
    paths.forEach((p, i) => errs.push(...validatePath(rec(p), index(base, i))));
  }
  return errs;
}

export function validateIngress(obj: Obj): FieldError[] {
  const spec = rec(obj['spec']);
  const errs: FieldError[] = [];
  const rules = arr(spec['rules']);
  const hasDefault = isRecord(spec['defaultBackend']);
  if (rules.length === 0 && !hasDefault) {
    // Go prints the empty rule list with %#v.
    const rendered = Array.isArray(spec['rules']) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)';
    errs.push(invalidRendered('spec', rendered, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (hasDefault) errs.push(...validateIngressBackend(rec(spec['defaultBackend']), 'spec.defaultBackend'));
  rules.forEach((r, i) => errs.push(...validateRule(rec(r), index('spec.rules', i))));
  arr(spec['tls']).forEach((t, i) => {
    const base = index('spec.tls', i);
    arr(rec(t)['hosts']).forEach((h, j) => errs.push(...validateHost(text(h), index(child(base, 'hosts'), j))));
    const secret = text(rec(t)['secretName']);
    if (secret) for (const m of isDNS1123Subdomain(secret)) errs.push(invalid(child(base, 'secretName'), secret, m));
  });
  const className = spec['ingressClassName'];
  if (typeof className === 'string') {
    for (const m of isDNS1123Subdomain(className)) errs.push(invalid('spec.ingressClassName', className, m));
    const annotation = rec(rec(obj['metadata'])['annotations'])[ingressClassAnnotation];
    if (typeof annotation === 'string' && annotation !== className) {
      errs.push(invalid(`metadata.annotations.${ingressClassAnnotation}`, annotation, 'must match `ingressClassName` when both are specified'));
    }
  }
  return errs;
}

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${httpPathFmt}$`);

/** Kubernetes' IsDomainPrefixedPath (`acme.io/foo`). */
function validateDomainPrefixedPath(v: string, path: string): FieldError[] {
  if (!v) return [required(path, '')];
  const slash = v.indexOf('/');
  const host = slash < 0 ? v : v.slice(0, slash);
  const rest = slash < 0 ? '' : v.slice(slash + 1);
  if (slash < 0 || !host || !rest) return [invalid(path, v, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  if (!httpPathRe.test(rest)) errs.push(invalid(path, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

export function validateIngressClass(obj: Obj): FieldError[] {
  const spec = rec(obj['spec']);
  const controller = text(spec['controller']);
  const errs: FieldError[] = [];
  if (controller.length > 250) errs.push(tooLong('spec.controller', 250));
  errs.push(...validateDomainPrefixedPath(controller, 'spec.controller'));
  if (isRecord(spec['parameters'])) {
    const p = spec['parameters'];
    const base = 'spec.parameters';
    const group = text(p['apiGroup']);
    if (group) for (const m of isDNS1123Subdomain(group)) errs.push(invalid(child(base, 'apiGroup'), group, m));
    if (!text(p['kind'])) errs.push(required(child(base, 'kind'), 'kind is required'));
    if (!text(p['name'])) errs.push(required(child(base, 'name'), 'name is required'));
    const scope = p['scope'] ?? 'Cluster';
    const ns = text(p['namespace']);
    if (scope === 'Cluster') {
      if (ns) errs.push(forbidden(child(base, 'namespace'), '`parameters.scope` is set to \'Cluster\''));
    } else if (scope === 'Namespace') {
      if (!ns) errs.push(required(child(base, 'namespace'), '`parameters.scope` is set to \'Namespace\''));
    } else {
      errs.push(notSupported(child(base, 'scope'), scope, ['Cluster', 'Namespace']));
    }
  }
  return errs;
}

export function validateIngressClassUpdate(obj: Obj, old: Obj): FieldError[] {
  const now = rec(obj['spec'])['controller'];
  const before = rec(old['spec'])['controller'];
  return [...validateIngressClass(obj), ...(now !== before ? [immutable('spec.controller', now)] : [])];
}
