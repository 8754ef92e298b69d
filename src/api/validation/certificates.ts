/**
 * CertificateSigningRequest rules (Kubernetes' pkg/apis/certificates/validation): a request that
 * parses, a qualified signer name, known usages, a duration of at least ten minutes; conditions
 * where Approved and Denied exclude each other and never go away; a certificate only once
 * approved, and never replaced.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { duplicate, forbidden, index, invalid, invalidRendered, notSupported, required } from './field.js';
import { parseCsrPem } from '../csr.js';

type Obj = Record<string, unknown>;

export const KEY_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment',
  'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing',
  'email protection', 's/mime', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing',
  'microsoft sgc', 'netscape sgc',
] as const;

const specOf = (obj: Obj): Obj => (isRecord(obj['spec']) ? obj['spec'] : {});
const statusOf = (obj: Obj): Obj => (isRecord(obj['status']) ? obj['status'] : {});
const conditionsOf = (obj: Obj): Obj[] => (Array.isArray(statusOf(obj)['conditions']) ? (statusOf(obj)['conditions'] as unknown[]).filter(isRecord) : []);

function decode(b64: unknown): string {
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : '';
}

const SIGNER = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+)\/([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

export function validateCsr(obj: Obj): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const request = decode(spec['request']);
  if (!request) errs.push(required('spec.request'));
  else {
    const parsed = parseCsrPem(request);
    if ('error' in parsed) errs.push(invalidRendered('spec.request', '[]byte{...}', parsed.error));
  }
  const signer = spec['signerName'];
  if (typeof signer !== 'string' || signer === '') errs.push(required('spec.signerName'));
  else if (!SIGNER.test(signer)) errs.push(invalid('spec.signerName', signer, "must be a fully qualified domain and path of the form 'example.com/signer-name'"));
  const usages = Array.isArray(spec['usages']) ? spec['usages'] : [];
  if (usages.length === 0) errs.push(required('spec.usages', 'usages must be provided'));
  const seen = new Set<unknown>();
  usages.forEach((u, i) => {
    if (!(KEY_USAGES as readonly unknown[]).includes(u)) errs.push(notSupported(index('spec.usages', i), u, KEY_USAGES));
    else if (seen.has(u)) errs.push(duplicate(index('spec.usages', i), u));
    seen.add(u);
  });
  const exp = spec['expirationSeconds'];
  if (exp !== undefined && exp !== null && (typeof exp !== 'number' || exp < 600)) {
    errs.push(invalid('spec.expirationSeconds', exp, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  return [...errs, ...validateConditions(obj, undefined)];
}

/** Conditions and certificate of `obj`, against `old` on updates. */
function validateConditions(obj: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const conds = conditionsOf(obj);
  const types = new Set<string>();
  conds.forEach((c, i) => {
    const path = index('status.conditions', i);
    const type = typeof c['type'] === 'string' ? c['type'] : '';
    if (!type) errs.push(required(`${path}.type`));
    if (['Approved', 'Denied', 'Failed'].includes(type)) {
      if (types.has(type)) errs.push(duplicate(`${path}.type`, type));
      if (c['status'] !== 'True' && (type === 'Approved' || type === 'Denied')) errs.push(notSupported(`${path}.status`, c['status'], ['True']));
    }
    types.add(type);
    if (!['True', 'False', 'Unknown'].includes(String(c['status']))) errs.push(notSupported(`${path}.status`, c['status'], ['False', 'True', 'Unknown']));
  });
  if (types.has('Approved') && types.has('Denied')) errs.push(invalid('status.conditions', conds, 'Approved and Denied conditions are mutually exclusive'));
  const cert = statusOf(obj)['certificate'];
  if (typeof cert === 'string' && cert !== '') {
    if (!types.has('Approved')) errs.push(invalidRendered('status.certificate', '"<certificate data>"', 'certificate may only be set if the Approved condition is present'));
    if (!/-----BEGIN CERTIFICATE-----/.test(decode(cert))) errs.push(invalidRendered('status.certificate', '"<certificate data>"', 'must contain at least one CERTIFICATE PEM block'));
  }
  if (old) {
    for (const t of ['Approved', 'Denied']) {
      if (conditionsOf(old).some((c) => c['type'] === t) && !types.has(t)) errs.push(forbidden('status.conditions', `updates may not remove a condition of type "${t}"`));
    }
    const oldCert = statusOf(old)['certificate'];
    if (typeof oldCert === 'string' && oldCert !== '' && !isDeepStrictEqual(oldCert, cert)) {
      errs.push(forbidden('status.certificate', 'updates may not modify existing certificate content'));
    }
  }
  return errs;
}

export function validateCsrUpdate(obj: Obj, old: Obj): FieldError[] {
  return validateConditions(obj, old);
}

export const validateCsrStatus = validateCsrUpdate;
