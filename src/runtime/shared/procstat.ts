/**
 * Resource use of process groups read from /proc, for runtimes whose containers have no cgroup of
 * their own (the process runtime): one pass over /proc/PID/stat sums each group's CPU time —
 * its live members' own and their reaped children's, so a counter that only grows while the
 * group lives — and resident memory (stat's rss pages; /proc/PID/status says the same in kB).
 *
 * One scan is shared by every caller within a second: `skiff up --nodes N` runs N runtimes in
 * one process, and each sampling them separately would read /proc N times for one answer.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of utime/stime in /proc/PID/stat on every architecture skiff runs. */
const ticksPerSecond = 100;
const pageBytes = 4096;

export interface GroupUsage {
  /** Cumulative CPU time, nanoseconds. */
  readonly cpuNanos: number;
  /** Resident memory of the group's processes, bytes. */
  readonly rssBytes: number;
}

let cached: { at: number; groups: Map<number, GroupUsage> } | undefined;

function scan(): Map<number, GroupUsage> {
  const groups = new Map<number, { cpuTicks: number; rssPages: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return new Map();
  }
  for (const e of entries) {
    if (e.charCodeAt(0) < 48 || e.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, 'latin1');
    } catch {
      continue; // ended between readdir and read
    }
    // Fields after the command (which may hold spaces and parentheses): state is index 0.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(f[2]);
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    const rss = Number(f[21]);
    const g = groups.get(pgrp) ?? { cpuTicks: 0, rssPages: 0 };
    g.cpuTicks += Number.isFinite(ticks) ? ticks : 0;
    g.rssPages += Number.isFinite(rss) && rss > 0 ? rss : 0;
    groups.set(pgrp, g);
  }
  const out = new Map<number, GroupUsage>();
  for (const [pgrp, g] of groups) out.set(pgrp, { cpuNanos: (g.cpuTicks * 1e9) / ticksPerSecond, rssBytes: g.rssPages * pageBytes });
  return out;
}

/** The use of each process group, by group id (a recent scan's, at most a second old). */
export function processGroupUsage(now = Date.now()): ReadonlyMap<number, GroupUsage> {
  if (!cached || now - cached.at >= 1000 || now < cached.at) cached = { at: now, groups: scan() };
  return cached.groups;
}

/** The whole machine: cumulative busy CPU time from /proc/stat and the working set from
 * /proc/meminfo (total minus available, as `free` counts used memory). */
export function hostUsage(): { cpuNanos: number; memoryWorkingSetBytes: number; memoryAvailableBytes: number } | undefined {
  try {
    const cpu = /^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'latin1'))?.[1]?.trim().split(/\s+/).map(Number) ?? [];
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    const busy = cpu.slice(0, 8).reduce((a, v, i) => (i === 3 || i === 4 ? a : a + (Number.isFinite(v) ? v : 0)), 0);
    const meminfo = readFileSync('/proc/meminfo', 'latin1');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
    const total = kb('MemTotal');
    const available = kb('MemAvailable');
    return { cpuNanos: (busy * 1e9) / ticksPerSecond, memoryWorkingSetBytes: Math.max(0, total - available), memoryAvailableBytes: available };
  } catch {
    return undefined;
  }
}
