/**
 * `skiff image import|ls|rm|pull`: images for `--runtime oci` pods without a registry. import, ls
 * and rm act on every node of the kubeconfig's cluster (imagecluster.ts), or, with `--data-dir`,
 * on that data dir's store directly (a node that is not running); pull works on a data dir.
 */
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ImageStore, imagesDir, parseReference, type ImageSummary } from '../../images/index.js';
import { getTableOptions, TabWriter } from '../printers/index.js';
import { registryOptions, withRegistryFlags, type RegistryFlags } from '../registryflags.js';
import { ensurePrivateDir } from '../../util/private-files.js';
import { kubeCommand, runKube, type GlobalFlags } from '../kube/index.js';
import { importIntoCluster, listInCluster, removeFromCluster } from './imagecluster.js';

interface StoreFlags {
  dataDir: string;
}

const defaultDataDir = path.join(os.homedir(), '.skiff', 'up');

function withDataDir(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', "the node's data dir (skiff up's; use skiff agent's --data-dir for an agent's node)", defaultDataDir);
}

/** import, ls, rm: the cluster's nodes, or a data dir's store when `--data-dir` is given. */
function clusterOrDataDir(name: string, description: string): Command {
  return kubeCommand(name, description)
    .option('--data-dir <dir>', "act on this data dir's store instead of the cluster's nodes (a node that is not running)");
}

type ClusterFlags = GlobalFlags & Partial<StoreFlags>;

function open(flags: StoreFlags & RegistryFlags, creds?: { username: string; password: string }): ImageStore {
  ensurePrivateDir(path.resolve(flags.dataDir));
  return new ImageStore({ dir: imagesDir(path.resolve(flags.dataDir)), registry: { ...registryOptions(flags), ...(creds ? { credentials: () => creds } : {}) } });
}

function credentials(v: string): { username: string; password: string } {
  const i = v.indexOf(':');
  if (i <= 0) throw new InvalidArgumentError('must be USER:PASSWORD');
  return { username: v.slice(0, i), password: v.slice(i + 1) };
}

export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return u === 0 ? `${n}B` : `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)}${units[u]}`;
}

/** crictl's columns: IMAGE, TAG, IMAGE ID (short digest), SIZE. */
export function imageTable(images: readonly ImageSummary[]): string {
  const w = new TabWriter(getTableOptions);
  w.write('IMAGE\tTAG\tIMAGE ID\tSIZE\n');
  for (const img of images) {
    const ref = parseReference(img.ref);
    const tag = ref.tag ?? '<none>';
    w.write(`${ref.repository}\t${tag}\t${img.digest.split(':')[1]?.slice(0, 13) ?? img.digest}\t${humanSize(img.size)}\n`);
  }
  return w.flush();
}

export function imageCommand(): Command {
  const image = new Command('image').description("manage the node's OCI images (for --runtime oci)");
  image.addCommand(
    clusterOrDataDir('import', 'import a `docker save` tarball or an OCI image layout archive (plain or gzipped) into every node')
      .argument('<file>', 'the archive')
      .option('--name <repository>', 'repository for images the archive names only by tag, or not at all')
      .action(async (file: string, opts: ClusterFlags & { name?: string }, cmd: Command) => {
        if (!opts.dataDir) return runKube<ClusterFlags>((ctx) => importIntoCluster(ctx, file, opts.name))(cmd);
        const imported = await open({ ...opts, dataDir: opts.dataDir }).import(file, opts.name ? { name: opts.name } : {});
        for (const img of imported) process.stdout.write(`imported ${img.ref} (${img.imageId})\n`);
      }),
  );
  image.addCommand(
    clusterOrDataDir('ls', "list every node's images")
      .alias('list')
      .action(async (opts: ClusterFlags, cmd: Command) => {
        if (!opts.dataDir) {
          return runKube<ClusterFlags>(async (ctx) => {
            for (const { node, images } of await listInCluster(ctx)) ctx.out.write(`node ${node}:\n${imageTable(images)}`);
          })(cmd);
        }
        process.stdout.write(imageTable(await open({ ...opts, dataDir: opts.dataDir }).list()));
      }),
  );
  image.addCommand(
    clusterOrDataDir('rm', "remove images by name from every node, and the content nothing else needs")
      .alias('remove')
      .argument('<ref...>', 'image references')
      .action(async (refs: string[], opts: ClusterFlags, cmd: Command) => {
        if (!opts.dataDir) return runKube<ClusterFlags>((ctx) => removeFromCluster(ctx, refs))(cmd);
        const store = open({ ...opts, dataDir: opts.dataDir });
        for (const ref of refs) {
          await store.remove(ref);
          process.stdout.write(`deleted ${parseReference(ref).name}\n`);
        }
        await store.gc({ prune: true });
      }),
  );
  image.addCommand(
    withRegistryFlags(withDataDir(new Command('pull')))
      .description('pull an image from its registry')
      .argument('<ref>', 'image reference, e.g. 127.0.0.1:5000/app:1')
      .option('--creds <user:password>', 'registry credentials', credentials)
      .action(async (ref: string, opts: StoreFlags & RegistryFlags & { creds?: { username: string; password: string } }) => {
        const img = await open(opts, opts.creds).pull(ref);
        process.stdout.write(`${img.ref}\n${img.imageId}\n`);
      }),
  );
  return image;
}
