/**
 * The cgroup side runc does not cover: telling an OOM kill from any other SIGKILL after the
 * container is gone. runc deletes a container's cgroup as it ends, and with it the counters that
 * would say so, so each container gets a directory of skiff's own (`<parent>/<pod>/<name>-<n>`)
 * with runc's cgroup (`…/c`, where runc sets the limits) inside it; skiff's directory outlives
 * the container and keeps the evidence:
 *
 * - cgroup v2: the kernel counts `oom_kill` up the tree in `memory.events`.
 * - cgroup v1: `oom_kill` is counted only on the victim's own cgroup (the leaf, gone), but the
 *   parent's `memory.max_usage_in_bytes` is hierarchical: a peak at the leaf's limit, with a
 *   death by SIGKILL nobody here sent, is the OOM killer's work.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';

export type CgroupVersion = 1 | 2;

export class Cgroups {
  readonly version: CgroupVersion;

  constructor(private readonly root = '/sys/fs/cgroup') {
    this.version = existsSync(path.join(root, 'cgroup.controllers')) ? 2 : 1;
  }

  /** Whether a memory limit can also bound swap (v1 with swap accounting): Kubernetes gives
   * containers no swap beyond their limit. */
  get swapAccounting(): boolean {
    return this.version === 1 && existsSync(path.join(this.root, 'memory', 'memory.memsw.limit_in_bytes'));
  }

  /** The cgroupsPath to give runc for a container whose own directory is `dir`. */
  leaf(dir: string): string {
    return `${dir}/c`;
  }

  /** Makes the container's directory in the memory hierarchy (runc makes the rest). */
  async prepare(dir: string): Promise<void> {
    await mkdir(this.version === 2 ? path.join(this.root, dir) : path.join(this.root, 'memory', dir), { recursive: true });
  }

  /** Whether the container in `dir` ran into its memory limit and was killed for it. Call once
   * it has ended with SIGKILL, before `remove`. */
  oomKilled(dir: string, memoryLimit: number | undefined): boolean {
    if (this.version === 2) {
      const events = read(path.join(this.root, dir, 'memory.events'));
      return Number(/^oom_kill (\d+)$/m.exec(events)?.[1] ?? 0) > 0;
    }
    if (memoryLimit === undefined) return false;
    const mem = path.join(this.root, 'memory', dir);
    const failcnt = Number(read(path.join(mem, 'memory.failcnt')) || 0);
    const maxUsage = Number(read(path.join(mem, 'memory.max_usage_in_bytes')) || 0);
    // The usage peak is rounded to pages and can sit a little under the limit.
    return failcnt > 0 || maxUsage >= memoryLimit - 64 * 1024;
  }

  /** CPU time and working set of the container in `dir`, as cAdvisor reads them: usage minus
   * inactive file pages (page cache the kernel may drop at once). Undefined when unreadable. */
  usage(dir: string): { cpuNanos: number; memoryWorkingSetBytes: number } | undefined {
    if (this.version === 2) {
      const base = path.join(this.root, dir);
      const usec = /^usage_usec (\d+)$/m.exec(read(path.join(base, 'cpu.stat')))?.[1];
      const current = read(path.join(base, 'memory.current'));
      if (usec === undefined || current === '') return undefined;
      const inactive = Number(/^inactive_file (\d+)$/m.exec(read(path.join(base, 'memory.stat')))?.[1] ?? 0);
      return { cpuNanos: Number(usec) * 1000, memoryWorkingSetBytes: Math.max(0, Number(current) - inactive) };
    }
    // v1: only runc's leaf exists in the cpu hierarchy.
    const leaf = this.leaf(dir);
    const cpu = read(path.join(this.root, 'cpuacct', leaf, 'cpuacct.usage')) || read(path.join(this.root, 'cpu,cpuacct', leaf, 'cpuacct.usage'));
    const mem = path.join(this.root, 'memory', dir);
    const usage = read(path.join(mem, 'memory.usage_in_bytes'));
    if (cpu === '' || usage === '') return undefined;
    const inactive = Number(/^total_inactive_file (\d+)$/m.exec(read(path.join(mem, 'memory.stat')))?.[1] ?? 0);
    return { cpuNanos: Number(cpu), memoryWorkingSetBytes: Math.max(0, Number(usage) - inactive) };
  }

  /** Removes `dir` (deepest first) in every hierarchy; what is gone or busy is left alone. */
  async remove(dir: string): Promise<void> {
    for (const base of this.hierarchies()) {
      for (const sub of [this.leaf(dir), dir]) {
        try {
          await rmdir(path.join(base, sub));
        } catch {
          // not there, or still in use
        }
      }
    }
  }

  /** Removes an emptied parent directory (a pod's) in every hierarchy. */
  async removeEmpty(dir: string): Promise<void> {
    for (const base of this.hierarchies()) {
      try {
        await rmdir(path.join(base, dir));
      } catch {
        // not there, or still holding containers
      }
    }
  }

  private hierarchies(): string[] {
    if (this.version === 2) return [this.root];
    try {
      return readdirSync(this.root).map((n) => path.join(this.root, n)).filter((p) => {
        try {
          return statSync(p).isDirectory() && existsSync(path.join(p, 'cgroup.procs'));
        } catch {
          return false;
        }
      });
    } catch {
      return [];
    }
  }
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
