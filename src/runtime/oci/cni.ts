/**
 * The CNI protocol, spoken directly (no libcni): each plugin is a program run with
 * `CNI_COMMAND`/`CNI_CONTAINERID`/`CNI_NETNS`/`CNI_IFNAME`/`CNI_PATH` in its environment and its
 * network configuration as JSON on stdin; it answers with a result (or an error) as JSON on
 * stdout. A list of plugins is chained: ADD runs them in order, each given the previous result as
 * `prevResult`; DEL runs them in reverse. Capability arguments (`portMappings`) reach the plugins
 * that declare them under `runtimeConfig`, as libcni does.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from './command.js';
import { CniError } from './errors.js';

export const cniVersion = '1.0.0';

/** One plugin's configuration as in a `.conflist`'s `plugins` array. */
export interface PluginConf {
  readonly type: string;
  readonly capabilities?: Readonly<Record<string, boolean>>;
  readonly [key: string]: unknown;
}

export interface NetworkList {
  readonly name: string;
  readonly plugins: readonly PluginConf[];
}

/** The parts of a CNI 1.0 result the runtime reads. */
export interface CniResult {
  readonly cniVersion?: string;
  readonly interfaces?: readonly { name: string; mac?: string; sandbox?: string }[];
  readonly ips?: readonly { address: string; gateway?: string; interface?: number }[];
  readonly [key: string]: unknown;
}

/** hostPort mappings as the portmap plugin takes them. */
export interface PortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  readonly hostIP?: string;
}

export interface Attachment {
  readonly containerId: string;
  /** Path of the network namespace file (empty on a DEL whose namespace is already gone). */
  readonly netns: string;
  readonly ifName: string;
  readonly capabilityArgs?: { readonly portMappings?: readonly PortMapping[] };
}

/** Runs one plugin of a network list with one command. */
async function invoke(pluginDirs: readonly string[], network: string, plugin: PluginConf, command: 'ADD' | 'DEL' | 'CHECK', at: Attachment, prevResult: CniResult | undefined): Promise<CniResult | undefined> {
  const conf: Record<string, unknown> = { cniVersion, name: network, ...plugin };
  if (prevResult) conf['prevResult'] = prevResult;
  const runtimeConfig: Record<string, unknown> = {};
  for (const [cap, wanted] of Object.entries(plugin.capabilities ?? {})) {
    const arg = (at.capabilityArgs as Record<string, unknown> | undefined)?.[cap];
    if (wanted && arg !== undefined) runtimeConfig[cap] = arg;
  }
  if (Object.keys(runtimeConfig).length) conf['runtimeConfig'] = runtimeConfig;
  const binary = pluginBinary(pluginDirs, plugin.type);
  const env = {
    // Plugins run iptables and friends: they need a PATH with the sbin directories.
    PATH: `${process.env['PATH'] ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`,
    CNI_COMMAND: command,
    CNI_CONTAINERID: at.containerId,
    CNI_NETNS: at.netns,
    CNI_IFNAME: at.ifName,
    CNI_PATH: pluginDirs.join(':'),
  };
  const r = await runCommand(binary, [], { input: JSON.stringify(conf), env, timeoutMs: 60_000 });
  if (r.code !== 0) {
    let parsed: { code?: number; msg?: string; details?: string } = {};
    try {
      parsed = JSON.parse(r.stdout) as typeof parsed;
    } catch {
      // not a CNI error object: fall back to what it printed
    }
    const msg = parsed.msg ? `${parsed.msg}${parsed.details ? ` (${parsed.details})` : ''}` : (r.stderr || r.stdout).trim() || `exited with ${r.code ?? 'a signal'}`;
    throw new CniError(plugin.type, parsed.code ?? 999, `${command} ${msg}`);
  }
  if (command !== 'ADD') return undefined;
  try {
    return JSON.parse(r.stdout) as CniResult;
  } catch {
    throw new CniError(plugin.type, 999, `ADD returned no JSON result: ${r.stdout.slice(0, 200)}`);
  }
}

function pluginBinary(dirs: readonly string[], type: string): string {
  // A type is a plain program name: never a path that could leave the plugin directories.
  if (!/^[A-Za-z0-9_.-]+$/.test(type)) throw new CniError(type, 999, 'invalid plugin type');
  const candidates = dirs.map((d) => path.join(d, type));
  return candidates.find((c) => existsSync(c)) ?? candidates[0] ?? type;
}

/** A network list run by the CNI protocol from plugins in `pluginDirs`. */
export class CniNetwork {
  constructor(readonly list: NetworkList, private readonly pluginDirs: readonly string[]) {}

  /** ADD through every plugin; on a failure part way, the plugins already run are undone. */
  async add(at: Attachment): Promise<CniResult> {
    let result: CniResult | undefined;
    const done: PluginConf[] = [];
    try {
      for (const plugin of this.list.plugins) {
        done.push(plugin);
        result = (await invoke(this.pluginDirs, this.list.name, plugin, 'ADD', at, result)) ?? result;
      }
    } catch (err) {
      await this.delPlugins(done, at, result).catch(() => undefined);
      throw err;
    }
    return result ?? {};
  }

  /** DEL through every plugin in reverse; every plugin is tried, the first error is thrown. */
  del(at: Attachment, prevResult?: CniResult): Promise<void> {
    return this.delPlugins(this.list.plugins, at, prevResult);
  }

  async check(at: Attachment, prevResult: CniResult): Promise<void> {
    for (const plugin of this.list.plugins) await invoke(this.pluginDirs, this.list.name, plugin, 'CHECK', at, prevResult);
  }

  private async delPlugins(plugins: readonly PluginConf[], at: Attachment, prevResult: CniResult | undefined): Promise<void> {
    let first: unknown;
    for (const plugin of [...plugins].reverse()) {
      try {
        await invoke(this.pluginDirs, this.list.name, plugin, 'DEL', at, prevResult);
      } catch (err) {
        first ??= err;
      }
    }
    if (first) throw first;
  }
}

/** The pod's first IPv4 address in a result (`10.88.3.2/24` → `10.88.3.2`). */
export function resultAddress(result: CniResult): string | undefined {
  const ip = result.ips?.find((i) => !i.address.includes(':')) ?? result.ips?.[0];
  return ip?.address.split('/')[0];
}
