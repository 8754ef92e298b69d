/** What a request addresses, parsed from its path as Kubernetes' RequestInfoResolver does. */
import { boolParam } from './query.js';
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

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

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '');
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { kind: 'other', path };
  }
  let watch = boolParam(query, 'watch');
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    // `/namespaces/NAME` and `/namespaces/NAME/{status,finalize}` address the namespace itself.
    if (rest.length === 2 || (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
      const verb = verbFor(method, true, watch);
      if (!verb) return { kind: 'other', path };
      return { kind: 'resource', group, version, resource: 'namespaces', name: decodeURIComponent(rest[1]!), subresource: rest[2], verb };
    }
    namespace = decodeURIComponent(rest[1]!);
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return { kind: 'other', path };
  const name = rest[1] !== undefined ? decodeURIComponent(rest[1]) : undefined;
  const verb = verbFor(method, name !== undefined, watch);
  if (!verb) return { kind: 'other', path };
  return {
    kind: 'resource',
    group,
    version,
    ...(namespace !== undefined ? { namespace } : {}),
    resource: rest[0]!,
    ...(name !== undefined ? { name } : {}),
    ...(rest[2] !== undefined ? { subresource: rest[2] } : {}),
    verb,
  };
}
