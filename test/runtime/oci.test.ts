/** The oci runtime against the runtime conformance suite (needs root: runc, CNI, cgroups). Its
 * own cases (network, limits, security) are in oci-*.test.ts. */
import { after, before } from 'node:test';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { commandCapabilities, runtimeConformance } from './conformance.js';
import { ociSubject, removeBridge } from './oci-subject.js';

const net = { podCIDR: '10.201.1.0/24', bridge: 'skiff-conf0' };
let images: RootfsImages;

before(async () => {
  await installOciPackages();
  images = await RootfsImages.create();
});
after(async () => {
  await removeBridge(net.bridge);
  await images?.dispose();
});

runtimeConformance('oci', () => ociSubject(net, images), commandCapabilities);
