/** What a request addresses, parsed from its path segments as Kubernetes' RequestInfoFactory does. */
import { BadRequestError } from '../../api/errors.js';
import { boolParam } from './query.js';
import { pathSegmentNameProblems } from './paths.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'options';

export interface ResourceRequest {
  readonly kind: 'resource';
  readonly group: string;
  readonly version: string;
  readonly namespace?: string;
  readonly resource: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly verb: Verb;
}

export interface OtherRequest {
  readonly kind: 'other';
  readonly path: string;
}

export type RequestInfo = ResourceRequest | OtherRequest;

/** Verbs that only read: they share kube-apiserver's read-only in-flight pool. */
export const readOnlyVerbs: ReadonlySet<string> = new Set(['get', 'list', 'watch']);

function verbFor(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/**
 * `segments` are the decoded path split on `/` (see paths.ts). Resource paths are
 * `/api/VERSION/…` and `/apis/GROUP/VERSION/…`, optionally with `watch/` first, then
 * `[namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]]`; everything else is "other". Empty segments
 * never address anything (an empty namespace must not widen a request to all namespaces).
 */
export function parseRequestInfo(method: string, segments: readonly string[], path: string, query: URLSearchParams): RequestInfo {
  let i: number;
  let group: string;
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    i = 1;
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    i = 2;
  } else {
    return { kind: 'other', path };
  }
  const version = segments[i++]!;
  let watch = boolParam(query, 'watch');
  if (segments[i] === 'watch') {
    watch = true;
    i++;
  }
  let rest = segments.slice(i);
  // `…/NAME/proxy/PATH`: the path below `proxy` is the backend's (empty segments and all); the
  // request is the `proxy` subresource, as kube-apiserver's RequestInfo reads it.
  const proxyAt = rest[0] === 'namespaces' ? 4 : 2;
  if (rest[proxyAt] === 'proxy' && rest.length > proxyAt + 1) rest = rest.slice(0, proxyAt + 1);
  if (rest.includes('') || (segments[0] === 'apis' && group === '') || version === '') return { kind: 'other', path };
  let namespace: string | undefined;
  let parts = rest;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    // `/namespaces/NAME` and `/namespaces/NAME/{status,finalize}` address the namespace itself.
    if (rest.length === 2 || (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
      const verb = verbFor(method, true, watch);
      if (!verb) return { kind: 'other', path };
      return { kind: 'resource', group, version, resource: 'namespaces', name: rest[1]!, ...(rest[2] !== undefined ? { subresource: rest[2] } : {}), verb };
    }
    namespace = rest[1]!;
    parts = rest.slice(2);
  }
  if (parts.length === 0 || parts.length > 3) return { kind: 'other', path };
  const name = parts[1];
  // The proxy also answers OPTIONS (kube-apiserver's verb is then the method, lowercased).
  // Its query is the backend's too: `?watch=…` there does not make a watch.
  const verb = parts[2] === 'proxy' ? (method === 'OPTIONS' ? 'options' : verbFor(method, true, false)) : verbFor(method, name !== undefined, watch);
  if (!verb) return { kind: 'other', path };
  return {
    kind: 'resource',
    group,
    version,
    ...(namespace !== undefined ? { namespace } : {}),
    resource: parts[0]!,
    ...(name !== undefined ? { name } : {}),
    ...(parts[2] !== undefined ? { subresource: parts[2] } : {}),
    verb,
  };
}

/** Kubernetes' storage key functions refuse such names before touching anything:
 * `Name parameter invalid: "..": may not be '..'` (400). */
export function checkPathName(name: string): void {
  const problems = pathSegmentNameProblems(name);
  if (problems.length > 0) throw new BadRequestError(`Name parameter invalid: ${JSON.stringify(name)}: ${problems.join(';')}`);
}
