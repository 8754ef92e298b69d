/**
 * A client for the OCI distribution API: manifests and blobs by repository, over HTTPS (plain
 * HTTP for loopback registries and those configured insecure, as Docker treats 127.0.0.0/8), with
 * the auth challenge answered on the first 401 and the answer reused for the repository after.
 * A host's mirrors are asked before the host (see mirrors.ts); the first that answers serves the
 * repository's later requests too. Manifests are checked against their digest here; blobs are
 * checked by the content store as they stream in.
 *
 * A pull may carry a pod's credentials (its pull secrets): those go to the image's own registry
 * host only — never to a mirror, and never across a redirect to another origin (blob downloads
 * are often redirected to a storage service) — and what they earn (a token, a working
 * Authorization header) is cached for them alone.
 */
import { Readable } from 'node:stream';
import { TokenCache, credentialKey, parseChallenges, type Credentials } from './auth.js';
import { AuthError, DigestMismatchError, ManifestUnknownError, RegistryError } from './errors.js';
import { manifestAccept } from './manifest.js';
import { endpointsFor, type Endpoint, type RegistryMirrors } from './mirrors.js';
import type { ImageReference } from './reference.js';
import { sha256 } from './content.js';

export interface RegistryOptions {
  /** Credentials for a registry host (`docker.io`, `127.0.0.1:5000`; a mirror by its own host). */
  readonly credentials?: (host: string) => Credentials | undefined;
  /** Hosts spoken to over plain HTTP besides loopback ones. */
  readonly insecureHosts?: readonly string[];
  /** Mirrors per registry host, asked in order before the host itself. */
  readonly mirrors?: RegistryMirrors;
  /** False: a host with mirrors is never asked itself (nothing leaves for the internet). */
  readonly mirrorFallback?: boolean;
  /** Until response headers arrive, per request. */
  readonly timeoutMs?: number;
  /** Told of every HTTP request made (tests and metrics count them). */
  readonly onRequest?: (method: string, url: string) => void;
}

/** A pull made with a pod's credentials for the image's registry host; without one, the node's
 * configured `credentials` apply. */
export interface PullAuth {
  readonly credentials: Credentials;
}

export interface FetchedManifest {
  readonly body: Buffer;
  readonly mediaType: string;
  readonly digest: string;
}

const maxManifestBytes = 4 * 1024 * 1024;
const maxRedirects = 10;

export class RegistryClient {
  readonly #tokens: TokenCache;
  /** The Authorization header that last worked for `host/repository` with one set of credentials. */
  readonly #auth = new Map<string, string>();
  /** The endpoint that last served `domain/repository` (its blobs come from where its manifest did). */
  readonly #served = new Map<string, Endpoint>();
  readonly #timeoutMs: number;

  constructor(readonly opts: RegistryOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#tokens = new TokenCache(this.#timeoutMs);
  }

  /** Where `domain`'s repositories are asked for, in order. */
  endpoints(domain: string): Endpoint[] {
    return endpointsFor(domain, this.opts);
  }

  /** The manifest or index `reference` (a tag or digest) names, its digest verified. */
  async manifest(ref: ImageReference, reference: string, auth?: PullAuth): Promise<FetchedManifest> {
    const res = await this.#get(ref, `manifests/${reference}`, manifestAccept, 'manifest', auth);
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
  async blob(ref: ImageReference, digest: string, auth?: PullAuth): Promise<Readable> {
    const res = await this.#get(ref, `blobs/${digest}`, '*/*', 'blob', auth);
    if (!res.body) throw new RegistryError(`${ref.repository}: blob ${digest} has no body`);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  }

  /** Asks each endpoint in turn (the one that last served this repository first); a mirror that
   * fails or lacks the content passes the request on, as containerd's resolver does. */
  async #get(ref: ImageReference, tail: string, accept: string, what: 'manifest' | 'blob', auth: PullAuth | undefined): Promise<Response> {
    const key = `${ref.domain}/${ref.path}`;
    const all = this.endpoints(ref.domain);
    const last = this.#served.get(key);
    const order = last ? [last, ...all.filter((e) => e.base !== last.base)] : all;
    let failure: unknown;
    for (const ep of order) {
      try {
        const res = await this.#getFrom(ep, ref, tail, accept, what, auth);
        this.#served.set(key, ep);
        return res;
      } catch (err) {
        // The first failure says most (a mirror's 404 rather than a later one's refusal).
        failure ??= err;
        if (!(err instanceof RegistryError)) throw err;
      }
    }
    throw failure ?? new RegistryError(`${ref.domain}: no registry endpoint to ask`);
  }

  async #getFrom(ep: Endpoint, ref: ImageReference, tail: string, accept: string, what: 'manifest' | 'blob', auth: PullAuth | undefined): Promise<Response> {
    const url = `${ep.base}/v2/${ref.path}/${tail}`;
    // A pod's credentials are for the registry itself; a mirror gets only what the node gives it.
    const creds = auth && !ep.mirrorOf ? auth.credentials : this.opts.credentials?.(ep.host);
    const key = `${ep.base}/${ref.path}\n${credentialKey(creds)}`;
    const where = ep.mirrorOf ? `${ep.host} (mirror of ${ep.mirrorOf})` : ep.host;
    let res = await this.#fetch(url, accept, this.#auth.get(key));
    if (res.status === 401) {
      await res.body?.cancel();
      const challenges = parseChallenges(res.headers.get('www-authenticate') ?? '');
      const challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
      if (!challenge) throw new AuthError(`${where}: unauthorized, and no auth challenge to answer`, 401);
      const header = await this.#tokens.authorize(challenge, `repository:${ref.path}:pull`, creds);
      res = await this.#fetch(url, accept, header);
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new AuthError(`${ref.repository}: access denied by ${where} (HTTP ${res.status})`, res.status);
      }
      this.#auth.set(key, header);
    }
    if (res.ok) return res;
    const detail = await errorDetail(res);
    if (res.status === 404 || detail.code === 'MANIFEST_UNKNOWN' || detail.code === 'NAME_UNKNOWN' || detail.code === 'BLOB_UNKNOWN') {
      const name = what === 'manifest' ? `${ref.repository}:${tail.slice('manifests/'.length)}` : `${ref.repository} blob ${tail.slice('blobs/'.length)}`;
      throw new ManifestUnknownError(`${name} not found in ${where}${detail.message ? `: ${detail.message}` : ''}`, res.status);
    }
    if (res.status === 403) throw new AuthError(`${ref.repository}: access denied by ${where}`, 403);
    throw new RegistryError(`${where}: ${what} request failed with HTTP ${res.status}${detail.message ? `: ${detail.message}` : ''}`, res.status);
  }

  /** Follows redirects itself so that the Authorization header stays with the origin it was made for. */
  async #fetch(url: string, accept: string, authorization: string | undefined): Promise<Response> {
    const origin = new URL(url).origin;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new RegistryError(`${new URL(url).host}: no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    try {
      let at = url;
      for (let hops = 0; ; hops++) {
        this.opts.onRequest?.('GET', at);
        const sameOrigin = new URL(at).origin === origin;
        const res = await fetch(at, {
          headers: { accept, 'user-agent': 'skiff', ...(authorization && sameOrigin ? { authorization } : {}) },
          redirect: 'manual',
          signal: ctl.signal,
        });
        const location = res.headers.get('location');
        if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
        await res.body?.cancel();
        if (hops === maxRedirects) throw new RegistryError(`${new URL(url).host}: more than ${maxRedirects} redirects`);
        const next = new URL(location, at);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new RegistryError(`${new URL(url).host}: redirected to ${next.protocol} URL`);
        at = next.href;
      }
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
