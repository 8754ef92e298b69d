/**
 * LIST semantics: which snapshot (resourceVersion / resourceVersionMatch), filtering by label and
 * field selectors, and paging with `limit` + `continue` tokens.
 */
import type { KubeObject } from '../../api/types.js';
import type { Selector } from '../../api/labels.js';
import type { FieldSelector } from '../../api/fields.js';
import { BadRequestError, GoneError } from '../../api/errors.js';
import { CompactedError, type Store } from '../../storage/index.js';
import type { ResourceCache, WatchCacheHub } from '../watchcache.js';
import type { Strategy } from './strategy.js';
import { decodeStored } from './codec.js';
import { checkResourceVersion, revisionNumber } from '../http/resourceversion.js';

export interface ListQuery {
  readonly labelSelector?: Selector;
  readonly fieldSelector?: FieldSelector;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
}

export interface ListPage {
  readonly items: KubeObject[];
  readonly revision: number;
  readonly continueToken?: string;
  readonly remaining?: number;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: lastKey } satisfies ContinueToken)).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error();
    return t;
  } catch {
    throw new BadRequestError('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export function makeFilter(q: ListQuery, strategy: Strategy): (o: KubeObject) => boolean {
  const ls = q.labelSelector;
  const fs = q.fieldSelector;
  if ((!ls || ls.empty) && (!fs || fs.requirements.length === 0)) return () => true;
  return (o) =>
    (!ls || ls.matches(o.metadata.labels)) && (!fs || fs.requirements.length === 0 || fs.matches(strategy.fields(o)));
}

export async function paginate(
  store: Store,
  hub: WatchCacheHub,
  cache: ResourceCache,
  prefix: string,
  q: ListQuery,
  strategy: Strategy,
): Promise<ListPage> {
  const filter = makeFilter(q, strategy);
  const limit = q.limit && q.limit > 0 ? q.limit : 0;
  if (q.continue) {
    const t = decodeContinue(q.continue);
    try {
      return await fromStore(store, prefix, t.rv, t.start, limit, filter);
    } catch (err) {
      if (err instanceof CompactedError) {
        throw new GoneError('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      throw err;
    }
  }
  // "" : the newest (consistent) state; "0": whatever the cache has; else not older than rv (or,
  // with Exact, exactly rv) — waiting up to 3 s for a version the cache has not reached, then 504.
  const rv = q.resourceVersion ?? '';
  const wanted = checkResourceVersion(rv);
  if (rv !== '' && wanted !== 0n) await hub.waitFor(wanted);
  if (wanted !== 0n && q.resourceVersionMatch === 'Exact') {
    return fromStore(store, prefix, revisionNumber(wanted), undefined, limit, filter);
  }
  if (rv === '') await hub.sync();
  return fromCache(hub.currentRevision, cache, prefix, limit, filter);
}

function fromCache(
  revision: number,
  cache: ResourceCache,
  prefix: string,
  limit: number,
  filter: (o: KubeObject) => boolean,
): ListPage {
  const keys: string[] = [];
  for (const k of cache.objects.keys()) if (k.startsWith(prefix)) keys.push(k);
  keys.sort();
  const items: KubeObject[] = [];
  for (let i = 0; i < keys.length; i++) {
    const o = cache.objects.get(keys[i]!)!;
    if (!filter(o)) continue;
    if (limit && items.length === limit) {
      return { items, revision, continueToken: encodeContinue(revision, keys[i - 1]!) };
    }
    items.push(o);
  }
  return { items, revision };
}

async function fromStore(
  store: Store,
  prefix: string,
  revision: number,
  startAfter: string | undefined,
  limit: number,
  filter: (o: KubeObject) => boolean,
): Promise<ListPage> {
  const items: KubeObject[] = [];
  let cursor = startAfter;
  let rev = revision;
  for (;;) {
    const page = await store.list(prefix, { revision: rev, limit: limit ? Math.max(limit, 500) : 0, startAfter: cursor });
    rev = page.revision;
    for (const kv of page.items) {
      const o = decodeStored(kv.value, kv.modRevision);
      if (!filter(o)) {
        cursor = kv.key;
        continue;
      }
      if (limit && items.length === limit) {
        return { items, revision: rev, continueToken: encodeContinue(rev, cursor!) };
      }
      items.push(o);
      cursor = kv.key;
    }
    if (!page.more || page.items.length === 0) return { items, revision: rev };
  }
}
