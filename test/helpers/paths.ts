/** Where things are, for tests that run from the compiled `dist/test` tree. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (the folder with package.json). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A file under the repository's `test/fixtures` folder (not compiled; read from source). */
export function fixture(...parts: string[]): string {
  return path.join(repoRoot, 'test', 'fixtures', ...parts);
}
