/**
 * The review resources: `authorization.k8s.io/v1` SelfSubjectAccessReview, SubjectAccessReview,
 * SelfSubjectRulesReview and `authentication.k8s.io/v1` SelfSubjectReview and TokenReview (who a
 * bearer token stands for, as a webhook authenticator or a service asks). Each is a create that
 * is answered (201, the object with its status filled) and never stored — what `kubectl auth
 * can-i [--list]` and `kubectl auth whoami` ask.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, InvalidError, MethodNotAllowedError, NoResourceError } from '../../../api/errors.js';
import { isRecord } from '../../../api/types.js';
import { decodeBody, mediaType, readBody } from '../../http/body.js';
import type { ResourceRequest } from '../../http/requestinfo.js';
import { sendJson } from '../../http/status.js';
import type { Attributes } from '../attributes.js';
import type { AuthChain } from '../index.js';
import type { UserInfo } from '../user.js';
import { rulesReviewStatus } from './rules.js';

const kinds: Readonly<Record<string, string>> = {
  'authorization.k8s.io/selfsubjectaccessreviews': 'SelfSubjectAccessReview',
  'authorization.k8s.io/subjectaccessreviews': 'SubjectAccessReview',
  'authorization.k8s.io/selfsubjectrulesreviews': 'SelfSubjectRulesReview',
  'authentication.k8s.io/selfsubjectreviews': 'SelfSubjectReview',
  'authentication.k8s.io/tokenreviews': 'TokenReview',
};

export function isReview(info: ResourceRequest): boolean {
  return info.version === 'v1' && kinds[`${info.group}/${info.resource}`] !== undefined;
}

type Obj = Record<string, unknown>;

function record(v: unknown): Obj | undefined {
  return isRecord(v) ? v : undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The attributes a review's spec asks about, for `user`. */
function specAttributes(kind: string, spec: Obj, user: UserInfo): Attributes {
  const ra = record(spec['resourceAttributes']);
  const nra = record(spec['nonResourceAttributes']);
  if ((ra === undefined) === (nra === undefined)) {
    throw new InvalidError(kind, 'authorization.k8s.io', '', [{
      type: 'FieldValueInvalid',
      field: 'spec.resourceAttributes',
      detail: `Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
    }]);
  }
  if (nra) return { user, resourceRequest: false, verb: str(nra['verb']), path: str(nra['path']) };
  return {
    user,
    resourceRequest: true,
    verb: str(ra!['verb']),
    namespace: str(ra!['namespace']),
    group: str(ra!['group']),
    version: str(ra!['version']),
    resource: str(ra!['resource']),
    subresource: str(ra!['subresource']),
    name: str(ra!['name']),
  };
}

function userFromSpec(spec: Obj): UserInfo {
  const groups = Array.isArray(spec['groups']) ? spec['groups'].filter((g): g is string => typeof g === 'string') : [];
  const user = str(spec['user']);
  if (user === '' && groups.length === 0) {
    throw new InvalidError('SubjectAccessReview', 'authorization.k8s.io', '', [{
      type: 'FieldValueRequired', field: 'spec.user', detail: 'Invalid value: "": at least one of user or group must be specified',
    }]);
  }
  return { name: user, groups, ...(spec['uid'] ? { uid: str(spec['uid']) } : {}) };
}

export async function serveReview(chain: AuthChain, user: UserInfo, req: IncomingMessage, res: ServerResponse, info: ResourceRequest): Promise<void> {
  const kind = kinds[`${info.group}/${info.resource}`]!;
  if (info.namespace !== undefined || info.subresource !== undefined) throw new NoResourceError();
  if (info.verb !== 'create' || info.name !== undefined) throw new MethodNotAllowedError();
  const body = decodeBody(await readBody(req), mediaType(req) || 'application/json', kind);
  if (!isRecord(body)) throw new BadRequestError(`${kind} in version "v1" cannot be handled as a ${kind}: the body must be an object`);
  const spec = record(body['spec']) ?? {};
  const out: Obj = {
    kind,
    apiVersion: `${info.group}/v1`,
    metadata: { ...(record(body['metadata']) ?? {}), creationTimestamp: null },
  };
  switch (kind) {
    case 'SelfSubjectReview': {
      const userInfo: Obj = { username: user.name, groups: [...user.groups] };
      if (user.uid) userInfo['uid'] = user.uid;
      if (user.extra) userInfo['extra'] = user.extra;
      out['status'] = { userInfo };
      break;
    }
    case 'TokenReview': {
      const token = str(spec['token']);
      if (token === '') throw new BadRequestError('token is required for TokenReview in authentication');
      const asked = Array.isArray(spec['audiences']) && spec['audiences'].length > 0 ? spec['audiences'].map(str) : undefined;
      const answer = await chain.authenticateToken(token, asked);
      out['spec'] = spec;
      const status: Obj = { authenticated: answer?.user !== undefined, user: {} };
      if (answer?.user) {
        const u = answer.user;
        status['user'] = { username: u.name, ...(u.uid ? { uid: u.uid } : {}), groups: [...u.groups], ...(u.extra ? { extra: u.extra } : {}) };
        status['audiences'] = [...(answer.audiences ?? [])];
      }
      if (answer?.error) status['error'] = answer.error;
      out['status'] = status;
      break;
    }
    case 'SelfSubjectRulesReview': {
      out['spec'] = spec;
      out['status'] = rulesReviewStatus(chain.rbac, user, str(spec['namespace']));
      break;
    }
    default: {
      const subject = kind === 'SubjectAccessReview' ? userFromSpec(spec) : user;
      const d = chain.authorize(specAttributes(kind, spec, subject));
      out['spec'] = spec;
      out['status'] = { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
    }
  }
  sendJson(res, 201, out);
}
