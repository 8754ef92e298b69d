/**
 * The image store: the contract's ImageService (ensure, use) plus what the CLI needs (pull,
 * import, list, remove, gc), over a content store of verified blobs, a durable index of names and
 * built root filesystems, all under `<dataDir>/images`. A pull for a pod may carry its pull
 * secrets' credentials: each is tried in turn, as the kubelet does, and an image one pod pulled
 * with a credential is not handed to another pod without that credential unchecked (access.ts).
 */
import path from 'node:path';
import { ImagePullError, type ImageService, type PreparedImage, type PullPolicy } from './contract.js';
import { ContentStore } from './content.js';
import { ArchiveError, BadManifestError, ImageNotFoundError, RegistryError } from './errors.js';
import { AccessKeys, anyone, mayUse, withGrant } from './access.js';
import type { Credentials } from './auth.js';
import { readArchive, type ImportOptions } from './archive.js';
import { RwLock } from './lock.js';
import { hostPlatform, parseConfig, parseManifest, pickPlatform, type ImageManifest, type Platform } from './manifest.js';
import { checkLayers, pullImage } from './pull.js';
import { parseReference, type ImageReference } from './reference.js';
import { RefIndex, type ImageRecord } from './refindex.js';
import { RegistryClient, type RegistryOptions } from './registry.js';
import { RootfsStore } from './rootfs.js';
import { collectGarbage, type GcResult } from './gc.js';
import { Leases } from './leases.js';
import { ensurePrivateDir } from '../util/private-files.js';

export interface ImageStoreOptions {
  /** The images folder itself (usually `imagesDir(dataDir)`). */
  readonly dir: string;
  readonly registry?: RegistryOptions;
  /** The platform picked from manifest lists; default this host's (`linux/amd64` on x86-64). */
  readonly platform?: Platform;
  /** GC spares files younger than this (another process may be pulling them); default 10 min. */
  readonly gcGraceMs?: number;
}

/** Where a node's images live: `<dataDir>/images`. */
export function imagesDir(dataDir: string): string {
  return path.join(dataDir, 'images');
}

export interface ImageSummary {
  readonly ref: string;
  readonly imageId: string;
  readonly digest: string;
  readonly config: string;
  readonly size: number;
  readonly created: string;
  readonly source: 'pull' | 'import';
}

export function imageIdOf(repository: string, digest: string): string {
  return `${repository}@${digest}`;
}

export class ImageStore implements ImageService {
  readonly content: ContentStore;
  readonly rootfs: RootfsStore;
  readonly index: RefIndex;
  readonly registry: RegistryClient;
  readonly leases: Leases;
  readonly platform: Platform;
  readonly #lock = new RwLock();
  readonly access: AccessKeys;
  /** Pulls under way, by name and the credential they are made with. */
  readonly #pulls = new Map<string, Promise<ImageRecord>>();
  readonly #prepared = new Map<string, ImageRecord>();

  constructor(readonly opts: ImageStoreOptions) {
    // Owner-only (and missing parents with it); its contents keep their modes: an unpacked root
    // filesystem's are the image's own.
    ensurePrivateDir(opts.dir);
    this.content = new ContentStore(opts.dir);
    this.rootfs = new RootfsStore(opts.dir, this.content);
    this.index = new RefIndex(opts.dir);
    this.leases = new Leases(opts.dir);
    this.access = new AccessKeys(opts.dir);
    this.registry = new RegistryClient(opts.registry);
    this.platform = opts.platform ?? hostPlatform();
  }

  /** `credentials`: a pod's, for the image's registry, tried in order (the agent's keyring picks them). */
  async ensure(image: string, policy: PullPolicy, credentials: readonly Credentials[] = []): Promise<PreparedImage> {
    let ref: ImageReference;
    try {
      ref = parseReference(image);
    } catch (err) {
      throw new ImagePullError('InvalidImageName', `Failed to apply default image tag "${image}": ${(err as Error).message}`);
    }
    try {
      let record = policy === 'Always' ? undefined : await this.#local(ref);
      if (!record && policy === 'Never') throw new ImagePullError('ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
      if (record && !mayUse(record, credentials.map((c) => this.access.grant(ref.domain, c)))) {
        if (policy === 'Never') throw new ImagePullError('ErrImageNeverPull', `Container image "${image}" is present with pull policy of Never but does not have the proper auth to access it`);
        // Here, but pulled with credentials this pod does not hold: the registry decides again.
        record = undefined;
      }
      record ??= await this.#pullAs(ref, credentials);
      return await this.#prepare(ref, record);
    } catch (err) {
      if (err instanceof ImagePullError) throw err;
      throw new ImagePullError('ErrImagePull', `Failed to pull image "${image}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  use(ref: string): () => void {
    let name = ref;
    try {
      name = parseReference(ref).name;
    } catch {
      // kept as given: it matches no record, and the lease holds nothing
    }
    // After a restart (containers adopted) nothing was prepared here yet: the index says what the
    // name is now, and the lease pins that content even if the name is removed later.
    return this.leases.acquire(name, this.#prepared.get(name) ?? this.index.getSync(name));
  }

  /** Fetches `image` from its registry (whether or not it is here) and records it. */
  async pull(image: string): Promise<ImageSummary> {
    const ref = parseReference(image);
    return this.#summary(await this.#pullOnce(ref));
  }

  /** Imports a `docker save` or OCI layout archive; the images it held, as recorded. */
  async import(file: string, opts: ImportOptions = {}): Promise<ImageSummary[]> {
    return this.#lock.shared(async () => {
      const found = await readArchive(path.resolve(file), this.content, opts);
      const out: ImageSummary[] = [];
      for (const { ref, digest } of found) {
        const top = parseManifest(await this.content.read(digest));
        let manifestDigest = digest;
        if (top.kind === 'index') {
          const chosen = pickPlatform(top, this.platform);
          if (!(await this.content.has(chosen.digest))) throw new ArchiveError(`${file}: ${ref.name} lacks the ${chosen.digest} manifest for this platform`);
          manifestDigest = chosen.digest;
        }
        const manifest = parseManifest(await this.content.read(manifestDigest));
        if (manifest.kind !== 'manifest') throw new BadManifestError(`${ref.name}: ${manifestDigest} is not an image manifest`);
        for (const d of [manifest.config, ...manifest.layers]) {
          if (!(await this.content.has(d.digest))) throw new ArchiveError(`${file}: ${ref.name} needs blob ${d.digest}, which the archive lacks`);
        }
        out.push(this.#summary(await this.#commit(ref, digest, manifestDigest, manifest, 'import', anyone)));
      }
      return out;
    });
  }

  async list(): Promise<ImageSummary[]> {
    return [...(await this.index.all()).values()].map((r) => this.#summary(r)).sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /** Forgets the name (its content stays until gc(), and while a container uses it). */
  async remove(image: string): Promise<void> {
    const name = parseReference(image).name;
    await this.#lock.exclusive(() =>
      this.index.update((images) => {
        if (!images.delete(name)) throw new ImageNotFoundError(name);
      }),
    );
  }

  /**
   * Deletes blobs and root filesystems that no name and no running container needs. `prune`
   * (after an explicit remove) takes finished content at once instead of sparing what is younger
   * than the grace period; half-written ingests and builds are spared either way. Another process
   * pulling that very content then fails once and pulls again.
   */
  async gc(opts: { readonly prune?: boolean } = {}): Promise<GcResult> {
    const grace = this.opts.gcGraceMs ?? 10 * 60_000;
    return this.#lock.exclusive(() =>
      this.index.update(async (images) => {
        const keep = [...images.values()];
        for (const u of await this.leases.live()) {
          const r = u.record ?? images.get(u.ref);
          if (r) keep.push(r);
        }
        return collectGarbage(this.content, this.rootfs, keep, opts.prune ? 0 : grace, grace);
      }),
    );
  }

  async #local(ref: ImageReference): Promise<ImageRecord | undefined> {
    const record = await this.index.get(ref.name);
    if (!record) return undefined;
    if (await this.rootfs.exists(record.config)) return record;
    // The rootfs can be rebuilt if the blobs are all here; otherwise it is as good as absent.
    for (const d of [record.config, ...record.layers]) if (!(await this.content.has(d))) return undefined;
    return record;
  }

  /**
   * The kubelet's loop over a pod's matching credentials: each in turn until one pulls, the
   * node's own (or none) after them only when the node has some for this registry; with no pod
   * credentials, the node's or none. Every attempt's error is kept, as the kubelet aggregates them.
   */
  async #pullAs(ref: ImageReference, credentials: readonly Credentials[]): Promise<ImageRecord> {
    const attempts: (Credentials | undefined)[] = [...credentials];
    if (!credentials.length || this.opts.registry?.credentials?.(ref.domain)) attempts.push(undefined);
    const failures: unknown[] = [];
    for (const c of attempts) {
      try {
        return await this.#pullOnce(ref, c);
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length === 1) throw failures[0];
    throw new RegistryError(`[${failures.map((e) => (e instanceof Error ? e.message : String(e))).join(', ')}]`);
  }

  /** One pull per name and credential at a time (concurrent asks share it); what it earns is
   * recorded as that credential's grant, or anyone's without one. */
  #pullOnce(ref: ImageReference, credentials?: Credentials): Promise<ImageRecord> {
    const grant = credentials ? this.access.grant(ref.domain, credentials) : anyone;
    const key = `${ref.name}\n${grant}`;
    let p = this.#pulls.get(key);
    if (!p) {
      p = this.#lock
        .shared(async () => {
          const got = await pullImage(this.registry, this.content, ref, this.platform, credentials ? { credentials } : undefined);
          return this.#commit(ref, got.digest, got.manifestDigest, got.manifest, 'pull', grant);
        })
        .finally(() => this.#pulls.delete(key));
      this.#pulls.set(key, p);
    }
    return p;
  }

  /** Builds the rootfs, then records the name: a recorded image is always ready to run. */
  async #commit(ref: ImageReference, digest: string, manifestDigest: string, manifest: ImageManifest, source: 'pull' | 'import', grant: string): Promise<ImageRecord> {
    const config = parseConfig(await this.content.read(manifest.config.digest));
    checkLayers(ref.name, manifest, config);
    const layers = manifest.layers.map((l) => l.digest);
    await this.rootfs.ensure(manifest.config.digest, layers, config.diffIds);
    const record: ImageRecord = {
      ref: ref.name,
      digest,
      manifest: manifestDigest,
      config: manifest.config.digest,
      layers,
      size: manifest.layers.reduce((n, l) => n + l.size, 0),
      created: new Date().toISOString(),
      source,
      access: [grant],
    };
    return this.index.update((images) => {
      // A re-pull of the same content keeps the record (and its date) as it was, one grant richer;
      // new content under the name is only what this pull was allowed.
      const before = images.get(ref.name);
      if (before && before.digest === record.digest && before.manifest === record.manifest) {
        const access = withGrant(before.access, grant);
        if (access === before.access) return before;
        const updated = { ...before, access };
        images.set(ref.name, updated);
        return updated;
      }
      images.set(ref.name, record);
      return record;
    });
  }

  async #prepare(ref: ImageReference, record: ImageRecord): Promise<PreparedImage> {
    const config = parseConfig(await this.content.read(record.config));
    const rootfs = await this.#lock.shared(() => this.rootfs.ensure(record.config, record.layers, config.diffIds));
    this.#prepared.set(ref.name, record);
    return { ref: ref.name, imageId: imageIdOf(ref.repository, record.digest), rootfs, config: config.run };
  }

  #summary(r: ImageRecord): ImageSummary {
    let repository = r.ref;
    try {
      repository = parseReference(r.ref).repository;
    } catch {
      // recorded names were parsed once; keep whatever is there
    }
    return { ref: r.ref, imageId: imageIdOf(repository, r.digest), digest: r.digest, config: r.config, size: r.size, created: r.created, source: r.source };
  }
}

