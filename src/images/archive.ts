/**
 * Image archives read into the content store: `docker save` tarballs (`manifest.json` naming each
 * image's config and layer files and its RepoTags) and OCI image layouts (`oci-layout`,
 * `index.json`, `blobs/<alg>/<hex>`), plain or gzipped. Every file of the archive is streamed into
 * the content store as it is read (what nothing refers to is left to GC), so an archive is never
 * unpacked twice on disk.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { ArchiveError, DigestMismatchError } from './errors.js';
import { mediaTypes } from './manifest.js';
import { parseReference, type ImageReference } from './reference.js';
import { cleanComponents } from './rootpath.js';
import { compressionOf } from './decompress.js';
import type { ContentStore, Ingested } from './content.js';

export interface ArchiveImage {
  readonly ref: ImageReference;
  /** A manifest or index blob now in the content store. */
  readonly digest: string;
}

export interface ImportOptions {
  /** Repository for images the archive names by tag only (OCI layouts from some tools), or by nothing. */
  readonly name?: string;
}

/** Reads the archive at `file` into `content`; the images it names, by reference. */
export async function readArchive(file: string, content: ContentStore, opts: ImportOptions = {}): Promise<ArchiveImage[]> {
  const files = await ingestEntries(file, content);
  if (files.size === 0) throw new ArchiveError(`${file}: not a tar archive, or an empty one`);
  if (files.has('manifest.json')) return dockerSave(file, files, content, opts);
  if (files.has('index.json')) return ociLayout(file, files, content, opts);
  throw new ArchiveError(`${file}: neither a docker save archive (manifest.json) nor an OCI image layout (index.json)`);
}

async function ingestEntries(file: string, content: ContentStore): Promise<Map<string, Ingested>> {
  const files = new Map<string, Ingested>();
  let chain: Promise<void> = Promise.resolve();
  let failed: unknown;
  // node-tar recognizes gzip itself; entries are taken one at a time (see unpack.ts).
  const parser = new Parser({ strict: true });
  parser.on('entry', (e: ReadEntry) => {
    chain = chain.then(async () => {
      if (failed || (e.type !== 'File' && e.type !== 'OldFile' && e.type !== 'ContiguousFile')) return void e.resume();
      try {
        files.set(cleanComponents(e.path).join('/'), await content.ingest(chunks(e)));
      } catch (err) {
        failed = err;
        e.resume();
        parser.abort(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
  const closed = new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('close', resolve);
  });
  try {
    await Promise.all([pipeline(createReadStream(file), parser as unknown as NodeJS.WritableStream), closed]);
  } catch (err) {
    await chain;
    if (failed) throw failed;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw err;
    throw new ArchiveError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  await chain;
  if (failed) throw failed;
  return files;
}

/** node-tar entries are Minipass streams, which stream.pipeline mishandles once they have ended
 * while buffered: hand their chunks over as a plain async iterable. */
async function* chunks(e: ReadEntry): AsyncGenerator<Buffer> {
  for await (const c of e as AsyncIterable<Buffer>) yield c;
}

async function json(content: ContentStore, files: Map<string, Ingested>, name: string, archive: string): Promise<unknown> {
  const f = files.get(name);
  if (!f) throw new ArchiveError(`${archive}: ${name} is missing`);
  try {
    return JSON.parse((await content.read(f.digest)).toString());
  } catch {
    throw new ArchiveError(`${archive}: ${name} is not JSON`);
  }
}

function reference(text: string, archive: string): ImageReference {
  try {
    return parseReference(text);
  } catch (err) {
    throw new ArchiveError(`${archive}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

interface DockerSaveItem {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

/** `docker save`: the archive has no manifests of its own, so one OCI manifest per image is
 * written from its config and layer files. */
async function dockerSave(archive: string, files: Map<string, Ingested>, content: ContentStore, opts: ImportOptions): Promise<ArchiveImage[]> {
  const items = await json(content, files, 'manifest.json', archive);
  if (!Array.isArray(items)) throw new ArchiveError(`${archive}: manifest.json is not a list`);
  const out: ArchiveImage[] = [];
  for (const item of items as DockerSaveItem[]) {
    const configPath = typeof item.Config === 'string' ? cleanComponents(item.Config).join('/') : '';
    const config = files.get(configPath);
    if (!config) throw new ArchiveError(`${archive}: image config ${configPath || '(none)'} is missing`);
    if (!Array.isArray(item.Layers)) throw new ArchiveError(`${archive}: ${configPath} has no Layers`);
    const layers = [];
    for (const l of item.Layers as unknown[]) {
      const p = typeof l === 'string' ? cleanComponents(l).join('/') : '';
      const blob = files.get(p);
      if (!blob) throw new ArchiveError(`${archive}: layer ${p || '(none)'} is missing`);
      layers.push({ mediaType: await layerMediaType(content, blob.digest), digest: blob.digest, size: blob.size });
    }
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: config.digest, size: config.size },
      layers,
    });
    const { digest } = await content.put(manifest);
    const tags = Array.isArray(item.RepoTags) ? (item.RepoTags as unknown[]).filter((t): t is string => typeof t === 'string') : [];
    if (tags.length === 0 && !opts.name) throw new ArchiveError(`${archive}: image ${configPath} has no RepoTags; give it a name`);
    for (const t of tags.length > 0 ? tags : [opts.name!]) out.push({ ref: reference(t, archive), digest });
  }
  return out;
}

async function layerMediaType(content: ContentStore, digest: string): Promise<string> {
  const c = await compressionOf(content.blobPath(digest));
  return c === 'gzip' ? mediaTypes.ociLayerGzip : c === 'zstd' ? mediaTypes.ociLayerZstd : mediaTypes.ociLayer;
}

interface LayoutIndex {
  manifests?: { mediaType?: unknown; digest?: unknown; annotations?: Record<string, unknown> }[];
}

/** An OCI image layout: blobs named by digest (checked), images named by annotations. */
async function ociLayout(archive: string, files: Map<string, Ingested>, content: ContentStore, opts: ImportOptions): Promise<ArchiveImage[]> {
  for (const [p, f] of files) {
    const m = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(p);
    if (m && f.digest.startsWith(`${m[1]}:`) && f.digest !== `${m[1]}:${m[2]}`) throw new DigestMismatchError(`${m[1]}:${m[2]}`, f.digest, `${archive}: ${p}`);
  }
  const index = (await json(content, files, 'index.json', archive)) as LayoutIndex;
  if (!Array.isArray(index.manifests)) throw new ArchiveError(`${archive}: index.json has no manifests`);
  const out: ArchiveImage[] = [];
  for (const d of index.manifests) {
    if (typeof d.digest !== 'string' || !(await content.has(d.digest))) throw new ArchiveError(`${archive}: index.json names a blob the archive lacks (${String(d.digest)})`);
    const full = d.annotations?.['io.containerd.image.name'];
    const refName = d.annotations?.['org.opencontainers.image.ref.name'];
    let ref: ImageReference;
    if (typeof full === 'string') ref = reference(full, archive);
    else if (typeof refName === 'string' && /[/:@]/.test(refName)) ref = reference(refName, archive);
    else if (opts.name) ref = reference(typeof refName === 'string' ? `${opts.name}:${refName}` : opts.name, archive);
    else throw new ArchiveError(`${archive}: image ${d.digest} is named only by tag "${String(refName ?? '')}"; give it a repository name`);
    out.push({ ref, digest: d.digest });
  }
  return out;
}
