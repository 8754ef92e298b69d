/**
 * Paths inside a root filesystem being built, resolved as the container will see them: `..` never
 * climbs above the root and symlinks in parent components are followed *inside* the root (an
 * absolute target starts at the root). Without this a layer holding `etc -> /host-etc` and then
 * `etc/passwd` would write to the host.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UnpackError } from './errors.js';

const maxSymlinkHops = 40;

/** `./a//b/../c/` → `['a', 'c']`: a tar entry name as components under the root. */
export function cleanComponents(name: string): string[] {
  return path.posix.normalize(`/${name}`).split('/').filter((c) => c !== '' && c !== '.');
}

export class RootPath {
  constructor(readonly root: string) {}

  /**
   * The host path of `components`, its parents resolved through symlinks (the last component is
   * not followed). Missing parents are created (mode 0755; `onCreate` hears of each) when
   * `mkdirs`, and are an error otherwise.
   */
  async resolve(components: readonly string[], mkdirs: boolean, onCreate?: (dir: string) => void): Promise<string> {
    if (components.length === 0) return this.root;
    const last = components[components.length - 1]!;
    const pending = components.slice(0, -1);
    let stack: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const c = pending.shift()!;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        stack.pop();
        continue;
      }
      const host = path.join(this.root, ...stack, c);
      let st;
      try {
        st = await fs.lstat(host);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        if (!mkdirs) throw new UnpackError(`${components.join('/')}: ${[...stack, c].join('/')} does not exist`);
        await fs.mkdir(host, { mode: 0o755 });
        onCreate?.(host);
        stack.push(c);
        continue;
      }
      if (st.isSymbolicLink()) {
        if (++hops > maxSymlinkHops) throw new UnpackError(`${components.join('/')}: too many levels of symbolic links`);
        const target = await fs.readlink(host);
        if (target.startsWith('/')) stack = [];
        pending.unshift(...target.split('/'));
        continue;
      }
      if (!st.isDirectory()) throw new UnpackError(`${components.join('/')}: ${[...stack, c].join('/')} is not a directory`);
      stack.push(c);
    }
    return path.join(this.root, ...stack, last);
  }
}
