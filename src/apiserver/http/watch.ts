/**
 * WATCH: newline-delimited JSON events from the watch cache, with label/field filtering that
 * turns objects leaving or entering the selection into DELETED/ADDED, bookmarks, initial events
 * (`sendInitialEvents`), and 410 as an ERROR event when the requested revision is too old.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServedVersion } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import type { ApiContext } from './context.js';
import type { ResourceRequest } from './requestinfo.js';
import type { Registry } from '../registry/registry.js';
import { makeFilter } from '../registry/list.js';
import { listPrefix } from '../registry/keys.js';
import type { CacheEvent } from '../watchcache.js';
import { negotiateObject } from './negotiate.js';
import { boolParam, includeObject, intParam, listQuery } from './query.js';
import { checkResourceVersion, revisionNumber } from './resourceversion.js';
import { partialMetadata, table, toServed } from './render.js';
import { statusOf, toApiError } from './status.js';
import { parseFieldSelector } from '../../api/fields.js';

/** A client that stops reading gets cut off once this much is queued for it. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

type WireType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Bytes queued for a slow client, on HTTP/1.1 and on the HTTP/2 compatibility response. */
function bufferedBytes(res: ServerResponse): number {
  const stream = (res as unknown as { stream?: { writableLength: number } }).stream;
  return stream ? stream.writableLength : res.writableLength;
}

/** Cached objects never change, so each is serialized once however many watchers get it. */
const serialized = new WeakMap<object, string>();

function storedJson(o: KubeObject): string {
  let text = serialized.get(o);
  if (text === undefined) {
    text = JSON.stringify(o);
    serialized.set(o, text);
  }
  return text;
}

/** The most setTimeout can wait (2^31-1 ms), in whole seconds. */
const MAX_TIMEOUT_SECONDS = Math.floor(0x7fffffff / 1000);

/** timeoutSeconds as kube-apiserver applies it: absent or 0 means its default (here 30–60 min),
 * a negative one ends the watch at once, and a huge one is capped where timers can count. */
function watchTimeoutSeconds(t: number | undefined): number {
  if (t === undefined || t === 0) return 1800 + Math.floor(Math.random() * 1800);
  return Math.min(Math.max(t, 0), MAX_TIMEOUT_SECONDS);
}

export async function serveWatch(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  sv: ServedVersion,
  registry: Registry,
  info: ResourceRequest,
  q: URLSearchParams,
): Promise<void> {
  const format = negotiateObject(req.headers.accept);
  const include = includeObject(q);
  const query = listQuery(q, sv.resource.kind, true);
  const named = info.name !== undefined ? { fieldSelector: parseFieldSelector(`metadata.name=${info.name}`) } : {};
  const filter = makeFilter({ ...query, ...named }, registry.strategy);
  const prefix = listPrefix(sv.resource, info.namespace);
  const rv = q.get('resourceVersion') ?? '';
  const wanted = checkResourceVersion(rv);
  const bookmarks = boolParam(q, 'allowWatchBookmarks');
  const initialEvents = boolParam(q, 'sendInitialEvents');
  const timeoutSeconds = watchTimeoutSeconds(intParam(q, 'timeoutSeconds'));

  const encode = (type: WireType, obj: KubeObject | object): string => {
    let object: unknown = obj;
    if (type !== 'ERROR' && type !== 'BOOKMARK') {
      const o = obj as KubeObject;
      if (format.as === 'table') object = table([o], registry.strategy.printer, { resourceVersion: o.metadata.resourceVersion ?? '' }, include, sv, format.version);
      else if (format.as === 'metadata') object = partialMetadata(o);
      else if (!sv.converter) return `{"type":"${type}","object":${storedJson(o)}}\n`;
      else object = toServed(o, sv);
    }
    return `{"type":"${type}","object":${JSON.stringify(object)}}\n`;
  };

  // Where the stream starts: "now" after the current state (rv unset or 0, or initial events
  // asked for), or strictly after a given revision.
  // A revision the cache has not seen yet is first checked against the store: one the store
  // has not reached either is "the future", and the watch starts at once and sends only events
  // after it, as kube-apiserver's cacher does (no wait, no error).
  if (rv === '' && !initialEvents) await ctx.hub.sync();
  else if (wanted !== 0n && wanted > BigInt(ctx.hub.currentRevision)) await ctx.hub.sync();

  // No Content-Length: HTTP/1.1 streams it chunked, HTTP/2 as data frames.
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
  res.write('');

  let closed = false;
  let lastRevision = ctx.hub.currentRevision;
  const write = (chunk: string): void => {
    if (closed) return;
    res.write(chunk);
    if (bufferedBytes(res) > MAX_BUFFERED_BYTES) stop();
  };

  const deliver = (events: readonly CacheEvent[]): void => {
    let out = '';
    for (const e of events) {
      if (e.revision <= lastRevision) continue;
      lastRevision = e.revision;
      if (!e.key.startsWith(prefix)) continue;
      const now = filter(e.object);
      if (e.type === 'ADDED') {
        if (now) out += encode('ADDED', e.object);
      } else if (e.type === 'DELETED') {
        if (now) out += encode('DELETED', e.object);
      } else {
        const before = e.prevObject ? filter(e.prevObject) : false;
        if (now && before) out += encode('MODIFIED', e.object);
        else if (now) out += encode('ADDED', e.object);
        else if (before) out += encode('DELETED', e.object);
      }
    }
    if (out) write(out);
  };

  // Backlog and subscription happen in one synchronous step, so no event falls between them.
  let backlog: CacheEvent[] = [];
  let initial = '';
  // Without a revision (or with 0) a watch begins with the current state as ADDED events, as
  // Kubernetes' "Get State and Start at Most Recent/Any" does.
  if (rv === '' || rv === '0' || initialEvents) {
    lastRevision = ctx.hub.currentRevision;
    for (const [key, obj] of registry.cache.objects) if (key.startsWith(prefix) && filter(obj)) initial += encode('ADDED', obj);
  } else {
    try {
      backlog = registry.cache.eventsSince(revisionNumber(wanted));
      lastRevision = revisionNumber(wanted);
    } catch (err) {
      res.end(encode('ERROR', statusOf(toApiError(err))));
      return;
    }
  }
  const unsubscribe = registry.cache.subscribe(deliver);
  const offClose = registry.cache.onClose(() => stop());
  if (initial) write(initial);
  if (initialEvents) {
    write(
      encode('BOOKMARK', {
        kind: sv.resource.kind,
        apiVersion: apiVersionOf(sv.group, sv.version),
        metadata: { resourceVersion: String(lastRevision), annotations: { 'k8s.io/initial-events-end': 'true' } },
      }),
    );
  }
  deliver(backlog);

  const bookmarkTimer = bookmarks
    ? setInterval(() => {
        // No bookmark before the store reaches a future starting revision (nothing to report).
        if (ctx.hub.currentRevision < lastRevision) return;
        write(encode('BOOKMARK', { kind: sv.resource.kind, apiVersion: apiVersionOf(sv.group, sv.version), metadata: { resourceVersion: String(ctx.hub.currentRevision) } }));
      }, ctx.bookmarkIntervalMs)
    : undefined;
  const timeout = setTimeout(() => stop(), timeoutSeconds * 1000);

  function stop(): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    offClose();
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    clearTimeout(timeout);
    if (!res.writableEnded) res.end();
  }
  // Node 20: a client going away shows on the response, not the request.
  res.on('close', stop);
  await new Promise<void>((resolve) => res.on('close', () => resolve()));
}
