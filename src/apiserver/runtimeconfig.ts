/**
 * `--runtime-config`: which group/versions and single resources are served, Kubernetes-style:
 * `extensions/v1beta1/daemonsets=true`, `extensions/v1beta1=false`, `api/all=true`, `v1=true`.
 * A key without a value means `true`.
 */
import { servedVersions, type ServedVersion } from '../api/resources.js';
import { apiVersionOf } from '../api/types.js';

export interface RuntimeConfig {
  /** All served versions this server answers, in discovery order. */
  readonly enabled: readonly ServedVersion[];
  find(group: string, version: string, plural: string): ServedVersion | undefined;
  /** Enabled group/versions, in discovery order (core first). */
  readonly groupVersions: readonly { group: string; version: string }[];
}

export class RuntimeConfigError extends Error {
  override name = 'RuntimeConfigError';
}

function parseFlag(text: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().replace(/^\/+|\/+$/g, '');
    const value = eq < 0 ? 'true' : item.slice(eq + 1).trim().toLowerCase();
    if (value !== 'true' && value !== 'false') {
      throw new RuntimeConfigError(`invalid value of ${key}: ${value}, err: expected true or false`);
    }
    out.set(key === 'v1' || key === 'api/v1' ? 'v1' : key, value === 'true');
  }
  return out;
}

export function compileRuntimeConfig(flag: string | undefined): RuntimeConfig {
  const settings = parseFlag(flag ?? '');
  const known = new Set<string>(['api/all', 'api/legacy', 'api/beta', 'api/ga']);
  for (const s of servedVersions) {
    const gv = apiVersionOf(s.group, s.version);
    known.add(gv);
    known.add(`${gv}/${s.resource.plural}`);
  }
  for (const k of settings.keys()) {
    if (!known.has(k)) throw new RuntimeConfigError(`unknown api groups or resources in --runtime-config: ${k}`);
  }
  const all = settings.get('api/all');
  const enabled = servedVersions.filter((s) => {
    const gv = apiVersionOf(s.group, s.version);
    const perResource = settings.get(`${gv}/${s.resource.plural}`);
    if (perResource !== undefined) return perResource;
    const perGroupVersion = settings.get(gv);
    if (perGroupVersion === false) return false;
    if (perGroupVersion === true) return s.enabledByDefault;
    if (all !== undefined) return all;
    return s.enabledByDefault;
  });
  const index = new Map<string, ServedVersion>();
  const groupVersions: { group: string; version: string }[] = [];
  for (const s of enabled) {
    index.set(`${s.group}/${s.version}/${s.resource.plural}`, s);
    if (!groupVersions.some((g) => g.group === s.group && g.version === s.version)) {
      groupVersions.push({ group: s.group, version: s.version });
    }
  }
  return {
    enabled,
    groupVersions,
    find: (group, version, plural) => index.get(`${group}/${version}/${plural}`),
  };
}
