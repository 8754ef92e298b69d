/**
 * EndpointSlices, as Kubernetes' ValidateEndpointSlice and ValidateEndpointSliceUpdate check them:
 * the address type, at most 1000 endpoints of 1–100 addresses each of that type, at most 100
 * uniquely named ports. Like Endpoints, loopback addresses are accepted (the process runtime's
 * pods live in 127.0.0.0/8).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { FieldError } from '../errors.js';
import { validateLabels } from '../labels.js';
import { isRecord } from '../types.js';
import { supportedPortProtocols } from './container.js';
import { child, duplicate, immutable, index, invalid, notSupported, required } from './field.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from './names.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const recs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : []);

export const addressTypes = ['FQDN', 'IPv4', 'IPv6'] as const;
export const maxEndpoints = 1000;
export const maxAddresses = 100;
export const maxPorts = 100;

function tooMany(field: string, n: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, detail: `Too many: ${n}: must have at most ${max} items` };
}

function addressErrors(type: string, a: string): string[] {
  switch (type) {
    case 'IPv4':
      return isIPv4(a) ? [] : ['must be a valid IPv4 address'];
    case 'IPv6':
      return isIPv6(a) ? [] : ['must be a valid IPv6 address'];
    case 'FQDN':
      return isDNS1123Subdomain(a);
    default:
      return [];
  }
}

function validateEndpoint(e: Obj, path: string, addressType: string): FieldError[] {
  const errs: FieldError[] = [];
  const addrs = Array.isArray(e['addresses']) ? e['addresses'] : [];
  const ap = child(path, 'addresses');
  if (addrs.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
  else if (addrs.length > maxAddresses) errs.push(tooMany(ap, addrs.length, maxAddresses));
  addrs.forEach((a, i) => {
    for (const m of addressErrors(addressType, str(a))) errs.push(invalid(index(ap, i), a, m));
  });
  const host = str(e['hostname']);
  if (host) errs.push(...isDNS1123Label(host).map((m) => invalid(child(path, 'hostname'), host, m)));
  const node = str(e['nodeName']);
  if (node) errs.push(...isDNS1123Subdomain(node).map((m) => invalid(child(path, 'nodeName'), node, m)));
  const topology = e['deprecatedTopology'];
  if (isRecord(topology)) errs.push(...validateLabels(topology as Record<string, string>, child(path, 'deprecatedTopology')));
  return errs;
}

/** Kubernetes' ValidateEndpointSlice (the name is checked by the table's name rule). */
export function validateEndpointSlice(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const addressType = str(obj['addressType']);
  if (!addressType) errs.push(required('addressType'));
  else if (!(addressTypes as readonly string[]).includes(addressType)) errs.push(notSupported('addressType', addressType, addressTypes));
  const endpoints = recs(obj['endpoints']);
  if (endpoints.length > maxEndpoints) errs.push(tooMany('endpoints', endpoints.length, maxEndpoints));
  endpoints.forEach((e, i) => errs.push(...validateEndpoint(e, index('endpoints', i), addressType)));
  const ports = recs(obj['ports']);
  if (ports.length > maxPorts) errs.push(tooMany('ports', ports.length, maxPorts));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = index('ports', i);
    const name = str(p['name']);
    if (name) errs.push(...isDNS1123Label(name).map((m) => invalid(child(pp, 'name'), name, m)));
    if (names.has(name)) errs.push(duplicate(child(pp, 'name'), name));
    names.add(name);
    const proto = str(p['protocol']);
    if (!proto) errs.push(required(child(pp, 'protocol')));
    else if (!(supportedPortProtocols as readonly string[]).includes(proto)) errs.push(notSupported(child(pp, 'protocol'), proto, supportedPortProtocols));
    const port = p['port'];
    if (port !== undefined && port !== null) {
      errs.push(...isValidPortNum(typeof port === 'number' ? port : NaN).map((m) => invalid(child(pp, 'port'), port, m)));
    }
  });
  return errs;
}

/** Kubernetes' ValidateEndpointSliceUpdate: the address type may not change. */
export function validateEndpointSliceUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs = validateEndpointSlice(obj);
  if (str(obj['addressType']) !== str(old['addressType'])) errs.push(immutable('addressType', obj['addressType']));
  return errs;
}
