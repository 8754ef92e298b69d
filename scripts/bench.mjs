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
  console.error('usage: npm run bench -- NAME [args]   (NAME: api, scheduler, startup, proxy, authz, apply, dns, exec, portforward, ui, metrics)');
  process.exit(2);
}
// System programs a benchmark needs, from Debian (COMMAND:PACKAGE), installed when missing.
const needs = { api: ['etcd:etcd-server'], ui: ['chromium:chromium'], scheduler: [], proxy: ['wrk:wrk', 'haproxy:haproxy'], dns: ['dnsperf:dnsperf', 'dnsmasq:dnsmasq'], startup: ['nginx:nginx', 'busybox:busybox', ...(rest.includes('oci') ? ['runc:runc', '/usr/lib/cni/bridge:containernetworking-plugins', 'iptables:iptables'] : [])] };
execFileSync(path.join(root, 'scripts', 'debian-install'), needs[name] ?? [], { stdio: 'inherit' });
execFileSync(path.join(root, 'scripts', 'setup'), { stdio: 'inherit' });
const entry = path.join(root, 'dist', 'bench', `${name}.js`);
if (!existsSync(entry)) {
  console.error(`no benchmark named ${name}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--enable-source-maps', entry, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
