/**
 * Manifests, indexes and configs in both spellings (OCI and Docker schema 2), read into one shape,
 * and the choice of one platform's manifest from a list. Schema 1 manifests (deprecated since
 * 2017) are not supported.
 */
import { BadManifestError, NoMatchingPlatformError } from './errors.js';
import { validDigest } from './reference.js';
import type { ImageRunConfig } from './contract.js';

export const mediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** What a registry is told we accept, lists first. */
export const manifestAccept = [mediaTypes.ociIndex, mediaTypes.dockerList, mediaTypes.ociManifest, mediaTypes.dockerManifest].join(', ');

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: Platform;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ImageManifest {
  readonly kind: 'manifest';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface ImageIndex {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly Descriptor[];
}

export interface ImageConfig {
  readonly architecture?: string;
  readonly os?: string;
  readonly diffIds: readonly string[];
  readonly run: ImageRunConfig;
}

type Json = Record<string, unknown>;

function object(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadManifestError(`${what} is not a JSON object`);
  return v as Json;
}

function descriptor(v: unknown, what: string): Descriptor {
  const o = object(v, what);
  const { mediaType, digest, size } = o;
  if (typeof digest !== 'string' || !validDigest(digest)) throw new BadManifestError(`${what} has no valid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new BadManifestError(`${what} has no valid size`);
  const p = o.platform === undefined ? undefined : object(o.platform, `${what}.platform`);
  const platform =
    p && typeof p.os === 'string' && typeof p.architecture === 'string'
      ? { os: p.os, architecture: p.architecture, ...(typeof p.variant === 'string' ? { variant: p.variant } : {}) }
      : undefined;
  const annotations = o.annotations === undefined ? undefined : (object(o.annotations, `${what}.annotations`) as Record<string, string>);
  return { mediaType: typeof mediaType === 'string' ? mediaType : '', digest, size, ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}) };
}

/** Reads a manifest or index body; `contentType` is the registry's header, used when the body has no mediaType. */
export function parseManifest(body: Buffer | string, contentType?: string): ImageManifest | ImageIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString());
  } catch {
    throw new BadManifestError('manifest is not JSON');
  }
  const o = object(raw, 'manifest');
  const mediaType = typeof o.mediaType === 'string' ? o.mediaType : (contentType?.split(';')[0]?.trim() ?? '');
  if (o.schemaVersion === 1) throw new BadManifestError('Docker schema 1 manifests are not supported');
  if (Array.isArray(o.manifests)) {
    if (mediaType && mediaType !== mediaTypes.ociIndex && mediaType !== mediaTypes.dockerList) throw new BadManifestError(`unexpected index media type ${mediaType}`);
    return { kind: 'index', mediaType: mediaType || mediaTypes.ociIndex, manifests: o.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)) };
  }
  if (!Array.isArray(o.layers)) throw new BadManifestError('manifest has neither layers nor manifests');
  if (mediaType && mediaType !== mediaTypes.ociManifest && mediaType !== mediaTypes.dockerManifest) throw new BadManifestError(`unexpected manifest media type ${mediaType}`);
  return {
    kind: 'manifest',
    mediaType: mediaType || mediaTypes.ociManifest,
    config: descriptor(o.config, 'config'),
    layers: o.layers.map((l, i) => descriptor(l, `layers[${i}]`)),
  };
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

/** Reads an image config blob (OCI or Docker: the same JSON). */
export function parseConfig(body: Buffer | string): ImageConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString());
  } catch {
    throw new BadManifestError('image config is not JSON');
  }
  const o = object(raw, 'image config');
  const rootfs = object(o.rootfs ?? {}, 'image config rootfs');
  const diffIds = strings(rootfs.diff_ids);
  if (!diffIds || !diffIds.every(validDigest)) throw new BadManifestError('image config has no valid rootfs.diff_ids');
  const c = o.config === undefined || o.config === null ? {} : object(o.config, 'image config config');
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const entrypoint = strings(c.Entrypoint);
  const cmd = strings(c.Cmd);
  const env = strings(c.Env);
  const workingDir = str(c.WorkingDir);
  const user = str(c.User);
  const stopSignal = str(c.StopSignal);
  return {
    ...(typeof o.architecture === 'string' ? { architecture: o.architecture } : {}),
    ...(typeof o.os === 'string' ? { os: o.os } : {}),
    diffIds,
    run: {
      ...(entrypoint ? { entrypoint } : {}),
      ...(cmd ? { cmd } : {}),
      ...(env ? { env } : {}),
      ...(workingDir ? { workingDir } : {}),
      ...(user ? { user } : {}),
      ...(stopSignal ? { stopSignal } : {}),
    },
  };
}

/** Node's `process.arch` in Go's (and so OCI's) words. */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}

export function platformString(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** The index entry for `want`: an exact variant match first, then any variant of the architecture
 * (a missing variant in either is a wildcard, as containerd's matcher treats arm64). Attestation
 * entries (`unknown/unknown`) never match. */
export function pickPlatform(index: ImageIndex, want: Platform): Descriptor {
  const candidates = index.manifests.filter(
    (m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture && (m.mediaType === '' || m.mediaType === mediaTypes.ociManifest || m.mediaType === mediaTypes.dockerManifest),
  );
  const exact = candidates.find((m) => (m.platform?.variant ?? '') === (want.variant ?? ''));
  const chosen = exact ?? candidates.find((m) => !want.variant || !m.platform?.variant) ?? candidates[0];
  if (!chosen) throw new NoMatchingPlatformError(platformString(want), index.manifests.flatMap((m) => (m.platform ? [platformString(m.platform)] : [])));
  return chosen;
}
