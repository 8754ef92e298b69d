/**
 * The catalog of API errors. Every failure that reaches a client is one of these; the API server
 * turns them into a Kubernetes `Status` in exactly one place (`apiserver/status.ts`).
 */
import type { StatusCause } from './types.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface ErrorDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  /** Sent as `Retry-After` too (429, 503 where Kubernetes gives one). */
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
  }
}

/** `<resource>[.<group>]` as Kubernetes writes it in messages, e.g. `pods` or `daemonsets.apps`. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
  constructor(resource: string, group: string, name: string) {
    super(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, {
      name,
      group: group || undefined,
      kind: resource,
    });
  }
}

/** A path or resource the server does not serve at all. Kubernetes' generic answer carries an
 * empty `details` object, and kubectl (`debug`) dereferences it: never leave it out. */
export class NoResourceError extends ApiError {
  override name = 'NoResourceError';
  constructor() {
    super(404, 'NotFound', 'the server could not find the requested resource', {});
  }
}

export class AlreadyExistsError extends ApiError {
  override name = 'AlreadyExistsError';
  constructor(resource: string, group: string, name: string) {
    super(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, {
      name,
      group: group || undefined,
      kind: resource,
    });
  }
}

export class ConflictError extends ApiError {
  override name = 'ConflictError';
  constructor(resource: string, group: string, name: string, why: string) {
    super(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
      { name, group: group || undefined, kind: resource },
    );
  }
}

/** A watch or list asked for a resourceVersion that is no longer available. */
export class GoneError extends ApiError {
  override name = 'GoneError';
  constructor(message: string) {
    super(410, 'Expired', message);
  }
}

/** One field's problem, in Kubernetes' FieldError shape. */
export interface FieldError {
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`,
   * `FieldValueForbidden`, `FieldValueTooLong`, `FieldValueTypeInvalid`. */
  readonly type: string;
  /** The field path, e.g. `spec.template.spec.restartPolicy`. */
  readonly field: string;
  /** What is wrong, e.g. `Required value` or `Unsupported value: "Always": supported values: "OnFailure", "Never"`. */
  readonly detail: string;
}

/** Validation failed: all field errors at once (422, reason Invalid). */
export class InvalidError extends ApiError {
  override name = 'InvalidError';
  constructor(
    kind: string,
    group: string,
    objectName: string,
    readonly errors: readonly FieldError[],
  ) {
    const list = errors.map((e) => `${e.field}: ${e.detail}`);
    const summary = list.length === 1 ? list[0]! : `[${list.join(', ')}]`;
    super(422, 'Invalid', `${qualifiedKind(kind, group)} "${objectName}" is invalid: ${summary}`, {
      name: objectName,
      group: group || undefined,
      kind,
      causes: errors.map((e) => ({ reason: e.type, message: e.detail, field: e.field })),
    });
  }
}

function qualifiedKind(kind: string, group: string): string {
  return group ? `${kind}.${group}` : kind;
}

export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
  constructor(message: string, causes?: StatusCause[]) {
    super(400, 'BadRequest', message, causes ? { causes } : undefined);
  }
}

/** A body nested deeper than the decoders allow: 400, as from Kubernetes' JSON and YAML decoders. */
export class NestingTooDeepError extends BadRequestError {
  override name = 'NestingTooDeepError';
}

export class UnauthorizedError extends ApiError {
  override name = 'UnauthorizedError';
  constructor() {
    super(401, 'Unauthorized', 'Unauthorized');
  }
}

export class ForbiddenError extends ApiError {
  override name = 'ForbiddenError';
  constructor(message: string, details?: ErrorDetails) {
    super(403, 'Forbidden', message, details);
  }
}

/** An immortal namespace (`default`, `kube-system`, …) asked to be deleted, in the words of
 * Kubernetes' NamespaceLifecycle admission. */
export class NamespaceUndeletableError extends ForbiddenError {
  override name = 'NamespaceUndeletableError';
  constructor(namespace: string) {
    super(`namespaces "${namespace}" is forbidden: this namespace may not be deleted`, { name: namespace, kind: 'namespaces' });
  }
}

/** A method the path does not serve (Kubernetes' generic answer, with an empty `details`). */
export class MethodNotAllowedError extends ApiError {
  override name = 'MethodNotAllowedError';
  constructor(message = 'the server does not allow this method on the requested resource') {
    super(405, 'MethodNotAllowed', message, {});
  }
}

export class NotAcceptableError extends ApiError {
  override name = 'NotAcceptableError';
  constructor(message: string) {
    super(406, 'NotAcceptable', message);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  override name = 'UnsupportedMediaTypeError';
  constructor(message: string) {
    super(415, 'UnsupportedMediaType', message);
  }
}

export class RequestEntityTooLargeError extends ApiError {
  override name = 'RequestEntityTooLargeError';
  constructor(limit: number) {
    super(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
  }
}

/** Over a limit (requests in flight, watches of one client): come back after `retryAfterSeconds`. */
export class TooManyRequestsError extends ApiError {
  override name = 'TooManyRequestsError';
  constructor(message = 'Too many requests, please try again later.', retryAfterSeconds = 1) {
    super(429, 'TooManyRequests', message, { retryAfterSeconds });
  }
}

/** The request's headers exceed the server's limit (a parser-level rejection). */
export class RequestHeaderFieldsTooLargeError extends ApiError {
  override name = 'RequestHeaderFieldsTooLargeError';
  constructor() {
    super(431, 'BadRequest', 'Request Header Fields Too Large');
  }
}

/** A YAML body with more nodes than skiff parses (see apiserver/http/depth.ts): 413, as a body over
 * the size limit. */
export class YamlTooLargeError extends ApiError {
  override name = 'YamlTooLargeError';
  constructor(maxNodes: number) {
    super(413, 'RequestEntityTooLarge', `the YAML request body is too large: limit is ${maxNodes} nodes (send JSON for larger bodies)`);
  }
}

export class InternalError extends ApiError {
  override name = 'InternalError';
  constructor(message: string) {
    super(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  }
}

/** A read or watch asked for a resourceVersion the store has not reached within the wait (3 s):
 * kube-apiserver's watch cache answers 504 Timeout with a ResourceVersionTooLarge cause. */
export class TooLargeResourceVersionError extends ApiError {
  override name = 'TooLargeResourceVersionError';
  constructor(wanted: bigint | number, current: number) {
    super(504, 'Timeout', `Timeout: Too large resource version: ${wanted}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
}

export class ServiceUnavailableError extends ApiError {
  override name = 'ServiceUnavailableError';
  constructor(message: string) {
    super(503, 'ServiceUnavailable', message);
  }
}
