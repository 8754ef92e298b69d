/**
 * One image fetched from its registry into the content store: the name's manifest (an index picks
 * this platform's), the config, then every layer not yet stored. Every blob is verified against
 * its digest before it is kept; nothing is recorded under the name here (the store does that once
 * the rootfs is built).
 */
import { promises as fs } from 'node:fs';
import { BadManifestError } from './errors.js';
import { parseConfig, parseManifest, pickPlatform, type ImageConfig, type ImageManifest, type Platform } from './manifest.js';
import { manifestReference, type ImageReference } from './reference.js';
import type { ContentStore } from './content.js';
import type { PullAuth, RegistryClient } from './registry.js';

export interface ResolvedImage {
  /** What the name resolved to (an index, for multi-platform images). */
  readonly digest: string;
  readonly manifestDigest: string;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

/** Layers downloaded at once: enough to hide latency, few enough to be polite. */
const parallelLayers = 3;

/** `auth`: a pod's credentials for the image's registry (see RegistryClient); without, the node's. */
export async function pullImage(registry: RegistryClient, content: ContentStore, ref: ImageReference, platform: Platform, auth?: PullAuth): Promise<ResolvedImage> {
  const top = await registry.manifest(ref, manifestReference(ref), auth);
  let parsed = parseManifest(top.body, top.mediaType);
  await content.put(top.body, top.digest, 'manifest');
  let manifestDigest = top.digest;
  if (parsed.kind === 'index') {
    const chosen = pickPlatform(parsed, platform);
    const m = await registry.manifest(ref, chosen.digest, auth);
    parsed = parseManifest(m.body, m.mediaType);
    if (parsed.kind !== 'manifest') throw new BadManifestError(`${ref.name}: the index entry for ${chosen.digest} is itself an index`);
    await content.put(m.body, m.digest, 'manifest');
    manifestDigest = m.digest;
  }
  const manifest = parsed;
  await fetchBlob(registry, content, ref, manifest.config.digest, 'image config', auth);
  const config = parseConfig(await content.read(manifest.config.digest));
  checkLayers(ref.name, manifest, config);
  const queue = [...manifest.layers];
  const worker = async () => {
    for (let d = queue.shift(); d; d = queue.shift()) await fetchBlob(registry, content, ref, d.digest, 'layer', auth);
  };
  await Promise.all(Array.from({ length: Math.min(parallelLayers, queue.length) }, worker));
  return { digest: top.digest, manifestDigest, manifest, config };
}

export function checkLayers(name: string, manifest: ImageManifest, config: ImageConfig): void {
  if (config.diffIds.length !== manifest.layers.length) {
    throw new BadManifestError(`${name}: ${manifest.layers.length} layers but ${config.diffIds.length} diff_ids in the image config`);
  }
}

async function fetchBlob(registry: RegistryClient, content: ContentStore, ref: ImageReference, digest: string, what: string, auth: PullAuth | undefined): Promise<void> {
  if (await content.has(digest)) {
    // Fresh mtime: another process's GC spares blobs younger than its grace period.
    const now = new Date();
    await fs.utimes(content.blobPath(digest), now, now).catch(() => undefined);
    return;
  }
  await content.ingest(await registry.blob(ref, digest, auth), digest, `${what} ${ref.repository}@${digest}`);
}
