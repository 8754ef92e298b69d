/** One oci `skiff up` cluster per test file (root, runc, CNI): its images and its cluster, made
 * before the file's tests and removed after them. */
import { after, before } from 'node:test';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';

/** The image every such cluster serves (a busybox-static root filesystem). */
export const ociImage = 'skiff.test/busybox:1';

export function ociClusterPerFile(nodes = 1): () => UpCluster {
  let c: UpCluster | undefined;
  let images: RootfsImages | undefined;
  before(async () => {
    await installOciPackages();
    images = await RootfsImages.create();
    c = await startUpCluster({ nodes, runtime: 'oci', images });
  });
  after(async () => {
    await c?.stop();
    await images?.dispose();
  });
  return () => c!;
}
