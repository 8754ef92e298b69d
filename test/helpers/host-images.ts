/**
 * The seeds' images without the internet: small root filesystems assembled from this Debian
 * host's own programs (plus the shared libraries `ldd` lists for them), written as OCI images and
 * pushed to a local registry under the names the seeds use — `library/nginx`,
 * `msfuko/nginx_8800`, `library/httpd`, `library/ubuntu`. A node whose image store mirrors
 * docker.io to that registry then runs the seeds' manifests unchanged.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import { buildImage, pushImage, type BuiltImage, type FileSpec } from './images.js';
import { repoRoot } from './paths.js';

/** The host programs the images are made of, as `scripts/debian-install` takes them. */
export const hostImagePackages = [
  'nginx:nginx',
  'free:procps',
  'dpkg-query:dpkg',
  'bash:bash',
  'busybox:busybox-static',
  'docker-registry:docker-registry',
];

export function installHostImageTools(): void {
  execFileSync(path.join(repoRoot, 'scripts', 'debian-install'), hostImagePackages, { stdio: 'inherit' });
}

const path_ = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Where a command lives on this host (`/usr/sbin` is not on every PATH). */
function which(cmd: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    try {
      execFileSync('test', ['-x', path.join(dir, cmd)]);
      return path.join(dir, cmd);
    } catch {
      // not here
    }
  }
  throw new Error(`${cmd} is not installed (scripts/debian-install ${hostImagePackages.join(' ')})`);
}

/** The shared libraries a dynamically linked program loads, the loader included, by the paths
 * it asks for them (so the image needs no ld.so.cache). */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]!);
  }
  return [...libs];
}

/** Host files copied into the image at `at` (default: the same path); symlinks are followed so
 * a merged-/usr host's /lib links need not exist in the image. */
async function hostFiles(files: readonly { from: string; at?: string; mode?: number }[]): Promise<FileSpec[]> {
  const out: FileSpec[] = [];
  for (const f of files) {
    const real = realpathSync(f.from);
    const st = await fs.stat(real);
    out.push({ path: (f.at ?? f.from).replace(/^\//, ''), content: await fs.readFile(real), mode: f.mode ?? (st.mode & 0o777) });
  }
  return out;
}

/** Programs with every library they load, each file once. */
async function programs(binaries: readonly { from: string; at?: string }[]): Promise<FileSpec[]> {
  const libs = new Set<string>();
  for (const b of binaries) for (const l of sharedLibraries(b.from)) libs.add(l);
  return hostFiles([...binaries, ...[...libs].map((l) => ({ from: l }))]);
}

const dirs = (...paths: string[]): FileSpec[] => paths.map((p) => ({ path: p, type: 'dir' as const, mode: p === 'tmp' ? 0o1777 : 0o755 }));

const passwd = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  '',
].join('\n');
const group = ['root:x:0:', 'daemon:x:1:', 'www-data:x:33:', 'nogroup:x:65534:', ''].join('\n');
const accounts: FileSpec[] = [
  { path: 'etc/passwd', content: passwd },
  { path: 'etc/group', content: group },
];

/** nginx as the official image runs it: in the foreground (`-g 'daemon off;'` in its cmd), the
 * error log on stderr, the access log on stdout, the stock welcome page. */
function nginxConf(port: number): string {
  return `user www-data;
worker_processes 1;
error_log stderr notice;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /dev/stdout;
    sendfile on;
    keepalive_timeout 65;
    server {
        listen ${port};
        server_name localhost;
        location / {
            root /usr/share/nginx/html;
            index index.html index.htm;
        }
    }
}
`;
}

export async function nginxImage(port = 80): Promise<BuiltImage> {
  const files = [
    ...dirs('etc/nginx', 'var/lib/nginx', 'var/log/nginx', 'var/cache/nginx', 'run', 'tmp', 'usr/share/nginx/html', 'var/www'),
    ...accounts,
    ...(await programs([{ from: which('nginx'), at: '/usr/sbin/nginx' }])),
    ...(await hostFiles([{ from: '/etc/nginx/mime.types' }, { from: '/usr/share/nginx/html/index.html' }])),
    { path: 'etc/nginx/nginx.conf', content: nginxConf(port) },
  ];
  return buildImage([{ compression: 'gzip', files }], {
    config: {
      Cmd: ['nginx', '-g', 'daemon off;'],
      Env: [path_, 'NGINX_VERSION=debian'],
      ExposedPorts: { [`${port}/tcp`]: {} },
      // nginx's graceful shutdown (the official image's STOPSIGNAL).
      StopSignal: 'SIGQUIT',
    },
  });
}

/** Busybox applets as symlinks at their usual places, except names the image fills itself. */
function busyboxLinks(except: ReadonlySet<string>): FileSpec[] {
  const list = execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return list.filter((p) => !except.has(path.basename(p)) && p !== 'bin/busybox').map((p) => ({ path: p, type: 'symlink' as const, target: '/bin/busybox' }));
}

async function busybox(): Promise<FileSpec[]> {
  return hostFiles([{ from: '/bin/busybox', at: '/bin/busybox', mode: 0o755 }]);
}

export const itWorks = '<html><body><h1>It works!</h1></body></html>\n';

/** httpd as the official image answers (its default page), served by busybox's httpd in the
 * foreground. */
export async function httpdImage(): Promise<BuiltImage> {
  const files = [
    ...dirs('bin', 'usr/bin', 'usr/sbin', 'sbin', 'tmp', 'usr/local/apache2/htdocs', 'usr/local/bin'),
    ...accounts,
    ...(await busybox()),
    ...busyboxLinks(new Set()),
    { path: 'usr/local/apache2/htdocs/index.html', content: itWorks },
    { path: 'usr/local/bin/httpd-foreground', content: '#!/bin/sh\nexec httpd -f -p 80 -h /usr/local/apache2/htdocs\n', mode: 0o755 },
  ];
  return buildImage([{ compression: 'gzip', files }], {
    config: {
      Cmd: ['httpd-foreground'],
      Env: [path_],
      ExposedPorts: { '80/tcp': {} },
      WorkingDir: '/usr/local/apache2',
      // busybox httpd ignores the official image's SIGWINCH; SIGTERM stops it at once.
      StopSignal: 'SIGTERM',
    },
  });
}

/** Enough of Ubuntu for the seeds' commands: bash, busybox's tools, and Debian's `dpkg-query`
 * (with this host's package database) and procps' `free`. */
export async function ubuntuImage(): Promise<BuiltImage> {
  const own = new Set(['bash', 'free', 'dpkg-query']);
  const files = [
    ...dirs('bin', 'sbin', 'usr/bin', 'usr/sbin', 'tmp', 'root', 'var/lib/dpkg/updates', 'var/lib/dpkg/info', 'proc', 'sys', 'dev'),
    ...accounts,
    ...(await busybox()),
    ...busyboxLinks(own),
    ...(await programs([{ from: which('bash'), at: '/bin/bash' }, { from: which('dpkg-query'), at: '/usr/bin/dpkg-query' }, { from: which('free'), at: '/usr/bin/free' }])),
    ...(await hostFiles([{ from: '/var/lib/dpkg/status' }])),
  ];
  return buildImage([{ compression: 'gzip', files }], { config: { Cmd: ['/bin/bash'], Env: [path_] } });
}

/** The repositories (as docker.io names them) and tags the seeds' manifests pull. */
export async function pushSeedImages(registryUrl: string): Promise<Record<string, BuiltImage>> {
  const images: Record<string, BuiltImage> = {
    'library/nginx': await nginxImage(80),
    'msfuko/nginx_8800': await nginxImage(8800),
    'library/httpd': await httpdImage(),
    'library/ubuntu': await ubuntuImage(),
  };
  for (const [repo, img] of Object.entries(images)) await pushImage(registryUrl, repo, 'latest', img);
  return images;
}
