/**
 * The web view's static files: plain ES modules, CSS and one HTML page kept in `src/ui/static`.
 * They need no build step, so the server reads them from the source tree beside the compiled
 * code (dist/ mirrors the repository's layout) and keeps them in memory once read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** Where the files are: next to this module in the source tree, or from dist/ back to src/. */
function staticDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../ui/static'), path.resolve(here, '../../../../src/ui/static')];
  return candidates.find((d) => existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

let files: Map<string, StaticFile> | undefined;

/** The file a `/ui/NAME` path names (only the listed files of the one flat folder exist). */
export function staticFile(name: string): StaticFile | undefined {
  files ??= load();
  return files.get(name);
}

function load(): Map<string, StaticFile> {
  const dir = staticDir();
  const out = new Map<string, StaticFile>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const type = types[path.extname(name)];
    if (type && /^[a-z0-9-]+\.[a-z]+$/.test(name)) out.set(name, { body: readFileSync(path.join(dir, name)), type });
  }
  return out;
}
