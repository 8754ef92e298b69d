/**
 * `/images` on the node endpoint: the node's image store for `skiff image import|ls|rm` run
 * against a cluster (as `kind load` loads an image into every node). Reached through the API
 * server's `nodes/NAME/proxy/images`, so it is authorized as `nodes/proxy` like kubelet's other
 * debugging paths.
 *
 *   GET    /images             the images here
 *   POST   /images[?name=REPO] body: a `docker save` or OCI layout archive (plain or gzipped)
 *   DELETE /images?ref=REF…    forget the names, then collect what nothing needs
 *
 * Every answer names the store (`store`): nodes of one `skiff up` share one, so a client loads
 * an archive once per store, not once per node.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs, realpathSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ImageError, ImageNotFoundError, parseReference, type ImageStore } from '../images/index.js';
import { refuseResponse } from './refuse.js';

function storeId(store: ImageStore): string {
  let dir = store.opts.dir;
  try {
    dir = realpathSync(dir);
  } catch {
    // as configured
  }
  return createHash('sha256').update(`${os.hostname()}\0${dir}`).digest('hex').slice(0, 16);
}

function answer(res: ServerResponse, body: Record<string, unknown>): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function serveImages(req: IncomingMessage, res: ServerResponse, url: URL, store: ImageStore | undefined): Promise<void> {
  if (url.pathname !== '/images') return refuseResponse(res, 404, 'NotFound', 'the server could not find the requested resource');
  if (!store) {
    req.resume();
    return refuseResponse(res, 400, 'BadRequest', 'this node runs the process runtime, which uses no images (an image name resolves to a program of the host)');
  }
  const id = storeId(store);
  try {
    if (req.method === 'GET') return answer(res, { store: id, images: await store.list() });
    if (req.method === 'POST') {
      const upload = path.join(store.opts.dir, `upload-${randomBytes(6).toString('hex')}.tar`);
      try {
        await pipeline(req, createWriteStream(upload, { mode: 0o600 }));
        const name = url.searchParams.get('name');
        const imported = await store.import(upload, name ? { name } : {});
        return answer(res, { store: id, imported });
      } finally {
        await fs.rm(upload, { force: true });
      }
    }
    if (req.method === 'DELETE') {
      const refs = url.searchParams.getAll('ref');
      if (!refs.length) return refuseResponse(res, 400, 'BadRequest', 'name at least one image: ?ref=REF');
      const deleted: string[] = [];
      for (const ref of refs) {
        await store.remove(ref);
        deleted.push(parseReference(ref).name);
      }
      await store.gc({ prune: true });
      return answer(res, { store: id, deleted });
    }
    req.resume();
    return refuseResponse(res, 405, 'MethodNotAllowed', `${req.method ?? ''} is not served on /images`);
  } catch (err) {
    // The archive or the name was wrong: the user's to fix, said in the store's words.
    if (err instanceof ImageNotFoundError) return refuseResponse(res, 404, 'NotFound', err.message);
    if (err instanceof ImageError) return refuseResponse(res, 400, 'BadRequest', err.message);
    throw err;
  }
}
