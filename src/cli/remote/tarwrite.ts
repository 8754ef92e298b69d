/**
 * The archive `skiff cp` sends into a container (`tar -xmf - -C DIR` there): the local file or
 * tree with its top entry renamed to the destination's name, as kubectl's makeTar writes it.
 * Headers are node-tar's (pax records for long names); symlinks are sent as links.
 */
import { createReadStream, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { Header, Pax } from 'tar';

function write(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.write(chunk)) return resolve();
    out.once('drain', resolve);
    out.once('error', reject);
  });
}

async function header(out: Writable, fields: { path: string; mode: number; size: number; mtime: Date; type: 'File' | 'Directory' | 'SymbolicLink'; linkpath?: string }): Promise<void> {
  const block = Buffer.alloc(512);
  const h = new Header({ ...fields, uid: 0, gid: 0 });
  if (h.encode(block, 0)) {
    // Too long for ustar: a pax record carries the real name first.
    await write(out, new Pax({ path: fields.path, ...(fields.linkpath ? { linkpath: fields.linkpath } : {}), mtime: fields.mtime }).encode());
  }
  await write(out, block);
}

async function entry(out: Writable, local: string, name: string): Promise<void> {
  const st = lstatSync(local);
  if (st.isSymbolicLink()) {
    await header(out, { path: name, mode: st.mode & 0o7777, size: 0, mtime: st.mtime, type: 'SymbolicLink', linkpath: readlinkSync(local) });
  } else if (st.isDirectory()) {
    await header(out, { path: `${name}/`, mode: st.mode & 0o7777, size: 0, mtime: st.mtime, type: 'Directory' });
    for (const child of readdirSync(local).sort()) await entry(out, path.join(local, child), `${name}/${child}`);
  } else if (st.isFile()) {
    await header(out, { path: name, mode: st.mode & 0o7777, size: st.size, mtime: st.mtime, type: 'File' });
    let sent = 0;
    for await (const chunk of createReadStream(local)) {
      sent += (chunk as Buffer).length;
      await write(out, chunk as Buffer);
    }
    const pad = (512 - (sent % 512)) % 512;
    if (pad) await write(out, Buffer.alloc(pad));
  }
}

/** Writes `local` as `name` (and what is below it) to `out`, the end-of-archive blocks, and ends it. */
export async function packAs(local: string, name: string, out: Writable): Promise<void> {
  await entry(out, local, name);
  await write(out, Buffer.alloc(1024));
  out.end();
}
