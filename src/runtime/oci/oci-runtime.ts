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
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container, Pod } from '../../api/kinds.js';
import { ImagePullError, type PreparedImage } from '../../images/contract.js';
import type { Credentials } from '../../images/auth.js';
import { processRunning } from '../../util/process.js';
import { ContainerStartError, type ContainerExit, type ContainerUsage, type ExecResult, type ExecStreamOptions, type RecoveredContainer, type RecoveredSandbox, type RunningContainer, type Runtime, type Sandbox, type StartOptions, type StreamProcess } from '../runtime.js';
import { Cgroups } from './cgroups.js';
import { OciContainer, recordedExit, type ContainerParams } from './container.js';
import { BundleError, OciRuntimeError } from './errors.js';
import { ensureMasquerade, removeMasquerade } from './masquerade.js';
import { runcExec } from './exec.js';
import { runcExecStream } from './exec-stream.js';
import { podNetworks, type PodNetworks } from './network.js';
import { checkPodCIDR, compileOptions, type OciConfig, type OciRuntimeOptions } from './options.js';
import { cgroupResources } from './resources.js';
import { prepareRootfs, releaseRootfs, type PreparedRootfs, type RootfsKind } from './rootfs.js';
import { loadRun, saveRun, type RunRecord } from './run-record.js';
import { Runc } from './runc.js';
import { createSandbox, destroySandbox, readSandbox, sandboxFiles, type SandboxRecord } from './sandbox.js';
import { ociConfig, securitySettings, supplementaryGroups } from './spec.js';
import { seccompFor } from './seccomp.js';
import { capabilitySet } from './capabilities.js';
import { resolveUser } from './user.js';
import { applyFsGroup, verifyRunAsNonRoot } from '../shared/index.js';

interface SandboxState {
  readonly sandbox: Sandbox;
  readonly record: SandboxRecord;
  readonly containers: Set<string>;
}

interface Live {
  readonly container: OciContainer;
  readonly name: string;
  readonly podUid: string;
  readonly stopSignal: string | undefined;
  readonly cgroupDir: string;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class OciRuntime implements Runtime {
  readonly name = 'oci';
  readonly version = '0.1.0';
  private readonly cfg: OciConfig;
  private readonly runc: Runc;
  private podNetworks: PodNetworks | undefined;
  private podCIDR: string | undefined;
  /** The masquerade rule, added with the first sandbox. */
  private masquerade: Promise<void> | undefined;
  private readonly cgroups = new Cgroups();
  private readonly sandboxes = new Map<string, SandboxState>();
  /** Sandboxes being made: a second runSandbox for the same pod waits for the first. */
  private readonly pending = new Map<string, Promise<Sandbox>>();
  private readonly containers = new Map<string, Live>();

  constructor(opts: OciRuntimeOptions) {
    this.cfg = compileOptions(opts);
    this.runc = new Runc(this.cfg.ociRuntime, this.cfg.runcRoot);
    if (this.cfg.podCIDR) this.setPodCIDR(this.cfg.podCIDR);
  }

  setPodCIDR(cidr: string): void {
    this.podCIDR = cidr;
    this.podNetworks = podNetworks({ podCIDR: checkPodCIDR(cidr), bridge: this.cfg.bridge, networkName: this.cfg.networkName, pluginDirs: this.cfg.cniPluginDirs, ipamDir: this.cfg.ipamDir });
  }

  private get networks(): PodNetworks {
    if (!this.podNetworks) throw new OciRuntimeError('NoPodCIDR', 'the node has no pod CIDR yet');
    return this.podNetworks;
  }

  private podDir(podUid: string): string {
    // A uid is the API server's; still, never let one name a path outside the pods directory.
    return path.join(this.cfg.podsDir, podUid.replace(/[^A-Za-z0-9_.-]/g, '_'));
  }

  private ensureMasquerade(): Promise<void> {
    const cidr = this.podCIDR!;
    this.masquerade ??= ensureMasquerade(cidr, this.cfg.clusterCidr ?? cidr).catch((err: unknown) => {
      this.masquerade = undefined;
      throw err;
    });
    return this.masquerade;
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
      // A hostNetwork pod needs neither the pod network nor its masquerade.
      const networks = pod.spec.hostNetwork === true ? this.podNetworks : this.networks;
      if (pod.spec.hostNetwork !== true) await this.ensureMasquerade();
      record = await createSandbox(networks, path.join(this.podDir(uid), 'sandbox'), pod, this.cfg.nodeIP, this.cfg.clusterDns);
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
    const image = await this.image(container, opts);
    const releaseImage = this.cfg.images.use(image.ref);
    const bundle = path.join(this.podDir(sandbox.podUid), `${container.name}-${attempt}`);
    const cgroupDir = `/${this.cfg.cgroupParent}/${sandbox.podUid}/${container.name}-${attempt}`;
    const id = `skiff-${randomBytes(8).toString('hex')}`;
    let rootfs: PreparedRootfs | undefined;
    const cleanup = (): Promise<void> => this.cleanup(bundle, rootfs?.kind, cgroupDir, releaseImage);
    let memoryLimit: number | undefined;
    let owner: { uid: number; gid: number } | undefined;
    try {
      const targetPid = this.targetPid(state, container);
      const security = securitySettings(pod, container);
      const resources = cgroupResources(container);
      memoryLimit = resources.memoryLimit;
      const groups = supplementaryGroups(security);
      const user = resolveUser(image.rootfs, { ...(image.config.user ? { imageUser: image.config.user } : {}), ...security, ...(groups ? { supplementalGroups: groups } : {}) });
      verifyRunAsNonRoot(pod, container, security.runAsNonRoot, security.runAsUser, user.uid);
      owner = { uid: user.uid, gid: user.gid };
      await rm(bundle, { recursive: true, force: true });
      await mkdir(bundle, { recursive: true });
      await this.cgroups.prepare(cgroupDir);
      rootfs = await prepareRootfs(bundle, image.rootfs);
      await applyFsGroup(pod, container, opts.mounts);
      const seccomp = seccompFor(pod, container, { privileged: security.privileged, capabilities: capabilitySet({ ...security.capabilities, privileged: security.privileged }), profileRoot: this.cfg.seccompProfileRoot });
      const config = ociConfig({
        pod, container, image: image.config, opts, rootfs: rootfs.path, user, security,
        sandbox: sandboxFiles(state.record.dir), cgroupsPath: this.cgroups.leaf(cgroupDir), resources, noSwap: this.cgroups.swapAccounting,
        ...(seccomp ? { seccomp } : {}),
        ...(targetPid ? { targetPid } : {}),
      });
      // Owner-only: it holds the container's environment (Secrets' values among it).
      await writeFile(path.join(bundle, 'config.json'), JSON.stringify(config, null, 1), { mode: 0o600 });
    } catch (err) {
      await cleanup().catch(() => undefined);
      if (err instanceof ContainerStartError) throw err; // kubelet's own words (runAsNonRoot)
      throw new ContainerStartError(err instanceof BundleError ? 'CreateContainerConfigError' : 'CreateContainerError', `${container.name}: ${message(err)}`);
    }
    const running = await OciContainer.start({ ...this.params(id, bundle, opts.logPath, cgroupDir, memoryLimit, cleanup), ...(owner ? { owner } : {}) });
    const run: RunRecord = {
      runcId: id, name: container.name, attempt, imageRef: image.ref, imageId: image.imageId, startedAt: running.startedAt.toISOString(), logPath: opts.logPath,
      cgroupDir, ...(memoryLimit !== undefined ? { memoryLimit } : {}), rootfsKind: rootfs.kind, ...(image.config.stopSignal ? { stopSignal: image.config.stopSignal } : {}), ...running.leader,
    };
    saveRun(bundle, run);
    return this.track(state, run, running);
  }

  /** An ephemeral container's target (`kubectl debug --target`): its running container's PID
   * namespace, which the debug container joins, so each sees the other's processes. */
  private targetPid(state: SandboxState, container: Container & { targetContainerName?: string }): string | undefined {
    const target = container.targetContainerName;
    if (!target) return undefined;
    for (const rid of state.containers) {
      const live = this.containers.get(rid);
      if (live?.name === target) return `/proc/${live.container.pid}/ns/pid`;
    }
    throw new ContainerStartError('CreateContainerError', `${container.name}: target container ${target} is not running`);
  }

  private params(id: string, bundle: string, logPath: string, cgroupDir: string, memoryLimit: number | undefined, cleanup: () => Promise<void>): ContainerParams {
    return { runc: this.runc, id, bundle, logPath, fifoDir: path.join(this.cfg.dataDir, 'fifos'), oomKilled: () => this.cgroups.oomKilled(cgroupDir, memoryLimit), cleanup };
  }

  /** What a container's start made, undone once it has ended. */
  private async cleanup(bundle: string, rootfs: RootfsKind | undefined, cgroupDir: string, releaseImage: () => void): Promise<void> {
    if (rootfs) await releaseRootfs(bundle, rootfs);
    await this.cgroups.remove(cgroupDir);
    await rm(bundle, { recursive: true, force: true });
    releaseImage();
  }

  /** Registers a live (started or adopted) container and forgets it when it ends. */
  private track(state: SandboxState, run: RunRecord, c: OciContainer): RunningContainer {
    const rid = `oci://${run.runcId}`;
    this.containers.set(rid, { container: c, name: run.name, podUid: state.sandbox.podUid, stopSignal: run.stopSignal, cgroupDir: run.cgroupDir });
    state.containers.add(rid);
    void c.exited.then(() => {
      this.containers.delete(rid);
      state.containers.delete(rid);
    });
    return { id: rid, name: run.name, imageId: run.imageId, startedAt: c.startedAt, exited: c.exited };
  }

  /**
   * Sandboxes and containers an earlier agent left: sandboxes whose namespaces are still there
   * are taken back (their addresses stay reserved in host-local's records), running containers
   * adopted, ended ones reported with the exit their leader recorded and cleaned up. A sandbox
   * whose namespaces are gone (a reboot) is torn down.
   */
  async recover(): Promise<RecoveredSandbox[]> {
    const found: RecoveredSandbox[] = [];
    const pods = existsSync(this.cfg.podsDir) ? readdirSync(this.cfg.podsDir) : [];
    // The earlier agent's masquerade rule is this runtime's now (removed at close).
    if (pods.length && this.podCIDR) await this.ensureMasquerade();
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    for (const entry of pods) {
      const dir = path.join(this.cfg.podsDir, entry);
      const record = await readSandbox(path.join(dir, 'sandbox'));
      const bundles = readdirSync(dir).filter((n) => n !== 'sandbox').map((n) => path.join(dir, n));
      // Alive: its network namespace is still mounted (a hostNetwork pod has none: its init, if
      // it shares a PID namespace, or else its record is what is left of it).
      const alive = record && (record.hostNetwork ? !record.pidHolder || processRunning(record.pidHolder.pid, record.pidHolder.start) : mounts.includes(` ${sandboxFiles(record.dir).namespaces.net} `));
      if (!record || this.sandboxes.has(record.podUid) || !alive) {
        for (const b of bundles) await this.cleanup(b, loadRun(b)?.rootfsKind ?? 'overlay', loadRun(b)?.cgroupDir ?? '/nonexistent', () => undefined);
        if (record) await destroySandbox(this.podNetworks, record).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      const state: SandboxState = { sandbox: { id: record.id, podUid: record.podUid, ip: record.ip }, record, containers: new Set() };
      this.sandboxes.set(record.podUid, state);
      const latest = new Map<string, { run: RunRecord; bundle: string }>();
      for (const bundle of bundles) {
        const run = loadRun(bundle);
        const prev = run ? latest.get(run.name) : undefined;
        if (run && (!prev || prev.run.attempt < run.attempt)) latest.set(run.name, { run, bundle });
      }
      const containers: RecoveredContainer[] = [];
      for (const { run, bundle } of latest.values()) containers.push({ name: run.name, attempt: run.attempt, run: await this.takeBack(state, run, bundle) });
      // Bundles of earlier attempts (or half-made ones) are of no use to anyone now.
      const kept = new Set([...latest.values()].map((l) => l.bundle));
      for (const b of bundles) if (!kept.has(b)) await this.cleanup(b, loadRun(b)?.rootfsKind ?? 'overlay', loadRun(b)?.cgroupDir ?? '/nonexistent', () => undefined);
      found.push({ sandbox: state.sandbox, containers });
    }
    return found;
  }

  private async takeBack(state: SandboxState, run: RunRecord, bundle: string): Promise<RunningContainer> {
    const releaseImage = this.cfg.images.use(run.imageRef);
    const cleanup = (): Promise<void> => this.cleanup(bundle, run.rootfsKind, run.cgroupDir, releaseImage);
    if (processRunning(run.leaderPid, run.leaderStart)) {
      return this.track(state, run, OciContainer.adopt(this.params(run.runcId, bundle, run.logPath, run.cgroupDir, run.memoryLimit, cleanup), run, new Date(run.startedAt)));
    }
    let exit: ContainerExit = recordedExit(bundle);
    if (exit.signal === 9 && this.cgroups.oomKilled(run.cgroupDir, run.memoryLimit)) exit = { ...exit, reason: 'OOMKilled' };
    if (this.runc.known(run.runcId)) await this.runc.delete(run.runcId);
    await cleanup().catch(() => undefined);
    return { id: `oci://${run.runcId}`, name: run.name, imageId: run.imageId, startedAt: new Date(run.startedAt), exited: Promise.resolve(exit) };
  }

  private async image(container: Container, opts: StartOptions): Promise<PreparedImage> {
    const name = container.image ?? '';
    const policy = container.imagePullPolicy ?? (/:latest$|^[^:@]*$/.test(name.replace(/^[^/]*\//, '')) ? 'Always' : 'IfNotPresent');
    try {
      return await this.cfg.images.ensure(name, policy, await this.credentials(name, opts));
    } catch (err) {
      if (err instanceof ImagePullError) throw new ContainerStartError(err.reason, err.message);
      throw new ContainerStartError('ErrImagePull', `image ${name}: ${message(err)}`);
    }
  }

  /** The pod's pull secrets' credentials for the image; an unreadable pull secret fails the pull,
   * in the kubelet's words. */
  private async credentials(name: string, opts: StartOptions): Promise<readonly Credentials[]> {
    try {
      return (await opts.pullCredentials?.(name)) ?? [];
    } catch (err) {
      throw new ImagePullError('ErrImagePull', `Failed to pull image "${name}": ${message(err)}`);
    }
  }

  exec(containerId: string, command: readonly string[], timeoutMs: number): Promise<ExecResult> {
    const live = this.containers.get(containerId);
    if (!live) return Promise.reject(new Error(`container ${containerId} is not running`));
    return runcExec(this.runc, live.container.id, command, timeoutMs, this.execPidFile());
  }

  execStream(containerId: string, command: readonly string[], opts: ExecStreamOptions): StreamProcess {
    const live = this.containers.get(containerId);
    if (!live) throw new Error(`container ${containerId} is not running`);
    return runcExecStream(this.runc, live.container.id, command, opts, this.execPidFile());
  }

  private execPidFile(): string {
    return path.join(this.cfg.runcRoot, `exec-${randomBytes(6).toString('hex')}.pid`);
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
      await destroySandbox(this.podNetworks, state.record);
    } finally {
      await this.cgroups.removeEmpty(`/${this.cfg.cgroupParent}/${sandbox.podUid}`);
      await rm(this.podDir(sandbox.podUid), { recursive: true, force: true });
    }
  }

  /** Each container's use from its own cgroup directory (skiff's, around runc's). */
  async usage(containerIds: readonly string[]): Promise<ReadonlyMap<string, ContainerUsage>> {
    const out = new Map<string, ContainerUsage>();
    for (const id of containerIds) {
      const live = this.containers.get(id);
      const u = live ? this.cgroups.usage(live.cgroupDir) : undefined;
      if (u) out.set(id, u);
    }
    return Promise.resolve(out);
  }

  /** Stops every container and tears down every sandbox: a node agent that exits leaves no
   * containers, namespaces or CNI state behind (as the process runtime leaves no processes). */
  async close(): Promise<void> {
    await Promise.all([...this.containers.values()].map((l) => l.container.stop(0)));
    const states = [...this.sandboxes.values()];
    await Promise.all(states.map((s) => this.removeSandbox(s.sandbox).catch(() => undefined)));
    await this.cgroups.removeEmpty(`/${this.cfg.cgroupParent}`);
    if (this.masquerade && this.podCIDR) {
      this.masquerade = undefined;
      await removeMasquerade(this.podCIDR, this.cfg.clusterCidr ?? this.podCIDR);
    }
  }
}
