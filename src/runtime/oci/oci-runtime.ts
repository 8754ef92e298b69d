/**
 * The `oci` runtime (DESIGN.md, Runtimes): real OCI images run by runc (or crun), one network
 * and IPC namespace per pod wired by the standard CNI plugins on the node's bridge, cgroup
 * limits from `resources`. Layout under the data dir:
 *
 *   oci/<pod uid>/sandbox/              the pod's namespaces, hosts, resolv.conf, sandbox.json
 *   oci/<pod uid>/<container>-<n>/      one start's OCI bundle (config.json, rootfs overlay)
 *   runc/                               runc's state (`--root`), skiff's containers only
 *   cni/host-local/                     address allocations in the pod CIDR
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container, Pod } from '../../api/kinds.js';
import { ImagePullError, type PreparedImage } from '../../images/contract.js';
import { ContainerStartError, type ExecResult, type RunningContainer, type Runtime, type Sandbox, type StartOptions } from '../runtime.js';
import { Cgroups } from './cgroups.js';
import { OciContainer } from './container.js';
import { BundleError } from './errors.js';
import { runcExec } from './exec.js';
import { podNetworks, type PodNetworks } from './network.js';
import { compileOptions, type OciConfig, type OciRuntimeOptions } from './options.js';
import { cgroupResources } from './resources.js';
import { prepareRootfs, releaseRootfs, type PreparedRootfs } from './rootfs.js';
import { Runc } from './runc.js';
import { createSandbox, destroySandbox, sandboxFiles, type SandboxRecord } from './sandbox.js';
import { ociConfig, securitySettings } from './spec.js';
import { resolveUser } from './user.js';

interface SandboxState {
  readonly sandbox: Sandbox;
  readonly record: SandboxRecord;
  readonly containers: Set<string>;
}

interface Live {
  readonly container: OciContainer;
  readonly podUid: string;
  readonly stopSignal: string | undefined;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class OciRuntime implements Runtime {
  readonly name = 'oci';
  readonly version = '0.1.0';
  private readonly cfg: OciConfig;
  private readonly runc: Runc;
  private readonly networks: PodNetworks;
  private readonly cgroups = new Cgroups();
  private readonly sandboxes = new Map<string, SandboxState>();
  /** Sandboxes being made: a second runSandbox for the same pod waits for the first. */
  private readonly pending = new Map<string, Promise<Sandbox>>();
  private readonly containers = new Map<string, Live>();

  constructor(opts: OciRuntimeOptions) {
    this.cfg = compileOptions(opts);
    this.runc = new Runc(this.cfg.ociRuntime, this.cfg.runcRoot);
    this.networks = podNetworks({ podCIDR: this.cfg.podCIDR, bridge: this.cfg.bridge, networkName: this.cfg.networkName, pluginDirs: this.cfg.cniPluginDirs, ipamDir: this.cfg.ipamDir });
  }

  private podDir(podUid: string): string {
    // A uid is the API server's; still, never let one name a path outside the pods directory.
    return path.join(this.cfg.podsDir, podUid.replace(/[^A-Za-z0-9_.-]/g, '_'));
  }

  runSandbox(pod: Pod): Promise<Sandbox> {
    const uid = pod.metadata.uid ?? '';
    const existing = this.sandboxes.get(uid);
    if (existing) return Promise.resolve(existing.sandbox);
    let making = this.pending.get(uid);
    if (!making) {
      making = this.makeSandbox(uid, pod).finally(() => this.pending.delete(uid));
      this.pending.set(uid, making);
    }
    return making;
  }

  private async makeSandbox(uid: string, pod: Pod): Promise<Sandbox> {
    let record: SandboxRecord;
    try {
      record = await createSandbox(this.networks, path.join(this.podDir(uid), 'sandbox'), pod);
    } catch (err) {
      throw new ContainerStartError('CreatePodSandboxError', `pod ${pod.metadata.name ?? uid}: ${message(err)}`);
    }
    const sandbox: Sandbox = { id: record.id, podUid: uid, ip: record.ip };
    this.sandboxes.set(uid, { sandbox, record, containers: new Set() });
    return sandbox;
  }

  async startContainer(sandbox: Sandbox, pod: Pod, container: Container, attempt: number, opts: StartOptions): Promise<RunningContainer> {
    const state = this.sandboxes.get(sandbox.podUid);
    if (state?.sandbox !== sandbox) throw new ContainerStartError('CreateContainerError', `sandbox ${sandbox.id} of pod ${pod.metadata.name ?? ''} is gone`);
    const image = await this.image(container);
    const releaseImage = this.cfg.images.use(image.ref);
    const bundle = path.join(this.podDir(sandbox.podUid), `${container.name}-${attempt}`);
    const cgroupDir = `/${this.cfg.cgroupParent}/${sandbox.podUid}/${container.name}-${attempt}`;
    const id = `skiff-${randomBytes(8).toString('hex')}`;
    let rootfs: PreparedRootfs | undefined;
    const cleanup = async (): Promise<void> => {
      if (rootfs) await releaseRootfs(bundle, rootfs.kind);
      await this.cgroups.remove(cgroupDir);
      await rm(bundle, { recursive: true, force: true });
      releaseImage();
    };
    let memoryLimit: number | undefined;
    try {
      const security = securitySettings(pod, container);
      const resources = cgroupResources(container);
      memoryLimit = resources.memoryLimit;
      const user = resolveUser(image.rootfs, { ...(image.config.user ? { imageUser: image.config.user } : {}), ...security });
      if (security.runAsNonRoot && user.uid === 0) throw new BundleError('container has runAsNonRoot and image will run as root');
      await rm(bundle, { recursive: true, force: true });
      await mkdir(bundle, { recursive: true });
      await this.cgroups.prepare(cgroupDir);
      rootfs = await prepareRootfs(bundle, image.rootfs);
      const config = ociConfig({
        pod, container, image: image.config, opts, rootfs: rootfs.path, user, security,
        sandbox: sandboxFiles(state.record.dir), cgroupsPath: this.cgroups.leaf(cgroupDir), resources, noSwap: this.cgroups.swapAccounting,
      });
      await writeFile(path.join(bundle, 'config.json'), JSON.stringify(config, null, 1));
    } catch (err) {
      await cleanup().catch(() => undefined);
      throw new ContainerStartError(err instanceof BundleError ? 'CreateContainerConfigError' : 'CreateContainerError', `${container.name}: ${message(err)}`);
    }
    const limit = memoryLimit;
    const running = await OciContainer.start({ runc: this.runc, id, bundle, logPath: opts.logPath, oomKilled: () => this.cgroups.oomKilled(cgroupDir, limit), cleanup });
    const rid = `oci://${id}`;
    this.containers.set(rid, { container: running, podUid: sandbox.podUid, stopSignal: image.config.stopSignal });
    state.containers.add(rid);
    void running.exited.then(() => {
      this.containers.delete(rid);
      state.containers.delete(rid);
    });
    return { id: rid, name: container.name, imageId: image.imageId, startedAt: running.startedAt, exited: running.exited };
  }

  private async image(container: Container): Promise<PreparedImage> {
    const name = container.image ?? '';
    const policy = container.imagePullPolicy ?? (/:latest$|^[^:@]*$/.test(name.replace(/^[^/]*\//, '')) ? 'Always' : 'IfNotPresent');
    try {
      return await this.cfg.images.ensure(name, policy);
    } catch (err) {
      if (err instanceof ImagePullError) throw new ContainerStartError(err.reason, err.message);
      throw new ContainerStartError('ErrImagePull', `image ${name}: ${message(err)}`);
    }
  }

  exec(containerId: string, command: readonly string[], timeoutMs: number): Promise<ExecResult> {
    const live = this.containers.get(containerId);
    if (!live) return Promise.reject(new Error(`container ${containerId} is not running`));
    const pidFile = path.join(this.cfg.runcRoot, `exec-${randomBytes(6).toString('hex')}.pid`);
    return runcExec(this.runc, live.container.id, command, timeoutMs, pidFile);
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const live = this.containers.get(id);
    await live?.container.stop(graceSeconds, live.stopSignal ?? 'SIGTERM');
  }

  async removeSandbox(sandbox: Sandbox): Promise<void> {
    const state = this.sandboxes.get(sandbox.podUid);
    if (state?.sandbox !== sandbox) return;
    this.sandboxes.delete(sandbox.podUid);
    await Promise.all([...state.containers].map((id) => this.containers.get(id)?.container.stop(0)));
    try {
      await destroySandbox(this.networks, state.record);
    } finally {
      await this.cgroups.removeEmpty(`/${this.cfg.cgroupParent}/${sandbox.podUid}`);
      await rm(this.podDir(sandbox.podUid), { recursive: true, force: true });
    }
  }

  /** Stops every container and tears down every sandbox: a node agent that exits leaves no
   * containers, namespaces or CNI state behind (as the process runtime leaves no processes). */
  async close(): Promise<void> {
    await Promise.all([...this.containers.values()].map((l) => l.container.stop(0)));
    const states = [...this.sandboxes.values()];
    await Promise.all(states.map((s) => this.removeSandbox(s.sandbox).catch(() => undefined)));
    await this.cgroups.removeEmpty(`/${this.cfg.cgroupParent}`);
  }
}
