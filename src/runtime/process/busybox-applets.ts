/**
 * The busybox image has every applet on PATH (`wget`, `nslookup`, `httpd` …). In process mode the
 * host's programs come first and a directory of applet links is appended to PATH, so a command
 * the host lacks still runs as the image would run it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { defaultPath, findProgram } from './host-programs.js';

const made = new Map<string, string | undefined>();

/** `<root>/busybox-applets`, filled once per directory; undefined when busybox is missing. */
export function busyboxAppletDir(root: string): string | undefined {
  const dir = path.join(root, 'busybox-applets');
  if (made.has(dir)) return made.get(dir);
  const busybox = findProgram('busybox', defaultPath, '/');
  let result: string | undefined;
  if (busybox) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => /^[\w.[-]+$/.test(a));
      for (const a of applets) {
        try {
          symlinkSync(busybox, path.join(dir, a));
        } catch {
          // Already linked by an earlier run.
        }
      }
      result = dir;
    } catch {
      result = undefined;
    }
  }
  made.set(dir, result);
  return result;
}
