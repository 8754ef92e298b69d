/**
 * The image store's errors, one named class per way things go wrong, each with a stable `code`.
 * The store turns the ones met while preparing an image for a container into the contract's
 * ImagePullError (kubelet's reasons); the CLI prints their messages as they are.
 */

export type ImageErrorCode =
  | 'InvalidReference'
  | 'RegistryError'
  | 'AuthError'
  | 'ManifestUnknown'
  | 'DigestMismatch'
  | 'BadManifest'
  | 'NoMatchingPlatform'
  | 'UnpackError'
  | 'ArchiveError'
  | 'ImageNotFound'
  | 'InvalidMirror';

export abstract class ImageError extends Error {
  abstract readonly code: ImageErrorCode;
}

/** The text is not an image reference (`docker.io/library/busybox:1.36`, `host:5000/x@sha256:…`). */
export class InvalidReferenceError extends ImageError {
  readonly code = 'InvalidReference';
  constructor(readonly reference: string, why: string) {
    super(`invalid image reference "${reference}": ${why}`);
    this.name = 'InvalidReferenceError';
  }
}

/** A registry mirror setting (`HOST=URL`) that cannot be used. */
export class InvalidMirrorError extends ImageError {
  readonly code = 'InvalidMirror';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMirrorError';
  }
}

/** The registry answered with an error status (or not at all). */
export class RegistryError extends ImageError {
  readonly code: ImageErrorCode = 'RegistryError';
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The registry refused our credentials, or its token service did. */
export class AuthError extends RegistryError {
  override readonly code = 'AuthError';
  constructor(message: string, status?: number) {
    super(message, status);
    this.name = 'AuthError';
  }
}

/** The registry does not have this repository or tag/digest. */
export class ManifestUnknownError extends RegistryError {
  override readonly code = 'ManifestUnknown';
  constructor(message: string, status?: number) {
    super(message, status);
    this.name = 'ManifestUnknownError';
  }
}

/** Content did not hash to the digest it was asked for by: never stored. */
export class DigestMismatchError extends ImageError {
  readonly code = 'DigestMismatch';
  constructor(readonly expected: string, readonly actual: string, what: string) {
    super(`${what}: content has digest ${actual}, expected ${expected}`);
    this.name = 'DigestMismatchError';
  }
}

/** A manifest, index or config that is not what the OCI/Docker specs describe. */
export class BadManifestError extends ImageError {
  readonly code = 'BadManifest';
  constructor(message: string) {
    super(message);
    this.name = 'BadManifestError';
  }
}

/** A manifest list/index without an entry for this node's platform. */
export class NoMatchingPlatformError extends ImageError {
  readonly code = 'NoMatchingPlatform';
  constructor(readonly platform: string, available: readonly string[]) {
    super(`no manifest for platform ${platform} (the image has ${available.join(', ') || 'none'})`);
    this.name = 'NoMatchingPlatformError';
  }
}

/** A layer could not be applied to the root filesystem. */
export class UnpackError extends ImageError {
  readonly code = 'UnpackError';
  constructor(message: string) {
    super(message);
    this.name = 'UnpackError';
  }
}

/** A file given to import() is neither a `docker save` tarball nor an OCI image layout. */
export class ArchiveError extends ImageError {
  readonly code = 'ArchiveError';
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** No image by that name in the store. */
export class ImageNotFoundError extends ImageError {
  readonly code = 'ImageNotFound';
  constructor(readonly ref: string) {
    super(`image "${ref}" is not in the store`);
    this.name = 'ImageNotFoundError';
  }
}
