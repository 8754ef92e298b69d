/**
 * kubectl 1.20 from Debian's `kubernetes-client` package (bookworm ships 1.20), for tests of the
 * oldest clients skiff supports. The package is downloaded and unpacked into a cache folder — never
 * installed, which would replace the kubectl on PATH — once per machine: later runs reuse it.
 * Fails loudly when it cannot be had: these tests are never skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

const cacheRoot = process.env['SKIFF_KUBECTL_CACHE'] ?? '/var/cache/skiff-test';

function run(cmd: string, args: readonly string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
}

/** The version Debian would give, e.g. `1.20.5+really1.20.2-1.1+deb12u1`, or '' when unknown. */
function candidate(): string {
  const out = run('apt-cache', ['policy', 'kubernetes-client']);
  return /Candidate:\s*(\S+)/.exec(out)?.[1]?.replace('(none)', '') ?? '';
}

function download(into: string): void {
  if (!candidate()) run('apt-get', ['update', '-qq']);
  const version = candidate();
  if (!version) throw new Error('Debian has no kubernetes-client package here (apt-cache policy kubernetes-client)');
  if (!version.startsWith('1.20.')) throw new Error(`Debian's kubernetes-client is ${version}, not kubectl 1.20`);
  run('apt-get', ['download', '-qq', 'kubernetes-client'], into);
}

/** The path of a kubectl 1.20 binary, downloading and unpacking it on first use. */
export function kubectl120Binary(): string {
  const dir = path.join(cacheRoot, 'kubectl-1.20');
  const binary = path.join(dir, 'usr', 'bin', 'kubectl');
  if (!existsSync(binary)) {
    mkdirSync(cacheRoot, { recursive: true });
    const work = mkdtempSync(path.join(cacheRoot, 'download-'));
    try {
      download(work);
      const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error(`apt-get download kubernetes-client left no .deb in ${work}`);
      const unpacked = path.join(work, 'root');
      run('dpkg', ['-x', path.join(work, deb), unpacked]);
      // Atomic: a concurrent run sees either nothing or the whole tree.
      try {
        renameSync(unpacked, dir);
      } catch (err) {
        if (!existsSync(binary)) throw err;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const version = run(binary, ['version', '--client', '--short']);
  if (!/v1\.20\./.test(version)) throw new Error(`${binary} is not kubectl 1.20: ${version}`);
  return binary;
}
