/**
 * What the oci runtime needs from the image store, and nothing more: an image name in, a
 * read-only root filesystem and the image's run configuration out. The store (pull, import, GC)
 * implements it; the runtime only consumes it.
 */

import type { Credentials } from './auth.js';

/** The parts of an OCI image config (`config` of application/vnd.oci.image.config.v1+json) a
 * container start uses. */
export interface ImageRunConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** `KEY=value` strings, as in the image config. */
  readonly env?: readonly string[];
  readonly workingDir?: string;
  /** `uid`, `uid:gid`, or a name the rootfs' /etc/passwd resolves. */
  readonly user?: string;
  readonly stopSignal?: string;
}

export interface PreparedImage {
  /** The name as normalized (`docker.io/library/busybox:latest`, `127.0.0.1:5000/x:1`). */
  readonly ref: string;
  /** kubelet's imageID: `<repository>@sha256:<manifest digest>`. */
  readonly imageId: string;
  /** A flattened root filesystem (layers applied, whiteouts honoured); containers must not
   * write to it (the runtime puts an overlay or a copy on top). */
  readonly rootfs: string;
  readonly config: ImageRunConfig;
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** Why an image could not be made ready, in kubelet's words: `reason` is ErrImagePull,
 * ErrImageNeverPull or InvalidImageName; the agent turns repeats into ImagePullBackOff. */
export class ImagePullError extends Error {
  constructor(readonly reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName', message: string) {
    super(message);
    this.name = 'ImagePullError';
  }
}

export interface ImageService {
  /** The image ready to run, pulled first when `policy` says so (or when it is here but was pulled
   * with credentials the caller does not offer). `credentials` are tried in turn for the image's
   * registry. Concurrent calls for one image and credential share one pull. */
  ensure(image: string, policy: PullPolicy, credentials?: readonly Credentials[]): Promise<PreparedImage>;
  /** Marks the image as used by a running container (GC keeps it) until the returned function is called. */
  use(ref: string): () => void;
}
