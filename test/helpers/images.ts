/**
 * Small OCI images built in the test from Debian's busybox, and the places to put them: a real
 * registry (Debian's docker-registry on loopback, pushed to with the distribution API), an OCI
 * image layout archive, a `docker save` tarball. Layers are tarred by node-tar from staged
 * folders, compressed with zlib (gzip) or the `zstd` command.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as tarCreate } from 'tar';
import { freePort } from './serverprocess.js';
import { repoRoot } from './paths.js';

/** What the image tests need from Debian, as `scripts/debian-install` takes it. */
export const imageTestPackages = ['docker-registry:docker-registry', 'busybox:busybox-static', 'zstd:zstd'];

export function installImageTools(): void {
  execFileSync(path.join(repoRoot, 'scripts', 'debian-install'), imageTestPackages, { stdio: 'inherit' });
}

export const busyboxPath = '/bin/busybox';

export const sha256 = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export const media = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
};

export type Compression = 'gzip' | 'zstd' | 'none';

export interface FileSpec {
  readonly path: string;
  readonly type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  readonly content?: string | Buffer;
  readonly mode?: number;
  /** symlink target, or the hard link's (layer-relative) original. */
  readonly target?: string;
  /** Owner, applied when the tests run as root (the layer records it). */
  readonly uid?: number;
}

export interface LayerSpec {
  readonly compression: Compression;
  readonly files: readonly FileSpec[];
  /** Tar only these paths (no entries for their parent folders); default everything. */
  readonly only?: readonly string[];
}

export interface Blob {
  readonly digest: string;
  readonly data: Buffer;
  readonly mediaType: string;
}

export interface BuiltImage {
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly (Blob & { readonly tar: Buffer; readonly diffId: string })[];
  /** Every blob but the manifest. */
  readonly blobs: readonly Blob[];
}

export interface ImageOptions {
  readonly architecture?: string;
  /** Docker schema 2 media types instead of OCI's. */
  readonly docker?: boolean;
  readonly config?: Record<string, unknown>;
}

const isRoot = process.getuid?.() === 0;

/** A layer's uncompressed tar, from a staged folder (node-tar records modes, owners, links). */
export async function layerTar(files: readonly FileSpec[], only?: readonly string[]): Promise<Buffer> {
  const stage = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-layer-'));
  try {
    for (const f of files) {
      const p = path.join(stage, f.path);
      await fs.mkdir(path.dirname(p), { recursive: true });
      switch (f.type ?? 'file') {
        case 'dir':
          await fs.mkdir(p, { recursive: true });
          break;
        case 'symlink':
          await fs.symlink(f.target ?? '', p);
          break;
        case 'hardlink':
          await fs.link(path.join(stage, f.target ?? ''), p);
          break;
        case 'file':
          await fs.writeFile(p, f.content ?? '');
      }
      if (f.type !== 'symlink' && f.type !== 'hardlink') await fs.chmod(p, f.mode ?? (f.type === 'dir' ? 0o755 : 0o644));
      if (isRoot && f.uid !== undefined) await fs.lchown(p, f.uid, f.uid);
    }
    const names = only ? [...only] : (await fs.readdir(stage)).sort();
    return Buffer.from(await tarCreate({ cwd: stage, portable: false }, names).concat());
  } finally {
    // Read-only staged folders (mode 0555) must be opened up to be removed when not root.
    execFileSync('chmod', ['-R', 'u+rwX', stage]);
    await fs.rm(stage, { recursive: true, force: true });
  }
}

export function compress(data: Buffer, c: Compression): Buffer {
  if (c === 'gzip') return gzipSync(data);
  if (c === 'zstd') return execFileSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 28 });
  return data;
}

export async function buildImage(layers: readonly LayerSpec[], opts: ImageOptions = {}): Promise<BuiltImage> {
  const built = [];
  for (const l of layers) {
    const tar = await layerTar(l.files, l.only);
    const data = compress(tar, l.compression);
    const mediaType = opts.docker
      ? media.dockerLayer
      : `application/vnd.oci.image.layer.v1.tar${l.compression === 'none' ? '' : `+${l.compression}`}`;
    built.push({ tar, diffId: sha256(tar), data, digest: sha256(data), mediaType });
  }
  const configJson = {
    architecture: opts.architecture ?? 'amd64',
    os: 'linux',
    config: opts.config ?? {},
    rootfs: { type: 'layers', diff_ids: built.map((l) => l.diffId) },
  };
  const configData = Buffer.from(JSON.stringify(configJson));
  const config: Blob = { data: configData, digest: sha256(configData), mediaType: opts.docker ? media.dockerConfig : media.ociConfig };
  const manifestJson = {
    schemaVersion: 2,
    mediaType: opts.docker ? media.dockerManifest : media.ociManifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.data.length },
    layers: built.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.data.length })),
  };
  const manifestData = Buffer.from(JSON.stringify(manifestJson));
  return {
    manifest: { data: manifestData, digest: sha256(manifestData), mediaType: manifestJson.mediaType },
    config,
    layers: built,
    blobs: [config, ...built],
  };
}

/** A manifest list / index over images of several platforms. */
export function buildIndex(entries: readonly { image: BuiltImage; architecture: string }[], docker = false): Blob {
  const data = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: docker ? media.dockerList : media.ociIndex,
      manifests: entries.map((e) => ({
        mediaType: e.image.manifest.mediaType,
        digest: e.image.manifest.digest,
        size: e.image.manifest.data.length,
        platform: { os: 'linux', architecture: e.architecture },
      })),
    }),
  );
  return { data, digest: sha256(data), mediaType: docker ? media.dockerList : media.ociIndex };
}

/** The busybox image the tests pull: three layers (gzip, zstd, plain) that exercise modes, links,
 * owners, a whiteout and an opaque folder. */
export async function busyboxImage(opts: ImageOptions = {}): Promise<BuiltImage> {
  const busybox = await fs.readFile(busyboxPath);
  return buildImage(
    [
      {
        compression: 'gzip',
        files: [
          { path: 'bin', type: 'dir' },
          { path: 'bin/busybox', content: busybox, mode: 0o755 },
          { path: 'bin/sh', type: 'symlink', target: 'busybox' },
          { path: 'bin/ls', type: 'hardlink', target: 'bin/busybox' },
          { path: 'etc', type: 'dir' },
          { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\napp:x:4321:4321::/home/app:/bin/sh\n' },
          { path: 'etc/motd', content: 'layer one\n', mode: 0o640, uid: 4321 },
          { path: 'tmp', type: 'dir', mode: 0o1777 },
          { path: 'data', type: 'dir' },
          { path: 'data/keep', content: 'kept\n' },
          { path: 'data/gone', content: 'deleted by layer two\n' },
          { path: 'data/gonedir/inner', content: 'also deleted\n' },
          { path: 'opq', type: 'dir' },
          { path: 'opq/old', content: 'hidden by the opaque folder\n' },
        ],
      },
      {
        compression: 'zstd',
        files: [
          { path: 'data', type: 'dir' },
          { path: 'data/.wh.gone' },
          { path: 'data/.wh.gonedir' },
          { path: 'opq', type: 'dir' },
          { path: 'opq/.wh..wh..opq' },
          { path: 'opq/new', content: 'from layer two\n' },
          { path: 'etc', type: 'dir' },
          { path: 'etc/motd', content: 'layer two\n', mode: 0o600 },
        ],
      },
      {
        compression: 'none',
        files: [
          { path: 'ro', type: 'dir', mode: 0o555 },
          { path: 'ro/file', content: 'in a read-only folder\n', mode: 0o444 },
          { path: 'usr/bin/env', type: 'symlink', target: '/bin/busybox' },
        ],
      },
    ],
    {
      config: {
        Entrypoint: ['/bin/sh', '-c'],
        Cmd: ['echo hello'],
        Env: ['PATH=/bin:/usr/bin', 'GREETING=hi'],
        WorkingDir: '/data',
        User: '4321:4321',
        StopSignal: 'SIGTERM',
      },
      ...opts,
    },
  );
}

/** A one-layer image whose single file says which it is (to tell platforms and tags apart). */
export function markerImage(text: string, opts: ImageOptions = {}): Promise<BuiltImage> {
  return buildImage([{ compression: 'gzip', files: [{ path: 'which', content: text }] }], opts);
}

// ---- a real registry -----------------------------------------------------------------------

export interface Registry {
  readonly host: string;
  readonly url: string;
  readonly storage: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Require HTTP Basic auth (docker-registry's htpasswd): user → password, hashed with bcrypt by
   * apache2-utils' htpasswd. */
  readonly users?: Readonly<Record<string, string>>;
  /** Serve another registry's storage (push to an open one, pull from this guarded one). */
  readonly storage?: string;
}

/** Debian's docker-registry on 127.0.0.1 with filesystem storage in a temporary folder. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-registry-'));
  const port = await freePort();
  const storage = opts.storage ?? path.join(dir, 'storage');
  const configFile = path.join(dir, 'config.yml');
  const htpasswd = path.join(dir, 'htpasswd');
  if (opts.users) {
    execFileSync(path.join(repoRoot, 'scripts', 'debian-install'), ['htpasswd:apache2-utils'], { stdio: 'inherit' });
    const lines = Object.entries(opts.users).map(([user, password]) => execFileSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' }).trim());
    await fs.writeFile(htpasswd, `${lines.join('\n')}\n`);
  }
  await fs.writeFile(
    configFile,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(opts.users ? ['auth:', '  htpasswd:', '    realm: skiff-test', `    path: ${htpasswd}`] : []),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-10_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${err}`);
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.ok || (opts.users && res.status === 401)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    storage,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      // Only this registry's own folder: a shared storage belongs to the registry that made it.
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function expectStatus(res: Response, want: number, what: string): Promise<void> {
  if (res.status !== want) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
}

export async function pushBlob(base: string, repo: string, blob: Blob): Promise<void> {
  if ((await fetch(`${base}/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' })).ok) return;
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(start, 202, `start upload of ${blob.digest}`);
  const url = new URL(start.headers.get('location') ?? '', base);
  url.searchParams.set('digest', blob.digest);
  const put = await fetch(url, { method: 'PUT', body: blob.data, headers: { 'content-type': 'application/octet-stream' } });
  await expectStatus(put, 201, `upload of ${blob.digest}`);
}

export async function pushManifest(base: string, repo: string, reference: string, m: Blob): Promise<void> {
  const res = await fetch(`${base}/v2/${repo}/manifests/${reference}`, { method: 'PUT', body: m.data, headers: { 'content-type': m.mediaType } });
  await expectStatus(res, 201, `manifest ${repo}:${reference}`);
}

/** Pushes an image (its blobs, then its manifest under `tag`). */
export async function pushImage(base: string, repo: string, tag: string, image: BuiltImage): Promise<void> {
  for (const b of image.blobs) await pushBlob(base, repo, b);
  await pushManifest(base, repo, tag, image.manifest);
}

/** Pushes several platforms' images by digest and the index over them under `tag`. */
export async function pushIndex(base: string, repo: string, tag: string, index: Blob, images: readonly BuiltImage[]): Promise<void> {
  for (const img of images) await pushImage(base, repo, img.manifest.digest, img);
  await pushManifest(base, repo, tag, index);
}

/** The file docker-registry keeps a blob's bytes in (to corrupt it behind the registry's back). */
export function registryBlobFile(r: Registry, digest: string): string {
  const hex = digest.split(':')[1]!;
  return path.join(r.storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}

// ---- a counting, optionally token-guarding front for the registry -----------------------------

export interface FrontOptions {
  /** Require a Bearer token issued by this front's own token service. */
  readonly token?: { readonly username?: string; readonly password?: string };
  /** Require HTTP Basic credentials instead. */
  readonly basic?: { readonly username: string; readonly password: string };
}

export interface Front {
  readonly host: string;
  /** `GET /v2/...` requests that reached the registry (after auth). */
  readonly requests: string[];
  /** Token requests, with their query strings. */
  readonly tokenRequests: string[];
  stop(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 in front of `target` that counts what it forwards and, when asked,
 * speaks the distribution auth challenge (a token service at /token) or Basic auth. */
export async function startFront(target: Registry, opts: FrontOptions = {}): Promise<Front> {
  const requests: string[] = [];
  const tokenRequests: string[] = [];
  const token = `tok-${Math.random().toString(36).slice(2)}`;
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const basicOk = (header: string | undefined, c: { username?: string; password?: string } | undefined): boolean =>
    !c?.username || header === `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/token')) {
      tokenRequests.push(url);
      if (!basicOk(req.headers.authorization, opts.token)) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    const repo = /^\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(url)?.[1] ?? '';
    if (opts.token && req.headers.authorization !== `Bearer ${token}`) {
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://${host}/token",service="skiff-test",scope="repository:${repo}:pull"`,
          'content-type': 'application/json',
        })
        .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return;
    }
    if (opts.basic && !basicOk(req.headers.authorization, opts.basic)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="skiff-test"' }).end();
      return;
    }
    requests.push(`${req.method ?? 'GET'} ${url}`);
    const upstream = http.request(`${target.url}${url}`, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    host,
    requests,
    tokenRequests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- archives --------------------------------------------------------------------------------

/** An OCI image layout folder: `oci-layout`, `index.json` over `entries`, `blobs/sha256/*`. */
export async function writeLayout(dir: string, entries: readonly { top: Blob; annotations?: Record<string, string> }[], blobs: readonly Blob[]): Promise<void> {
  await fs.mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  await fs.writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const b of [...blobs, ...entries.map((e) => e.top)]) await fs.writeFile(path.join(dir, 'blobs', 'sha256', b.digest.split(':')[1]!), b.data);
  const index = {
    schemaVersion: 2,
    mediaType: media.ociIndex,
    manifests: entries.map((e) => ({ mediaType: e.top.mediaType, digest: e.top.digest, size: e.top.data.length, ...(e.annotations ? { annotations: e.annotations } : {}) })),
  };
  await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
}

/** A folder's contents as a tar file (gzipped when `gzip`). */
export async function tarFolder(dir: string, file: string, gzip = false): Promise<void> {
  const names = (await fs.readdir(dir)).sort();
  await tarCreate({ cwd: dir, file, gzip, portable: true }, names);
}

/** What `docker save` writes: `manifest.json`, `<config>.json`, `<id>/layer.tar` (uncompressed), `repositories`. */
export async function writeDockerSave(file: string, image: BuiltImage, repoTags: readonly string[]): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-save-'));
  try {
    const configName = `${image.config.digest.split(':')[1]!}.json`;
    await fs.writeFile(path.join(dir, configName), image.config.data);
    const layerPaths: string[] = [];
    for (const l of image.layers) {
      const id = l.diffId.split(':')[1]!;
      await fs.mkdir(path.join(dir, id));
      await fs.writeFile(path.join(dir, id, 'layer.tar'), l.tar);
      await fs.writeFile(path.join(dir, id, 'VERSION'), '1.0');
      layerPaths.push(`${id}/layer.tar`);
    }
    await fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: repoTags, Layers: layerPaths }]));
    const repositories: Record<string, Record<string, string>> = {};
    const top = layerPaths[layerPaths.length - 1]?.split('/')[0] ?? '';
    for (const t of repoTags) {
      const i = t.lastIndexOf(':');
      (repositories[t.slice(0, i)] ??= {})[t.slice(i + 1)] = top;
    }
    await fs.writeFile(path.join(dir, 'repositories'), JSON.stringify(repositories));
    await tarFolder(dir, file);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
