/**
 * Projected volumes on the node (kubelet's projected volume plugin): one directory filled from
 * several sources — Secrets and ConfigMaps (all keys or the listed items), the downward API
 * (pod fields), and service-account tokens. A token is asked of the API (TokenRequest for the
 * pod's account, bound to the pod, with the source's audience and lifetime) and asked again once
 * 80% of its lifetime has passed (at most a day, less a little jitter), as kubelet's token manager
 * does; files are replaced by rename, so a reader never sees half a token.
 */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Pod, Volume } from '../api/kinds.js';
import { EnvError, fieldValue, resourceValue, type DataLookup } from './env.js';

/** What TokenRequest answered (its status). */
export interface IssuedToken {
  readonly token: string;
  readonly expirationTimestamp: string;
}

/** Asks the API for a token of the pod's account, bound to the pod. */
export type TokenRequester = (audience: string | undefined, expirationSeconds: number) => Promise<IssuedToken>;

/** kubelet's default for a token source without expirationSeconds. */
const DEFAULT_TOKEN_SECONDS = 3600;
/** kubelet's token manager refreshes tokens older than this whatever their lifetime. */
const MAX_TOKEN_AGE_MS = 24 * 3600 * 1000;
const MAX_JITTER_MS = 10_000;
const DEFAULT_MODE = 0o644;

interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

interface Projection {
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: { path: string; mode?: number; fieldRef?: { fieldPath: string }; resourceFieldRef?: { containerName?: string; resource: string; divisor?: string } }[] };
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
}

interface ProjectedSource {
  defaultMode?: number;
  sources?: Projection[];
}

/** When to ask again for a token issued at `issuedAt` that expires at `expiresAt` (ms). */
export function refreshDelayMs(issuedAt: number, expiresAt: number, jitter = Math.random()): number {
  const ttl = Math.max(0, expiresAt - issuedAt);
  const jitterMs = jitter * Math.min(MAX_JITTER_MS, ttl * 0.05);
  return Math.max(0, Math.min(ttl * 0.8, MAX_TOKEN_AGE_MS) - jitterMs);
}

/** Replaces `file` in one step (write beside it, then rename). */
async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

function mapText(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

/**
 * The projected volumes of one pod: written once when the pod starts, tokens kept fresh until
 * {@link stop} (the pod's worker calls it when the pod is cleaned up).
 */
export class ProjectedVolumes {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly pod: Pod,
    private readonly lookup: DataLookup,
    private readonly requestToken: TokenRequester | undefined,
    private readonly onRefreshError: (err: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async write(dir: string, v: Volume): Promise<void> {
    // A downwardAPI volume is a projected volume of one downwardAPI source.
    const downward = v['downwardAPI'] as { items?: unknown[]; defaultMode?: number } | undefined;
    const projected = (v['projected'] ?? (downward ? { defaultMode: downward.defaultMode, sources: [{ downwardAPI: { items: downward.items ?? [] } }] } : {})) as ProjectedSource;
    const defaultMode = projected.defaultMode ?? DEFAULT_MODE;
    await mkdir(dir, { recursive: true });
    for (const src of projected.sources ?? []) {
      if (src.secret || src.configMap) {
        const kind = src.configMap ? 'ConfigMap' : 'Secret';
        const ref = (src.configMap ?? src.secret)!;
        const name = ref.name ?? '';
        const data = await this.lookup(kind, name);
        if (!data) {
          if (ref.optional) continue;
          throw new EnvError('ContainerCreating', `MountVolume.SetUp failed for volume "${v.name}" : ${kind.toLowerCase()} "${name}" not found`);
        }
        const files = ref.items ? ref.items.map((i) => [i.path, data[i.key] ?? '', i.mode] as const) : Object.entries(data).map(([k, val]) => [k, val, undefined] as const);
        for (const [file, content, mode] of files) await writeAtomically(path.join(dir, file), content, mode ?? defaultMode);
      } else if (src.downwardAPI) {
        for (const item of src.downwardAPI.items ?? []) {
          await writeAtomically(path.join(dir, item.path), this.downward(item), item.mode ?? defaultMode);
        }
      } else if (src.serviceAccountToken) {
        await this.writeToken(path.join(dir, src.serviceAccountToken.path), src.serviceAccountToken, defaultMode);
      }
    }
  }

  private downward(item: NonNullable<NonNullable<Projection['downwardAPI']>['items']>[number]): string {
    const fp = item.fieldRef?.fieldPath;
    if (fp === 'metadata.labels') return mapText(this.pod.metadata.labels);
    if (fp === 'metadata.annotations') return mapText(this.pod.metadata.annotations);
    if (fp !== undefined) {
      const value = fieldValue(this.pod, fp);
      if (value === undefined) throw new EnvError('ContainerCreating', `unsupported fieldRef ${fp}`);
      return value;
    }
    const rf = item.resourceFieldRef;
    if (!rf) return '';
    const container = this.pod.spec.containers.find((c) => c.name === rf.containerName) ?? this.pod.spec.containers[0];
    return resourceValue(container, rf.resource, rf.divisor);
  }

  private async writeToken(file: string, src: NonNullable<Projection['serviceAccountToken']>, mode: number): Promise<void> {
    if (!this.requestToken) throw new EnvError('ContainerCreating', `cannot request a service account token for pod ${this.pod.metadata.name ?? ''}`);
    const seconds = src.expirationSeconds ?? DEFAULT_TOKEN_SECONDS;
    const issuedAt = this.now();
    let issued: IssuedToken;
    try {
      issued = await this.requestToken(src.audience, seconds);
    } catch (err) {
      throw new EnvError('ContainerCreating', `MountVolume.SetUp failed for volume: failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
    }
    await writeAtomically(file, issued.token, mode);
    const expiresAt = Date.parse(issued.expirationTimestamp);
    this.later(refreshDelayMs(issuedAt, Number.isNaN(expiresAt) ? issuedAt + seconds * 1000 : expiresAt), () => this.writeToken(file, src, mode));
  }

  private later(ms: number, fn: () => Promise<void>): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn().catch((err: unknown) => {
        this.onRefreshError(err);
        // Kept trying while the pod lives: the old token is still good for a fifth of its life.
        this.later(Math.min(MAX_JITTER_MS, Math.max(100, ms / 4)), fn);
      });
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
