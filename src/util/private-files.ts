/**
 * The data dir holds the cluster's secrets (state.db has every Secret, pki/ the CA's key,
 * tokens.json the join tokens): no other local user may read it. Directories skiff keeps state in
 * are 0700 and files 0600, whatever the process umask; a data dir left by an older skiff with
 * 0755/0644 entries is tightened when it is opened again.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const privateDirMode = 0o700;
export const privateFileMode = 0o600;

/** Takes group and other bits away (the owner's, executable bits included, stay). */
function tighten(p: string): void {
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return;
  }
  // A symlink's own mode means nothing, and chmod would follow it out of the data dir.
  if (st.isSymbolicLink() || (st.mode & 0o077) === 0) return;
  try {
    chmodSync(p, st.mode & 0o7700 & ~0o077);
  } catch {
    // not ours to change (a namespace file bind-mounted here): left as it is
  }
}

/** Makes `dir` (and missing parents) owner-only, tightening it if it already existed. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: privateDirMode });
  tighten(dir);
}

/** Owner-only modes for a file that exists (a file that does not is not an error). */
export function tightenFile(file: string): void {
  tighten(file);
}

/**
 * Owner-only modes for `root` and everything under it, not following symlinks nor crossing into
 * another file system (a container's mounted root). `keep` names what must keep its modes,
 * neither changed nor entered: trees whose modes mean something to a container (an image's root
 * filesystem, a volume's contents).
 */
export function tightenTree(root: string, keep: (p: string) => boolean = () => false): void {
  let dev: number;
  try {
    dev = lstatSync(root).dev;
  } catch {
    return;
  }
  const visit = (dir: string): void => {
    tighten(dir);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (keep(p)) continue;
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.dev !== dev) continue; // a mount: another file system's modes
      if (st.isDirectory()) visit(p);
      else tighten(p);
    }
  };
  visit(root);
}
