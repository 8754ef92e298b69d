/**
 * A real image store for oci runtime tests, without a registry: one root filesystem built from
 * Debian's `busybox-static` (the static /bin/busybox with its applets as symlinks, an
 * /etc/passwd and /etc/group with a non-root user), served under a few image names whose
 * configs differ. Any other name fails as an unpullable image does.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImagePullError, type ImageRunConfig, type ImageService, type PreparedImage, type PullPolicy } from '../../src/images/contract.js';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

/** Debian packages the oci runtime tests need, as scripts/debian-install pairs. */
export const ociPackages = ['runc:runc', '/usr/lib/cni/bridge:containernetworking-plugins', 'iptables:iptables', 'unshare:util-linux', 'mount:mount', 'busybox:busybox-static'];

/** Installs what is missing (quiet when nothing is). */
export async function installOciPackages(): Promise<void> {
  const installer = path.join(repoRoot, 'scripts', 'debian-install');
  await run(installer, ociPackages);
  // A dynamically linked busybox (Debian's `busybox`) cannot run inside an image: replace it.
  if (!(await isStatic('/bin/busybox'))) await run(installer, ['skiff-needs-static-busybox:busybox-static']);
}

/** Whether an ELF file has no program interpreter (PT_INTERP), i.e. is statically linked. */
async function isStatic(file: string): Promise<boolean> {
  const b = await readFile(file);
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

export const appUid = 1234;

/** The images served: names → their run configs over the one busybox root filesystem. */
export const testImages: Readonly<Record<string, ImageRunConfig>> = {
  'skiff.test/busybox:1': { cmd: ['sh'], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
  /** With an entrypoint, a cmd, env, a working dir, a named user and a stop signal. */
  'skiff.test/app:1': {
    entrypoint: ['sh', '-c'],
    cmd: ['echo "image cmd as $(id -u) in $(pwd) with $GREETING"'],
    env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'GREETING=from-image', 'KEEP=image'],
    workingDir: '/home/app',
    user: 'app',
    stopSignal: 'SIGUSR1',
  },
};

export class RootfsImages implements ImageService {
  readonly uses = new Map<string, number>();
  private constructor(readonly dir: string, readonly rootfs: string) {}

  static async create(): Promise<RootfsImages> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-rootfs-'));
    const rootfs = path.join(dir, 'rootfs');
    for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'home/app', 'var/www', 'data']) await mkdir(path.join(rootfs, d), { recursive: true });
    await copyFile('/bin/busybox', path.join(rootfs, 'bin/busybox'));
    await chmod(path.join(rootfs, 'bin/busybox'), 0o755);
    // Run inside the rootfs so the applet links point at /bin/busybox there, not at this host path.
    await run('chroot', [rootfs, '/bin/busybox', '--install', '-s']);
    await writeFile(path.join(rootfs, 'etc/passwd'), `root:x:0:0:root:/root:/bin/sh\napp:x:${appUid}:${appUid}:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`);
    await writeFile(path.join(rootfs, 'etc/group'), `root:x:0:\nstaff:x:50:app\napp:x:${appUid}:\nnogroup:x:65534:\n`);
    await writeFile(path.join(rootfs, 'var/www/index.html'), 'hello from busybox httpd\n');
    await chmod(path.join(rootfs, 'tmp'), 0o1777);
    await chown(path.join(rootfs, 'home/app'), appUid, appUid);
    return new RootfsImages(dir, rootfs);
  }

  ensure(image: string, _policy: PullPolicy): Promise<PreparedImage> {
    const config = testImages[image];
    if (!config) return Promise.reject(new ImagePullError('ErrImagePull', `failed to pull image "${image}": not found in the test image set`));
    const digest = createHash('sha256').update(image).digest('hex');
    return Promise.resolve({ ref: image, imageId: `${image.replace(/:[^:/]*$/, '')}@sha256:${digest}`, rootfs: this.rootfs, config });
  }

  use(ref: string): () => void {
    this.uses.set(ref, (this.uses.get(ref) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.uses.set(ref, (this.uses.get(ref) ?? 1) - 1);
    };
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
