/** Where things are, for tests that run from the compiled `dist/test` tree. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (the folder with package.json). */
export const repoRoot = path.resolve(here, '../../..');

/** The built `skiff` entry point beside this test tree (whatever outDir it was built into). */
export const skiffMain = path.resolve(here, '../../src/cli/main.js');

/** A file under the repository's `test/fixtures` folder (not compiled; read from source). */
export function fixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', ...parts);
}
