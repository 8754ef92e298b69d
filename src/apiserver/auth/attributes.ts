/**
 * What an authorizer decides on (Kubernetes' authorizer.Attributes), built from a request or from
 * a SubjectAccessReview, and the Forbidden error kube-apiserver answers when no authorizer allows.
 */
import { ForbiddenError, qualifiedResource } from '../../api/errors.js';
import type { RequestInfo } from '../http/requestinfo.js';
import type { UserInfo } from './user.js';

export interface ResourceAttributes {
  readonly user: UserInfo;
  readonly resourceRequest: true;
  readonly verb: string;
  readonly namespace: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

export interface NonResourceAttributes {
  readonly user: UserInfo;
  readonly resourceRequest: false;
  readonly verb: string;
  readonly path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

export function requestAttributes(user: UserInfo, info: RequestInfo, method: string): Attributes {
  if (info.kind === 'other') return { user, resourceRequest: false, verb: method.toLowerCase(), path: info.path };
  return {
    user,
    resourceRequest: true,
    verb: info.verb,
    namespace: info.namespace ?? '',
    group: info.group,
    version: info.version,
    resource: info.resource,
    subresource: info.subresource ?? '',
    name: info.name ?? '',
  };
}

/** Kubernetes' forbiddenMessage: who cannot do what, where. */
export function forbiddenMessage(a: Attributes): string {
  if (!a.resourceRequest) return `User "${a.user.name}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${a.user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${where}`;
}

/** The 403 for a denied request, as responsewriters.Forbidden builds it (apierrors.NewForbidden
 * on the group/resource and name, the authorizer's reason appended). */
export function forbidden(a: Attributes, reason = ''): ForbiddenError {
  const msg = forbiddenMessage(a) + (reason ? `: ${reason}` : '');
  if (!a.resourceRequest) return new ForbiddenError(`forbidden: ${msg}`, {});
  const gr = qualifiedResource(a.resource, a.group);
  const subject = a.name ? `${gr} "${a.name}"` : gr;
  return new ForbiddenError(`${subject} is forbidden: ${msg}`, {
    ...(a.name ? { name: a.name } : {}),
    ...(a.group ? { group: a.group } : {}),
    kind: a.resource,
  });
}
