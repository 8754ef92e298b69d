/**
 * Services and endpoints, as Kubernetes' ValidateService, ValidateServiceUpdate and
 * ValidateEndpoints check them. Node port ranges (30000–32767) are the allocator's business; here a
 * node port is just a port. Endpoint addresses may be loopback: skiff's process runtime gives pods
 * addresses in 127.0.0.0/8, which Kubernetes would refuse.
 */
import { isIP } from 'node:net';
import type { FieldError } from '../errors.js';
import { validateLabels } from '../labels.js';
import { isRecord } from '../types.js';
import { validatePortNumOrName, supportedPortProtocols } from './container.js';
import { child, duplicate, forbidden, index, invalid, invalidRendered, notSupported, required } from './field.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum } from './names.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const recs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : []);

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const affinities = ['ClientIP', 'None'];
const trafficPolicies = ['Cluster', 'Local'];
const ipFamilies = ['IPv4', 'IPv6'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

/** `clusterIPs`, or `[clusterIP]` when only that is set (the allocator may set just the one). */
function clusterIPsOf(spec: Obj): string[] {
  if (Array.isArray(spec['clusterIPs'])) return spec['clusterIPs'].map((x) => String(x));
  const ip = str(spec['clusterIP']);
  return ip ? [ip] : [];
}

function isHeadless(spec: Obj): boolean {
  const ips = clusterIPsOf(spec);
  return ips.length === 1 && ips[0] === 'None';
}

function externallyAccessible(spec: Obj): boolean {
  const t = spec['type'];
  return t === 'NodePort' || t === 'LoadBalancer' || (t === 'ClusterIP' && Array.isArray(spec['externalIPs']) && spec['externalIPs'].length > 0);
}

/** A service port as Go prints the duplicate key Kubernetes reports. */
function renderPortKey(protocol: string, port: unknown): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${String(port)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validateServicePort(p: Obj, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p['name']);
  if (requireName && !name) errs.push(required(child(path, 'name')));
  else if (name) {
    errs.push(...isDNS1123Label(name).map((m) => invalid(child(path, 'name'), name, m)));
    if (names.has(name)) errs.push(duplicate(child(path, 'name'), name));
    else names.add(name);
  }
  const port = p['port'];
  errs.push(...isValidPortNum(typeof port === 'number' ? port : NaN).map((m) => invalid(child(path, 'port'), port ?? 0, m)));
  const proto = str(p['protocol']);
  if (!proto) errs.push(required(child(path, 'protocol')));
  else if (!(supportedPortProtocols as readonly string[]).includes(proto)) errs.push(notSupported(child(path, 'protocol'), proto, supportedPortProtocols));
  errs.push(...validatePortNumOrName(p['targetPort'], child(path, 'targetPort')));
  const np = p['nodePort'];
  if (typeof np === 'number' && np !== 0) errs.push(...isValidPortNum(np).map((m) => invalid(child(path, 'nodePort'), np, m)));
  return errs;
}

function validateClusterIPs(spec: Obj): FieldError[] {
  if (spec['type'] === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIP = str(spec['clusterIP']);
  const ips = clusterIPsOf(spec);
  if (clusterIP && ips[0] !== clusterIP) errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  if (!clusterIP && ips.length) errs.push(invalid('spec.clusterIPs', ips, 'must be empty when `clusterIP` is not specified'));
  const fams = Array.isArray(spec['ipFamilies']) ? spec['ipFamilies'] : [];
  const seen = new Set<unknown>();
  fams.forEach((f, i) => {
    if (!ipFamilies.includes(f as string)) errs.push(notSupported(index('spec.ipFamilies', i), f, ipFamilies));
    if (seen.has(f)) errs.push(duplicate(index('spec.ipFamilies', i), f));
    seen.add(f);
  });
  const policy = spec['ipFamilyPolicy'];
  if (policy !== undefined && policy !== null && !ipFamilyPolicies.includes(policy as string)) {
    errs.push(notSupported('spec.ipFamilyPolicy', policy, ipFamilyPolicies));
  }
  let bad = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        bad = true;
        errs.push(invalid('spec.clusterIPs', ips, "'None' must be the first and only value"));
      }
      return;
    }
    const msgs = isValidIP(ip);
    if (msgs.length) bad = true;
    errs.push(...msgs.map((m) => invalid(index('spec.clusterIPs', i), ip, m)));
  });
  if (ips.length > 2) errs.push(invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  if (bad) return errs;
  if (ips.length > 1 && isIP(ips[0]!) === isIP(ips[1]!)) errs.push(invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      const fam = fams[i];
      if (fam === 'IPv4' && isIP(ip) === 6) errs.push(invalid(index('spec.clusterIPs', i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fam === 'IPv6' && isIP(ip) !== 6) errs.push(invalid(index('spec.clusterIPs', i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** Kubernetes' ValidateService (the spec; metadata is checked by the caller). */
export function validateService(obj: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const errs: FieldError[] = [];
  const type = spec['type'];
  const ports = recs(spec['ports']);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) {
    errs.push(invalid(index('spec.clusterIPs', 0), 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (clusterIPsOf(spec).length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (Array.isArray(spec['ipFamilies']) && spec['ipFamilies'].length) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec['ipFamilyPolicy'] !== undefined && spec['ipFamilyPolicy'] !== null) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec['externalName']).replace(/\.$/, '');
    if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => invalid('spec.externalName', cname, m)));
    else errs.push(required('spec.externalName'));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))));
  if (spec['selector'] !== undefined && spec['selector'] !== null) errs.push(...validateLabels(spec['selector'], 'spec.selector'));
  const aff = spec['sessionAffinity'];
  if (aff === undefined || aff === null || aff === '') errs.push(required('spec.sessionAffinity'));
  else if (!affinities.includes(aff as string)) errs.push(notSupported('spec.sessionAffinity', aff, affinities));
  if (aff === 'ClientIP') {
    const cfg = spec['sessionAffinityConfig'];
    const clientIP = isRecord(cfg) ? cfg['clientIP'] : undefined;
    const timeout = isRecord(clientIP) ? clientIP['timeoutSeconds'] : undefined;
    if (!isRecord(cfg)) errs.push(required('spec.sessionAffinityConfig', 'when session affinity type is ClientIP'));
    else if (!isRecord(clientIP)) errs.push(required('spec.sessionAffinityConfig.clientIP', 'when session affinity type is ClientIP'));
    else if (typeof timeout !== 'number') errs.push(required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', 'when session affinity type is ClientIP'));
    else if (timeout <= 0 || timeout > 86400) errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
  } else if (aff === 'None' && spec['sessionAffinityConfig'] !== undefined && spec['sessionAffinityConfig'] !== null) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPs(spec));
  (Array.isArray(spec['externalIPs']) ? spec['externalIPs'] : []).forEach((ip, i) => {
    errs.push(...isValidIP(String(ip)).map((m) => invalid(index('spec.externalIPs', i), ip, m)));
  });
  if (type === undefined || type === null || type === '') errs.push(required('spec.type'));
  else if (!serviceTypes.includes(type as string)) errs.push(notSupported('spec.type', type, serviceTypes));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (typeof p['nodePort'] === 'number' && p['nodePort'] !== 0) errs.push(forbidden(child(index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const np = p['nodePort'];
    if (typeof np === 'number' && np !== 0) {
      const k = `${str(p['protocol'])}/${np}`;
      if (nodePorts.has(k)) errs.push(duplicate(child(index('spec.ports', i), 'nodePort'), np));
      nodePorts.add(k);
    }
    const k = `${str(p['protocol'])}/${String(p['port'])}`;
    if (portKeys.has(k)) errs.push({ type: 'FieldValueDuplicate', field: index('spec.ports', i), detail: `Duplicate value: ${renderPortKey(str(p['protocol']), p['port'])}` });
    portKeys.add(k);
  });
  const etp = spec['externalTrafficPolicy'];
  if (!externallyAccessible(spec)) {
    if (etp !== undefined && etp !== null && etp !== '') errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp === undefined || etp === null || etp === '') errs.push(required('spec.externalTrafficPolicy'));
  else if (!trafficPolicies.includes(etp as string)) errs.push(notSupported('spec.externalTrafficPolicy', etp, trafficPolicies));
  const itp = spec['internalTrafficPolicy'];
  if ((itp === undefined || itp === null) && ['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type as string)) errs.push(required('spec.internalTrafficPolicy'));
  else if (itp !== undefined && itp !== null && !trafficPolicies.includes(itp as string)) errs.push(notSupported('spec.internalTrafficPolicy', itp, trafficPolicies));
  return errs;
}

/** Kubernetes' ValidateServiceUpdate: the cluster IPs (and families) may not change once set,
 * except when the service turns into or out of an ExternalName. */
export function validateServiceUpdate(obj: Obj, old: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const oldSpec: Obj = isRecord(old['spec']) ? old['spec'] : {};
  const errs = validateService(obj);
  if (spec['type'] === 'ExternalName' || oldSpec['type'] === 'ExternalName') return errs;
  const ips = clusterIPsOf(spec);
  const oldIps = clusterIPsOf(oldSpec);
  if (isHeadless(spec) && isHeadless(oldSpec)) return errs;
  if (oldIps.length && ips.length === 0) errs.push(invalid(index('spec.clusterIPs', 0), ips, 'primary clusterIP can not be unset'));
  else if (oldIps.length && ips[0] !== oldIps[0]) errs.push(invalid(index('spec.clusterIPs', 0), ips, 'may not change once set'));
  else if (oldIps.length === ips.length) {
    oldIps.forEach((ip, i) => {
      if (i > 0 && ips[i] !== ip) errs.push(invalid(index('spec.clusterIPs', i), ips, 'may not change once set'));
    });
  }
  const fams = Array.isArray(spec['ipFamilies']) ? spec['ipFamilies'] : [];
  const oldFams = Array.isArray(oldSpec['ipFamilies']) ? oldSpec['ipFamilies'] : [];
  if (oldFams.length && fams.length && fams[0] !== oldFams[0]) errs.push(invalidRendered(index('spec.ipFamilies', 0), JSON.stringify(fams), 'may not change once set'));
  return errs;
}

function validateEndpointAddress(a: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ip = str(a['ip']);
  errs.push(...isValidIP(ip).map((m) => invalid(child(path, 'ip'), ip, m)));
  const host = str(a['hostname']);
  if (host) errs.push(...isDNS1123Label(host).map((m) => invalid(child(path, 'hostname'), host, m)));
  const node = str(a['nodeName']);
  if (node) errs.push(...isDNS1123Subdomain(node).map((m) => invalid(child(path, 'nodeName'), node, m)));
  return errs;
}

/** Kubernetes' ValidateEndpoints (subsets). */
export function validateEndpoints(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  recs(obj['subsets']).forEach((ss, i) => {
    const ip = index('subsets', i);
    const addrs = recs(ss['addresses']);
    const notReady = recs(ss['notReadyAddresses']);
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(ip, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateEndpointAddress(a, index(child(ip, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(a, index(child(ip, 'notReadyAddresses'), j))));
    const ports = recs(ss['ports']);
    ports.forEach((p, j) => {
      const pp = index(child(ip, 'ports'), j);
      const name = str(p['name']);
      if (ports.length > 1 && !name) errs.push(required(child(pp, 'name')));
      else if (name) errs.push(...isDNS1123Label(name).map((m) => invalid(child(pp, 'name'), name, m)));
      const port = p['port'];
      errs.push(...isValidPortNum(typeof port === 'number' ? port : NaN).map((m) => invalid(child(pp, 'port'), port ?? 0, m)));
      const proto = str(p['protocol']);
      if (!proto) errs.push(required(child(pp, 'protocol')));
      else if (!(supportedPortProtocols as readonly string[]).includes(proto)) errs.push(notSupported(child(pp, 'protocol'), proto, supportedPortProtocols));
    });
  });
  return errs;
}
