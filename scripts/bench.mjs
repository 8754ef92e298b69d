#!/usr/bin/env node
// `npm run bench -- NAME [args]`: builds, then runs bench/NAME.ts (compiled) with the rest of the
// arguments. Benchmarks print a table and, last, one `RESULT {json}` line.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
if (!name) {
  console.error('usage: npm run bench -- NAME [args]   (NAME: api, scheduler, startup, proxy)');
  process.exit(2);
}
// System programs a benchmark needs, from Debian, installed when missing.
const needs = { api: ['etcd:etcd-server'], proxy: ['wrk:wrk', 'haproxy:haproxy'], startup: ['nginx:nginx', 'busybox:busybox'] };
const missing = (needs[name] ?? [])
  .map((e) => e.split(':'))
  .filter(([cmd]) => spawnSync('bash', ['-c', `command -v ${cmd} || [ -x /usr/sbin/${cmd} ]`], { stdio: 'ignore' }).status !== 0)
  .map(([, pkg]) => pkg);
if (missing.length > 0) {
  console.error(`skiff bench: installing ${missing.join(' ')} from Debian`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  execFileSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update', '-qq'], { stdio: 'inherit' });
  execFileSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
execFileSync(path.join(root, 'scripts', 'setup'), { stdio: 'inherit' });
const entry = path.join(root, 'dist', 'bench', `${name}.js`);
if (!existsSync(entry)) {
  console.error(`no benchmark named ${name}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--enable-source-maps', entry, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
