/**
 * Finding programs on the host as a container would: through the container's PATH, with a
 * default PATH (Docker's) when the pod gives none. Resolving before spawning turns "no such
 * program" into a start error the user sees in `describe pod`, rather than an exit code 127.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The absolute path of `program` (a name looked up in `searchPath`, or a path relative to
 * `cwd`), or undefined. */
export function findProgram(program: string, searchPath: string, cwd: string): string | undefined {
  if (program.includes('/')) {
    const file = path.resolve(cwd, program);
    return executable(file) ? file : undefined;
  }
  for (const dir of searchPath.split(':')) {
    if (!dir) continue;
    const file = path.join(dir, program);
    if (executable(file)) return file;
  }
  return undefined;
}
