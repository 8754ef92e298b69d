/**
 * `skiff image import|ls|rm|pull`: the node's image store from the command line, on the same data
 * dir the node uses (`<data-dir>/images`), so an image imported here is what `--runtime oci` pods
 * start from without a registry.
 */
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ImageStore, imagesDir, parseReference, type ImageSummary } from '../../images/index.js';
import { getTableOptions, TabWriter } from '../printers/index.js';
import { registryOptions, withRegistryFlags, type RegistryFlags } from '../registryflags.js';
import { ensurePrivateDir } from '../../util/private-files.js';

interface StoreFlags {
  dataDir: string;
}

const defaultDataDir = path.join(os.homedir(), '.skiff', 'up');

function withDataDir(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', "the node's data dir (skiff up's; use skiff agent's --data-dir for an agent's node)", defaultDataDir);
}

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
    withDataDir(new Command('import'))
      .description('import a `docker save` tarball or an OCI image layout archive (plain or gzipped)')
      .argument('<file>', 'the archive')
      .option('--name <repository>', 'repository for images the archive names only by tag, or not at all')
      .action(async (file: string, opts: StoreFlags & { name?: string }) => {
        const imported = await open(opts).import(file, opts.name ? { name: opts.name } : {});
        for (const img of imported) process.stdout.write(`imported ${img.ref} (${img.imageId})\n`);
      }),
  );
  image.addCommand(
    withDataDir(new Command('ls'))
      .alias('list')
      .description('list the images in the store')
      .action(async (opts: StoreFlags) => {
        process.stdout.write(imageTable(await open(opts).list()));
      }),
  );
  image.addCommand(
    withDataDir(new Command('rm'))
      .alias('remove')
      .description('remove images by name, and the content nothing else needs')
      .argument('<ref...>', 'image references')
      .action(async (refs: string[], opts: StoreFlags) => {
        const store = open(opts);
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
