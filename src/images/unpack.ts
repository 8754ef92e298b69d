/**
 * Layers applied in order into one flattened root filesystem, as overlayfs would show them:
 * `.wh.NAME` deletes NAME from the layers below, `.wh..wh..opq` hides everything below in its
 * folder, later entries replace earlier ones. Tar is read by node-tar's Parser; what each entry
 * becomes on disk is decided here because overlay semantics, ownership and path confinement are
 * ours to get right, not a plain extractor's.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { syncDir } from './atomic.js';
import { DigestMismatchError, UnpackError } from './errors.js';
import { cleanComponents, RootPath } from './rootpath.js';

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

interface DirMeta {
  mode: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
}

export interface UnpackStats {
  /** Device nodes and FIFOs: Node cannot create them; images rarely carry any (/dev is the runtime's). */
  skipped: string[];
}

/**
 * Builds a root filesystem in `root` (which must exist and be empty) from layer tar streams.
 * Folder modes are applied only at the end, so a read-only folder of one layer does not stop the
 * next from writing into it when we are not root.
 */
export class RootfsBuilder {
  readonly #rp: RootPath;
  readonly #dirs = new Map<string, DirMeta>();
  readonly #asRoot = process.getuid?.() === 0;
  readonly stats: UnpackStats = { skipped: [] };

  constructor(readonly root: string) {
    this.#rp = new RootPath(root);
  }

  /** Applies one layer; with `diffId`, the uncompressed stream must hash to it. */
  async apply(tarStream: Readable, diffId?: string): Promise<void> {
    const layer = new LayerApplier(this.#rp, this.#dirs, this.#asRoot, this.stats);
    const alg = diffId?.split(':')[0] ?? 'sha256';
    const hash = createHash(alg);
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    let chain: Promise<void> = Promise.resolve();
    let failed: unknown;
    const parser = new Parser({ strict: true });
    // Entries are handled strictly one after another: node-tar emits the next one as soon as an
    // empty entry ends, while the previous may still be on its way to disk.
    parser.on('entry', (entry: ReadEntry) => {
      chain = chain.then(async () => {
        if (failed) return void entry.resume();
        try {
          await layer.entry(entry);
        } catch (err) {
          failed = err;
          entry.resume();
          parser.abort(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    const parsed = new Promise<void>((resolve, reject) => {
      parser.on('error', reject);
      parser.on('close', resolve);
    });
    try {
      await Promise.all([pipeline(tarStream, tap, parser as unknown as NodeJS.WritableStream), parsed]);
    } catch (err) {
      await chain;
      throw failed ?? new UnpackError(`layer ${diffId ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
    }
    await chain;
    if (failed) throw failed;
    const actual = `${alg}:${hash.digest('hex')}`;
    if (diffId && actual !== diffId) throw new DigestMismatchError(diffId, actual, 'uncompressed layer');
  }

  /** Folder modes, owners and times, deepest first, then everything flushed to disk. */
  async finish(): Promise<void> {
    const dirs = [...this.#dirs.entries()].sort((a, b) => b[0].length - a[0].length);
    for (const [dir, meta] of dirs) {
      try {
        if (!(await fs.lstat(dir)).isDirectory()) continue;
      } catch {
        continue; // deleted by a later layer's whiteout
      }
      if (this.#asRoot && meta.uid !== undefined && meta.gid !== undefined) await fs.chown(dir, meta.uid, meta.gid);
      await fs.chmod(dir, meta.mode);
      if (meta.mtime) await fs.utimes(dir, meta.mtime, meta.mtime);
    }
    for (const [dir] of dirs) await syncDir(dir).catch(() => undefined);
    await syncDir(this.root);
  }
}

/** One layer's pass: remembers what this layer wrote so opaque folders keep exactly that. */
class LayerApplier {
  /** Host paths this layer created, and every folder above them. */
  readonly #keep = new Set<string>();

  constructor(
    readonly rp: RootPath,
    readonly dirs: Map<string, DirMeta>,
    readonly asRoot: boolean,
    readonly stats: UnpackStats,
  ) {}

  #wrote(host: string): void {
    for (let p = host; p.length > this.rp.root.length && !this.#keep.has(p); p = path.dirname(p)) this.#keep.add(p);
  }

  async entry(e: ReadEntry): Promise<void> {
    const parts = cleanComponents(e.path);
    const base = parts[parts.length - 1];
    if (base === undefined) return void e.resume(); // the root itself: its mode is the runtime's
    const created = (dir: string) => {
      this.dirs.set(dir, { mode: 0o755 });
      this.#wrote(dir);
    };
    if (base === opaqueMarker) {
      e.resume();
      const dir = path.dirname(await this.rp.resolve(parts, true, created));
      await this.#clearLower(dir);
      return;
    }
    if (base.startsWith(whiteoutPrefix)) {
      e.resume();
      let host: string;
      try {
        host = await this.rp.resolve([...parts.slice(0, -1), base.slice(whiteoutPrefix.length)], false);
      } catch (err) {
        if (err instanceof UnpackError) return; // nothing below to delete
        throw err;
      }
      if (!this.#keep.has(host)) await fs.rm(host, { recursive: true, force: true });
      return;
    }
    const host = await this.rp.resolve(parts, true, created);
    const mode = (e.mode ?? 0o644) & 0o7777;
    switch (e.type) {
      case 'Directory': {
        e.resume();
        const st = await lstatOrNull(host);
        if (st && !st.isDirectory()) await fs.rm(host, { force: true });
        if (!st || !st.isDirectory()) await fs.mkdir(host, { mode: 0o755 });
        this.dirs.set(host, { mode, ...(e.uid !== undefined ? { uid: e.uid } : {}), ...(e.gid !== undefined ? { gid: e.gid } : {}), ...(e.mtime ? { mtime: e.mtime } : {}) });
        break;
      }
      case 'File':
      case 'OldFile':
      case 'ContiguousFile': {
        await this.#clear(host);
        const fd = await fs.open(host, 'wx', 0o600);
        try {
          // Minipass (node-tar's entries) and stream.pipeline do not get along once an entry has
          // ended while buffered; its async iterator is reliable.
          for await (const chunk of e as AsyncIterable<Buffer>) await fd.write(chunk);
          await fd.sync();
        } finally {
          await fd.close();
        }
        await this.#meta(host, e, mode, false);
        break;
      }
      case 'SymbolicLink': {
        e.resume();
        await this.#clear(host);
        await fs.symlink(e.linkpath ?? '', host);
        await this.#meta(host, e, mode, true);
        break;
      }
      case 'Link': {
        e.resume();
        const target = await this.rp.resolve(cleanComponents(e.linkpath ?? ''), false);
        if (target === host) break;
        if (!(await lstatOrNull(target))) throw new UnpackError(`${e.path}: hard link to missing ${e.linkpath ?? ''}`);
        await this.#clear(host);
        await fs.link(target, host);
        break;
      }
      case 'CharacterDevice':
      case 'BlockDevice':
      case 'FIFO':
        e.resume();
        this.stats.skipped.push(parts.join('/'));
        return;
      default:
        e.resume();
        return;
    }
    this.#wrote(host);
  }

  /** Makes room for a new non-folder entry: whatever is there goes (a hard link is never written through). */
  async #clear(host: string): Promise<void> {
    const st = await lstatOrNull(host);
    if (!st) return;
    await fs.rm(host, { recursive: st.isDirectory(), force: true });
    this.dirs.delete(host);
  }

  async #meta(host: string, e: ReadEntry, mode: number, link: boolean): Promise<void> {
    // chown before chmod: chown clears set-id bits.
    if (this.asRoot && e.uid !== undefined && e.gid !== undefined) await fs.lchown(host, e.uid, e.gid);
    if (!link) await fs.chmod(host, mode);
    if (e.mtime) await fs.lutimes(host, e.mtime, e.mtime);
  }

  /** Removes everything under `dir` that this layer did not write (an opaque folder). */
  async #clearLower(dir: string): Promise<void> {
    for (const name of await fs.readdir(dir)) {
      const child = path.join(dir, name);
      if (!this.#keep.has(child)) {
        await fs.rm(child, { recursive: true, force: true });
        this.dirs.delete(child);
      } else if ((await fs.lstat(child)).isDirectory()) {
        await this.#clearLower(child);
      }
    }
  }
}

async function lstatOrNull(p: string) {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
