/**
 * A client for the OCI distribution API: manifests and blobs by repository, over HTTPS (plain
 * HTTP for loopback registries and those configured insecure, as Docker treats 127.0.0.0/8), with
 * the auth challenge answered on the first 401 and the answer reused for the repository after.
 * Manifests are checked against their digest here; blobs are checked by the content store as they
 * stream in.
 */
import { Readable } from 'node:stream';
import { TokenCache, parseChallenges, type Credentials } from './auth.js';
import { AuthError, DigestMismatchError, ManifestUnknownError, RegistryError } from './errors.js';
import { manifestAccept } from './manifest.js';
import { dockerHubEndpoint, type ImageReference } from './reference.js';
import { sha256 } from './content.js';

export interface RegistryOptions {
  /** Credentials for a registry host (`docker.io`, `127.0.0.1:5000`). */
  readonly credentials?: (host: string) => Credentials | undefined;
  /** Hosts spoken to over plain HTTP besides loopback ones. */
  readonly insecureHosts?: readonly string[];
  /** Until response headers arrive, per request. */
  readonly timeoutMs?: number;
  /** Told of every HTTP request made (tests and metrics count them). */
  readonly onRequest?: (method: string, url: string) => void;
}

export interface FetchedManifest {
  readonly body: Buffer;
  readonly mediaType: string;
  readonly digest: string;
}

const maxManifestBytes = 4 * 1024 * 1024;

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export class RegistryClient {
  readonly #tokens: TokenCache;
  /** The Authorization header that last worked for `host/repository`. */
  readonly #auth = new Map<string, string>();
  readonly #timeoutMs: number;

  constructor(readonly opts: RegistryOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#tokens = new TokenCache(this.#timeoutMs);
  }

  baseUrl(domain: string): string {
    const host = domain === 'docker.io' ? dockerHubEndpoint : domain;
    const plain = isLoopback(domain) || (this.opts.insecureHosts ?? []).includes(domain);
    return `${plain ? 'http' : 'https'}://${host}`;
  }

  /** The manifest or index `reference` (a tag or digest) names, its digest verified. */
  async manifest(ref: ImageReference, reference: string): Promise<FetchedManifest> {
    const res = await this.#get(ref, `manifests/${reference}`, manifestAccept, 'manifest');
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > maxManifestBytes) throw new RegistryError(`${ref.repository}: manifest of ${length} bytes is too large`);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > maxManifestBytes) throw new RegistryError(`${ref.repository}: manifest is too large`);
    const digest = sha256(body);
    const pinned = reference.includes(':') ? reference : undefined;
    if (pinned && pinned.startsWith('sha256:') && pinned !== digest) throw new DigestMismatchError(pinned, digest, `manifest ${ref.repository}@${pinned}`);
    const claimed = res.headers.get('docker-content-digest');
    if (!pinned && claimed?.startsWith('sha256:') && claimed !== digest) throw new DigestMismatchError(claimed, digest, `manifest ${ref.repository}:${reference}`);
    return { body, digest, mediaType: res.headers.get('content-type')?.split(';')[0]?.trim() ?? '' };
  }

  /** The blob's bytes as they arrive (unverified: the caller hashes them). */
  async blob(ref: ImageReference, digest: string): Promise<Readable> {
    const res = await this.#get(ref, `blobs/${digest}`, '*/*', 'blob');
    if (!res.body) throw new RegistryError(`${ref.repository}: blob ${digest} has no body`);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  }

  async #get(ref: ImageReference, tail: string, accept: string, what: 'manifest' | 'blob'): Promise<Response> {
    const url = `${this.baseUrl(ref.domain)}/v2/${ref.path}/${tail}`;
    const key = `${ref.domain}/${ref.path}`;
    let res = await this.#fetch(url, accept, this.#auth.get(key));
    if (res.status === 401) {
      await res.body?.cancel();
      const challenges = parseChallenges(res.headers.get('www-authenticate') ?? '');
      const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
      if (!challenge) throw new AuthError(`${ref.domain}: unauthorized, and no auth challenge to answer`, 401);
      const header = await this.#tokens.authorize(challenge, `repository:${ref.path}:pull`, this.opts.credentials?.(ref.domain));
      res = await this.#fetch(url, accept, header);
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new AuthError(`${ref.repository}: access denied by ${ref.domain} (HTTP ${res.status})`, res.status);
      }
      this.#auth.set(key, header);
    }
    if (res.ok) return res;
    const detail = await errorDetail(res);
    if (res.status === 404 || detail.code === 'MANIFEST_UNKNOWN' || detail.code === 'NAME_UNKNOWN' || detail.code === 'BLOB_UNKNOWN') {
      const name = what === 'manifest' ? `${ref.repository}:${tail.slice('manifests/'.length)}` : `${ref.repository} blob ${tail.slice('blobs/'.length)}`;
      throw new ManifestUnknownError(`${name} not found in ${ref.domain}${detail.message ? `: ${detail.message}` : ''}`, res.status);
    }
    if (res.status === 403) throw new AuthError(`${ref.repository}: access denied by ${ref.domain}`, 403);
    throw new RegistryError(`${ref.domain}: ${what} request failed with HTTP ${res.status}${detail.message ? `: ${detail.message}` : ''}`, res.status);
  }

  async #fetch(url: string, accept: string, authorization: string | undefined): Promise<Response> {
    this.opts.onRequest?.('GET', url);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new RegistryError(`${new URL(url).host}: no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    try {
      return await fetch(url, {
        headers: { accept, 'user-agent': 'skiff', ...(authorization ? { authorization } : {}) },
        redirect: 'follow',
        signal: ctl.signal,
      });
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      throw new RegistryError(`cannot reach registry ${new URL(url).host}: ${cause}`);
    } finally {
      // Only the wait for headers is bounded: a large layer may take as long as it takes.
      clearTimeout(timer);
    }
  }
}

async function errorDetail(res: Response): Promise<{ code?: string; message?: string }> {
  try {
    const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
    const first = body.errors?.[0];
    return { ...(first?.code ? { code: first.code } : {}), ...(first?.message ? { message: first.message } : {}) };
  } catch {
    return {};
  }
}
