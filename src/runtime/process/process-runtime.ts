/**
 * The `process` runtime (DESIGN.md, Runtimes): containers are host processes, images are names in
 * the image catalog, and each pod gets its own loopback address from the node's pod range in
 * 127.0.0.0/8, so many pods on one machine can all listen on :80 without network namespaces.
 * Limits that follow: a program that binds 0.0.0.0 (or 127.0.0.1) collides with every other pod
 * doing the same, `localhost` is the host's, there are no resource limits, and mounts need a
 * private mount namespace (see isolation.ts).
 */
import { execStreamIn } from './exec-stream.js';
import type { ExecStreamOptions, StreamProcess } from '../runtime.js';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container, Pod } from '../../api/kinds.js';
import { ContainerStartError, type ContainerUsage, type ExecResult, type Mount, type RecoveredSandbox, type RunningContainer, type Runtime, type Sandbox, type StartOptions } from '../runtime.js';
import { busyboxAppletDir } from './busybox-applets.js';
import { ImageCatalog, type ResolvedImage } from './catalog.js';
import { execIn } from './exec.js';
import { imageGenerators } from './generators.js';
import { defaultPath, findProgram } from './host-programs.js';
import { enterPrefix, mountsToMake, probeIsolation, wrap } from './isolation.js';
import { killGroup, ProcessGroup, recordedExit, recordingExit } from './process-group.js';
import { processRunning, processState } from '../../util/process.js';
import { containerFiles, loadSandboxes, saveRun, saveSandbox, type RunRecord } from './container-state.js';
import { containerIdentity, runAsPrefix, type RunAs } from './run-as.js';
import { pullSecretsIgnored } from './pull-secrets.js';
import { applyFsGroup, processGroupUsage, podHostname, hostAliasesBlock, hostNetworkHosts, hostResolvConf, podResolvConf, type ClusterDnsSettings } from '../shared/index.js';

export interface ProcessRuntimeOptions {
  /** The node's pod addresses: a /24 prefix in 127.0.0.0/8 such as `127.13.5.` (hosts .2–.254). */
  readonly podAddressPrefix: string;
  /** Where containers' private directories (generated configs, default working dirs) live. */
  readonly dataDir: string;
  readonly imageCatalog?: ImageCatalog;
  /** Told once per kind of degraded behaviour (mounts skipped). Default: process.emitWarning. */
  readonly warn?: (message: string) => void;
  /** kubelet's `--cluster-dns`/`--cluster-domain`: pods' resolv.conf by dnsPolicy (shared/resolv.ts). */
  readonly clusterDns?: ClusterDnsSettings;
}

interface Live {
  readonly group: ProcessGroup;
  readonly podUid: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly mountNamespace: boolean;
  readonly stopSignal: NodeJS.Signals | undefined;
  readonly runAs: RunAs | undefined;
}

interface SandboxState {
  readonly sandbox: Sandbox;
  readonly containers: Set<string>;
}

/**
 * A process container has no root filesystem of its own: it sees the host's, which skiff cannot
 * make read-only for it alone. Refusing would make every hardened manifest unrunnable here, so
 * the container starts and the pod gets a Warning event saying it is not read-only.
 */
function readOnlyRootWarning(container: Container): { reason: string; message: string } {
  return {
    reason: 'ReadOnlyRootFilesystemIgnored',
    message: `container ${container.name} asks for readOnlyRootFilesystem, but the process runtime runs it on the host's file system, which is not made read-only for it`,
  };
}

export class ProcessRuntime implements Runtime {
  readonly name = 'process';
  readonly version = '0.1.0';
  private readonly catalog: ImageCatalog;
  private readonly sandboxes = new Map<string, SandboxState>();
  private readonly containers = new Map<string, Live>();
  private readonly freeHosts: number[] = [];
  private readonly warned = new Set<string>();
  /** Sandboxes whose pod was told its imagePullSecrets are not used here. */
  private readonly pullSecretsWarned = new WeakSet<SandboxState>();
  private nextSandbox = 1;

  constructor(private readonly opts: ProcessRuntimeOptions) {
    if (!/^127\.\d{1,3}\.\d{1,3}\.$/.test(opts.podAddressPrefix)) throw new Error(`process runtime: pod address prefix must look like 127.x.y. (got ${opts.podAddressPrefix})`);
    this.catalog = opts.imageCatalog ?? ImageCatalog.load();
    for (let h = 254; h >= 2; h--) this.freeHosts.push(h);
  }

  runSandbox(pod: Pod): Promise<Sandbox> {
    const uid = pod.metadata.uid ?? '';
    const existing = this.sandboxes.get(uid);
    if (existing) return Promise.resolve(existing.sandbox);
    const host = this.freeHosts.pop();
    if (host === undefined) return Promise.reject(new ContainerStartError('CreatePodSandboxError', `no free pod address in ${this.opts.podAddressPrefix}0/24`));
    const sandbox = { id: `process-sandbox-${this.nextSandbox++}`, podUid: uid, ip: `${this.opts.podAddressPrefix}${host}` };
    this.sandboxes.set(uid, { sandbox, containers: new Set() });
    try {
      saveSandbox(this.podDir(uid), sandbox);
    } catch (err) {
      this.sandboxes.delete(uid);
      this.freeHosts.push(host);
      return Promise.reject(new ContainerStartError('CreatePodSandboxError', `recording the sandbox: ${err instanceof Error ? err.message : String(err)}`));
    }
    return Promise.resolve(sandbox);
  }

  async startContainer(sandbox: Sandbox, pod: Pod, container: Container, attempt: number, opts: StartOptions): Promise<RunningContainer> {
    const state = this.sandboxes.get(sandbox.podUid);
    if (state?.sandbox !== sandbox) throw new ContainerStartError('CreateContainerError', `sandbox ${sandbox.id} of pod ${pod.metadata.name ?? ''} is gone`);
    const image = container.image ?? '';
    const resolved = this.catalog.resolve(image);
    // Before anything is made: a refused identity (runAsNonRoot) is a configuration error.
    const runAs = containerIdentity(pod, container);
    const setpriv = runAsPrefix(runAs);
    const dir = path.join(this.podDir(sandbox.podUid), container.name);
    // Owner-only (it holds the run record, with the environment): a container running as
    // another user does not get into it, so its default working directory is / then.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const argv = await this.commandLine(resolved, image, container, sandbox, dir, opts);
    await applyFsGroup(pod, container, opts.mounts);

    const env: Record<string, string> = { ...opts.env };
    env['PATH'] ??= defaultPath;
    if (resolved?.entry.busyboxApplets) {
      const applets = busyboxAppletDir(this.opts.dataDir);
      if (applets) env['PATH'] = `${env['PATH']}:${applets}`;
    }
    env['HOSTNAME'] = podHostname(pod);

    const iso = probeIsolation();
    const volumeMounts = [...mountsToMake(opts.mounts), ...(await this.hostsMount(pod, dir, iso.mounts !== 'none')), ...(await this.resolvMount(pod, dir, iso.mounts !== 'none'))];
    // The termination-message file where mounts are made anyway (as root, or with volumes): it is
    // never the reason to run a container in a user namespace.
    const tm = opts.terminationMessage;
    const optional = tm && (iso.mounts === 'root' || (volumeMounts.length > 0 && iso.mounts !== 'none')) ? [{ ...tm, readOnly: false }] : [];
    const mounts = [...volumeMounts, ...optional];
    const canMount = mounts.length > 0 && iso.mounts !== 'none';
    const wrapped = canMount;
    if (mounts.length > 0 && iso.mounts === 'none') this.warnOnce('mounts', `process runtime: no private mount namespace on this host (unshare failed); volumes are not mounted at their containerPath (first: ${mounts[0]!.containerPath} in pod ${pod.metadata.name ?? ''})`);
    const wd = container.workingDir;
    const hostDir = (p: string | undefined): boolean => p !== undefined && existsSync(p) && statSync(p).isDirectory();
    // A workingDir inside a volume is the volume only once mounted: the wrapper enters it then.
    const wdInMount = canMount && wd !== undefined && mounts.some((m) => wd === m.containerPath || wd.startsWith(`${m.containerPath.replace(/\/$/, '')}/`));
    const cwd = !wdInMount && hostDir(wd) ? wd! : runAs ? '/' : dir;

    const [program, ...args] = argv;
    const found = program !== undefined ? findProgram(program, env['PATH'], cwd) ?? (canMount && program.includes('/') ? program : undefined) : undefined;
    if (!found) throw new ContainerStartError('RunContainerError', `exec: "${program ?? ''}": executable file not found in $PATH (${env['PATH']}) for image ${image}`);
    const files = containerFiles(dir);
    await rm(files.exitPath, { force: true });
    let group: ProcessGroup;
    try {
      const argv = wrap(iso, recordingExit(files.exitPath, [...setpriv, found, ...args]), canMount ? mounts : [], wdInMount ? wd : undefined, path.join(dir, 'mounts'), podHostname(pod));
      group = await ProcessGroup.start({ argv, env, cwd, logPath: opts.logPath, pipeDir: path.join(this.opts.dataDir, 'fifos'), stdoutPath: files.stdoutPath, stderrPath: files.stderrPath, ...(runAs ? { owner: runAs } : {}) });
    } catch (err) {
      throw new ContainerStartError('RunContainerError', `starting ${found}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const run: RunRecord = {
      id: `process://${randomBytes(8).toString('hex')}`,
      name: container.name,
      pid: group.pid,
      pidStart: processState(group.pid)?.startTicks ?? '',
      imageId: `process://${resolved?.key ?? found}`,
      startedAt: new Date().toISOString(),
      attempt,
      logPath: opts.logPath,
      env,
      cwd: wdInMount ? wd! : cwd,
      mountNamespace: wrapped,
      ...(resolved?.entry.stopSignal ? { stopSignal: resolved.entry.stopSignal } : {}),
      ...(runAs ? { runAs } : {}),
    };
    try {
      saveRun(dir, run);
    } catch (err) {
      await group.stop(0);
      throw new ContainerStartError('RunContainerError', `recording the container: ${err instanceof Error ? err.message : String(err)}`);
    }
    const running = this.track(state, run, group);
    const warnings = container.securityContext?.['readOnlyRootFilesystem'] === true ? [readOnlyRootWarning(container)] : [];
    // Once per sandbox, not per container start.
    const ignored = this.pullSecretsWarned.has(state) ? undefined : pullSecretsIgnored(pod);
    if (ignored) {
      this.pullSecretsWarned.add(state);
      warnings.push(ignored);
    }
    return warnings.length ? { ...running, warnings } : running;
  }

  /** hostAliases: the host's /etc/hosts with the aliases, over /etc/hosts in the container's
   * own mount namespace (none without one: the table says the aliases then need one). */
  private async hostsMount(pod: Pod, dir: string, canMount: boolean): Promise<Mount[]> {
    if (!canMount || !hostAliasesBlock(pod)) return [];
    const file = path.join(dir, 'hosts');
    await writeFile(file, hostNetworkHosts(pod), { mode: 0o644 });
    return [{ hostPath: file, containerPath: '/etc/hosts', readOnly: true }];
  }

  /** The pod's resolv.conf by its dnsPolicy over /etc/resolv.conf in the container's own mount
   * namespace, when it differs from the host's (without a mount namespace the host's stays: the
   * pod then resolves no cluster names). */
  private async resolvMount(pod: Pod, dir: string, canMount: boolean): Promise<Mount[]> {
    if (!canMount) return [];
    const host = hostResolvConf(false);
    const text = podResolvConf(pod, host, this.opts.clusterDns);
    if (text === host) return [];
    const file = path.join(dir, 'resolv.conf');
    await writeFile(file, text, { mode: 0o644 });
    return [{ hostPath: file, containerPath: '/etc/resolv.conf', readOnly: true }];
  }

  /** Registers a live (started or adopted) container and forgets it when it ends. */
  private track(state: SandboxState, run: RunRecord, group: ProcessGroup): RunningContainer {
    const { id } = run;
    this.containers.set(id, { group, podUid: state.sandbox.podUid, env: run.env, cwd: run.cwd, mountNamespace: run.mountNamespace, stopSignal: run.stopSignal, runAs: run.runAs });
    state.containers.add(id);
    void group.exited.then(() => {
      this.containers.delete(id);
      state.containers.delete(id);
    });
    return { id, name: run.name, imageId: run.imageId, startedAt: new Date(run.startedAt), exited: group.exited };
  }

  /**
   * Sandboxes and containers an earlier agent left in the data dir: addresses are taken back,
   * live containers adopted (output read on, their end noticed), and ended ones reported with
   * the exit code their leader recorded.
   */
  recover(): Promise<RecoveredSandbox[]> {
    const found: RecoveredSandbox[] = [];
    for (const { sandbox, runs } of loadSandboxes(path.join(this.opts.dataDir, 'containers'))) {
      const host = Number(sandbox.ip.slice(this.opts.podAddressPrefix.length));
      const free = this.freeHosts.indexOf(host);
      // A sandbox from a different pod range (the node's range changed) cannot be kept: what
      // still runs in it goes.
      if (!sandbox.ip.startsWith(this.opts.podAddressPrefix) || free < 0 || this.sandboxes.has(sandbox.podUid)) {
        for (const run of runs) if (processRunning(run.pid, run.pidStart)) killGroup(run.pid, 'SIGKILL');
        rmSync(this.podDir(sandbox.podUid), { recursive: true, force: true });
        continue;
      }
      this.freeHosts.splice(free, 1);
      const state: SandboxState = { sandbox, containers: new Set() };
      this.sandboxes.set(sandbox.podUid, state);
      this.nextSandbox = Math.max(this.nextSandbox, Number(/(\d+)$/.exec(sandbox.id)?.[1] ?? 0) + 1);
      const containers = runs.map((run) => {
        const files = containerFiles(path.join(this.podDir(sandbox.podUid), run.name));
        const running: RunningContainer = processRunning(run.pid, run.pidStart)
          ? this.track(state, run, ProcessGroup.adopt({ pid: run.pid, logPath: run.logPath, ...files }))
          : { id: run.id, name: run.name, imageId: run.imageId, startedAt: new Date(run.startedAt), exited: Promise.resolve(recordedExit(files.exitPath)) };
        return { name: run.name, attempt: run.attempt, run: running };
      });
      found.push({ sandbox, containers });
    }
    return Promise.resolve(found);
  }

  /** Kubernetes' rule: `command` replaces the image's entrypoint (and its cmd), `args` its cmd. */
  private async commandLine(resolved: ResolvedImage | undefined, image: string, container: Container, sandbox: Sandbox, dir: string, opts: StartOptions): Promise<string[]> {
    if (opts.command?.length) return [...opts.command, ...(opts.args ?? [])];
    if (!resolved) {
      throw new ContainerStartError('ErrImagePull', `image "${image}" has no program on this host: the process runtime runs images through its image catalog; add an entry for it to the image catalog (--image-catalog FILE) or give the container a command`);
    }
    const { entry } = resolved;
    let cmd = entry.cmd ?? [];
    if (entry.generator) {
      const declared = (container.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort);
      const ports = [...new Set([...(entry.ports ?? []), ...declared])];
      cmd = await imageGenerators[entry.generator]({ dir, ip: sandbox.ip, ports: ports.length ? ports : [80] });
    }
    const argv = [...(entry.entrypoint ?? []), ...(opts.args ?? cmd)];
    if (!argv.length) throw new ContainerStartError('CreateContainerError', `image "${image}" has no command in the image catalog and the container gives none`);
    return argv;
  }

  exec(containerId: string, command: readonly string[], timeoutMs: number): Promise<ExecResult> {
    const live = this.containers.get(containerId);
    if (!live) return Promise.reject(new Error(`container ${containerId} is not running`));
    // In a mount namespace the working dir may be a volume: nsenter enters it there.
    // …and the command runs as the container's user, as kubectl exec does.
    const prefix = [...(live.mountNamespace ? enterPrefix(probeIsolation(), live.group.pid) : []), ...runAsPrefix(live.runAs)];
    return execIn({ command, env: live.env, cwd: live.mountNamespace || !existsSync(live.cwd) ? '/' : live.cwd, prefix, timeoutMs });
  }

  execStream(containerId: string, command: readonly string[], opts: ExecStreamOptions): StreamProcess {
    const live = this.containers.get(containerId);
    if (!live) throw new Error(`container ${containerId} is not running`);
    const prefix = [...(live.mountNamespace ? enterPrefix(probeIsolation(), live.group.pid) : []), ...runAsPrefix(live.runAs)];
    return execStreamIn({ command, env: live.env, cwd: live.mountNamespace || !existsSync(live.cwd) ? '/' : live.cwd, prefix }, opts);
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    const live = this.containers.get(id);
    await live?.group.stop(graceSeconds, live.stopSignal);
  }

  async removeSandbox(sandbox: Sandbox): Promise<void> {
    const state = this.sandboxes.get(sandbox.podUid);
    if (state?.sandbox !== sandbox) return;
    this.sandboxes.delete(sandbox.podUid);
    await Promise.all([...state.containers].map((id) => this.containers.get(id)?.group.stop(0)));
    this.freeHosts.push(Number(sandbox.ip.slice(this.opts.podAddressPrefix.length)));
    await rm(this.podDir(sandbox.podUid), { recursive: true, force: true });
  }

  private podDir(uid: string): string {
    return path.join(this.opts.dataDir, 'containers', uid);
  }

  /** Containers are process groups without a cgroup of their own: their use is the group's in
   * /proc (shared/procstat.ts). */
  async usage(containerIds: readonly string[]): Promise<ReadonlyMap<string, ContainerUsage>> {
    const groups = processGroupUsage();
    const out = new Map<string, ContainerUsage>();
    for (const id of containerIds) {
      const pid = this.containers.get(id)?.group.pid;
      const g = pid === undefined ? undefined : groups.get(pid);
      if (g) out.set(id, { cpuNanos: g.cpuNanos, memoryWorkingSetBytes: g.rssBytes });
    }
    return Promise.resolve(out);
  }

  async close(): Promise<void> {
    const groups = [...this.containers.values()].map((c) => c.group);
    for (const g of groups) g.kill();
    await Promise.all(groups.map((g) => g.exited));
    this.sandboxes.clear();
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    (this.opts.warn ?? ((m: string) => process.emitWarning(m)))(message);
  }
}
