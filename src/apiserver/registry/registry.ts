/**
 * The one generic registry pipeline every resource goes through:
 * prepare (defaults, server fields) → validate → admit → store → decorate.
 * Per-resource policy lives in the {@link Strategy}; storage errors become API errors here.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, KubeList } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import { checkBodyResourceVersion } from '../http/resourceversion.js';
import {
  AlreadyExistsError,
  ApiError,
  BadRequestError,
  ConflictError,
  InternalError,
  InvalidError,
  NotFoundError,
  ServiceUnavailableError,
} from '../../api/errors.js';
import {
  type Store,
  KeyExistsError,
  KeyNotFoundError,
  ConflictError as StoreConflictError,
  CompactedError,
  StoreUnavailableError,
} from '../../storage/index.js';
import type { Strategy } from './strategy.js';
import { listPrefix, objectKey } from './keys.js';
import { decodeStored, encodeStored } from './codec.js';
import { fillCreateMetadata, keepImmutableMetadata } from './metadata.js';
import { fillZeroValues } from '../../api/defaults/index.js';
import type { WatchCacheHub, ResourceCache } from '../watchcache.js';
import { GoneError } from '../../api/errors.js';
import { paginate, type ListQuery } from './list.js';
import { checkPreconditions, planDeletion } from './deletion.js';
import { kindType, trackUpdate, type TypeNode, type Writer } from '../apply/index.js';

export interface WriteOptions {
  readonly dryRun?: boolean;
  /** Who writes: what it changes is recorded as its own in `metadata.managedFields`. */
  readonly writer?: Writer;
  /** The caller (server-side apply) already set `metadata.managedFields`: keep them. */
  readonly ownManagedFields?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

export interface DeleteResult {
  readonly object: KubeObject;
  /** False when the object only got a deletionTimestamp (graceful deletion or finalizers). */
  readonly deleted: boolean;
}

/** Ends what a {@link WriteHooks} began: `true` once the write is stored, `false` when it failed. */
export type FinishWrite = (committed: boolean) => Promise<void>;

/**
 * Work a write needs beside the object itself, as Kubernetes' generic store has BeginCreate /
 * BeginUpdate: services take cluster IPs and node ports before they are stored and give them back
 * when the write fails, the type changes, or the service is deleted. Runs after validation.
 */
export interface WriteHooks {
  /** With `dryRun` the hook admits and checks (a requested node port already taken fails as it
   * would) but takes nothing; its finish is called with `false`. */
  beginCreate?(obj: KubeObject, opts?: { dryRun?: boolean }): Promise<FinishWrite>;
  beginUpdate?(next: KubeObject, current: KubeObject, opts?: { dryRun?: boolean }): Promise<FinishWrite>;
  afterDelete?(obj: KubeObject): Promise<void>;
  /** Validating admission (NodeRestriction): throws to refuse. Runs on every create, update
   * (each subresource included) and delete, after validation, before anything is stored. */
  admit?(op: AdmissionOp): void;
}

export interface AdmissionOp {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly object?: KubeObject;
  readonly oldObject?: KubeObject;
  /** '' for the main resource. */
  readonly subresource: string;
}

/** A change to apply to the current object inside an optimistic-concurrency retry loop. */
export type Mutation = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export class Registry {
  readonly cache: ResourceCache;

  constructor(
    readonly strategy: Strategy,
    private readonly store: Store,
    private readonly hub: WatchCacheHub,
    private readonly hooks: WriteHooks = {},
  ) {
    this.cache = hub.cacheFor(strategy.resource);
  }

  get resource() {
    return this.strategy.resource;
  }

  private typeNode: TypeNode | undefined;

  /** The schema server-side apply and field tracking walk (the stored version's). */
  get fieldType(): TypeNode {
    return (this.typeNode ??= this.strategy.custom?.fieldType ?? kindType(this.resource.group, this.resource.storageVersion, this.resource.kind));
  }

  /** Records who changed what in `next.metadata.managedFields` (see {@link WriteOptions}). */
  private track(next: KubeObject, current: KubeObject | undefined, opts: WriteOptions): void {
    if (opts.writer) {
      const resetStatus = this.resource.subresources.status === true && opts.writer.subresource !== 'status';
      trackUpdate(next, current, this.fieldType, opts.writer, resetStatus);
    } else if (!opts.ownManagedFields) {
      if (current?.metadata.managedFields !== undefined) next.metadata.managedFields = current.metadata.managedFields;
      else delete next.metadata.managedFields;
    }
  }

  private get apiVersion(): string {
    return apiVersionOf(this.resource.group, this.resource.storageVersion);
  }

  private notFound(name: string): NotFoundError {
    return new NotFoundError(this.resource.plural, this.resource.group, name);
  }

  private invalid(obj: KubeObject, errors: ReturnType<Strategy['validate']>): InvalidError {
    return new InvalidError(this.resource.kind, this.resource.group, obj.metadata.name ?? '', errors);
  }

  /** POST. `obj` is in the stored form; its namespace already set from the URL. */
  async create(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    if (obj.metadata.resourceVersion) {
      throw new BadRequestError('resourceVersion should not be set on objects to be created');
    }
    obj.apiVersion = this.apiVersion;
    obj.kind = this.resource.kind;
    this.strategy.defaults(obj);
    if (!obj.metadata.name && !obj.metadata.generateName) {
      throw this.invalid(obj, [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }]);
    }
    fillCreateMetadata(obj);
    this.strategy.prepareForCreate(obj);
    this.strategy.afterIdentity(obj);
    const errors = this.strategy.validate(obj);
    if (errors.length > 0) throw this.invalid(obj, errors);
    this.hooks.admit?.({ operation: 'CREATE', object: obj, subresource: '' });
    if (!this.strategy.custom) fillZeroValues(this.resource.kind, obj);
    this.track(obj, undefined, opts);
    const name = obj.metadata.name!;
    if (opts.dryRun) {
      if (this.cache.objects.has(this.key(obj.metadata.namespace, name))) {
        throw new AlreadyExistsError(this.resource.plural, this.resource.group, name);
      }
      // Admission runs in a dry run too; nothing is allocated.
      const finish = await this.hooks.beginCreate?.(obj, { dryRun: true });
      await finish?.(false);
      return obj;
    }
    const finish = await this.hooks.beginCreate?.(obj);
    try {
      const kv = await this.store.create(this.key(obj.metadata.namespace, name), encodeStored(obj));
      obj.metadata.resourceVersion = String(kv.modRevision);
      await finish?.(true);
      return obj;
    } catch (err) {
      await finish?.(false);
      if (err instanceof KeyExistsError) throw new AlreadyExistsError(this.resource.plural, this.resource.group, name);
      throw this.storeError(err);
    }
  }

  key(namespace: string | undefined, name: string): string {
    return objectKey(this.resource, namespace, name);
  }

  /** GET of one object: a consistent read from the store. */
  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    let kv;
    try {
      kv = await this.store.get(this.key(namespace, name));
    } catch (err) {
      throw this.storeError(err);
    }
    if (!kv) throw this.notFound(name);
    return decodeStored(kv.value, kv.modRevision);
  }

  /** LIST, served from the watch cache after it caught up with the store (consistent), or with
   * `resourceVersion=0` straight from the cache as it is. Pages past the first come from the
   * store at the first page's revision, so a paged list is one snapshot. */
  async list(namespace: string | undefined, q: ListQuery): Promise<KubeList> {
    const listKind = `${this.resource.kind}List`;
    const prefix = listPrefix(this.resource, namespace);
    try {
      const page = await paginate(this.store, this.hub, this.cache, prefix, q, this.strategy);
      return {
        apiVersion: this.apiVersion,
        kind: listKind,
        metadata: {
          resourceVersion: String(page.revision),
          ...(page.continueToken ? { continue: page.continueToken } : {}),
          ...(page.remaining !== undefined ? { remainingItemCount: page.remaining } : {}),
        },
        items: page.items,
      };
    } catch (err) {
      throw this.storeError(err);
    }
  }

  /** PUT. Creates when absent if the resource allows create-on-update (none here do). */
  async update(
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    opts: WriteOptions & { subresource?: 'status' } = {},
  ): Promise<KubeObject> {
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw new BadRequestError(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    const wantRv = obj.metadata.resourceVersion;
    checkBodyResourceVersion(wantRv);
    return this.guaranteedUpdate(namespace, name, (current) => {
      if (wantRv && wantRv !== current.metadata.resourceVersion) throw this.conflict(name);
      return obj;
    }, opts);
  }

  private conflict(name: string): ConflictError {
    return new ConflictError(this.resource.plural, this.resource.group, name,
      'the object has been modified; please apply your changes to the latest version and try again');
  }

  /**
   * Reads the current object, applies `mutate` (which must not modify its argument), runs the
   * update strategy and validation, and writes with compare-and-swap; on a lost race it re-reads
   * and tries again. PATCH, scale, binding and status updates all come through here.
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    mutate: Mutation,
    opts: WriteOptions & { subresource?: 'status'; trusted?: boolean } = {},
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.get(namespace, name);
      const next = structuredClone(await mutate(structuredClone(current)));
      next.apiVersion = this.apiVersion;
      next.kind = this.resource.kind;
      next.metadata ??= {};
      keepImmutableMetadata(next, current);
      // `trusted` is the server's own change through a subresource (binding): it sets exactly
      // what it means to, past the rules that bind clients.
      if (!opts.trusted) {
        if (opts.subresource === 'status') {
          this.strategy.prepareForStatusUpdate(next, current);
        } else {
          this.strategy.defaults(next);
          this.strategy.prepareForUpdate(next, current);
        }
        const errors = opts.subresource === 'status' ? this.strategy.validateStatusUpdate(next, current) : this.strategy.validateUpdate(next, current);
        if (errors.length > 0) throw this.invalid(next, errors);
      }
      this.hooks.admit?.({ operation: 'UPDATE', object: next, oldObject: current, subresource: opts.subresource ?? opts.writer?.subresource ?? '' });
      if (!this.strategy.custom) fillZeroValues(this.resource.kind, next);
      this.track(next, current, opts);
      const rev = Number(current.metadata.resourceVersion);
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      if (isDeepStrictEqual(next, current)) return current; // no-op writes don't bump revisions
      if (opts.dryRun) {
        if (!opts.trusted && opts.subresource !== 'status' && !this.finalizedForDeletion(next)) {
          const finish = await this.hooks.beginUpdate?.(next, current, { dryRun: true });
          await finish?.(false);
        }
        return next;
      }
      const finish = !opts.trusted && opts.subresource !== 'status' && !this.finalizedForDeletion(next)
        ? await this.hooks.beginUpdate?.(next, current)
        : undefined;
      try {
        if (this.finalizedForDeletion(next)) {
          const kv = await this.store.delete(key, rev);
          next.metadata.resourceVersion = String(kv.modRevision);
          await this.hooks.afterDelete?.(next);
          return next;
        }
        const kv = await this.store.update(key, encodeStored(next), rev);
        next.metadata.resourceVersion = String(kv.modRevision);
        await finish?.(true);
        return next;
      } catch (err) {
        await finish?.(false);
        if (err instanceof StoreConflictError) continue;
        if (err instanceof KeyNotFoundError) throw this.notFound(name);
        throw this.storeError(err);
      }
    }
    throw this.conflict(name);
  }

  /** An object being deleted whose last finalizer went away and whose grace is over is removed. */
  private finalizedForDeletion(obj: KubeObject): boolean {
    const m = obj.metadata;
    return m.deletionTimestamp !== undefined && this.strategy.finalizersOf(obj).length === 0 &&
      (m.deletionGracePeriodSeconds ?? 0) === 0;
  }

  /** DELETE, with graceful deletion, finalizers and preconditions as Kubernetes does them. */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const key = this.key(namespace, name);
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.get(namespace, name);
      checkPreconditions(current, opts, this.resource.plural, this.resource.group, name);
      this.hooks.admit?.({ operation: 'DELETE', oldObject: current, subresource: '' });
      const plan = planDeletion(current, opts, this.strategy, Date.now());
      if (plan.kind === 'remove') {
        if (opts.dryRun) return { object: current, deleted: true };
        try {
          const kv = await this.store.delete(key, Number(current.metadata.resourceVersion));
          const gone = decodeStored(kv.value, kv.modRevision);
          await this.hooks.afterDelete?.(gone);
          return { object: gone, deleted: true };
        } catch (err) {
          if (err instanceof StoreConflictError) continue;
          if (err instanceof KeyNotFoundError) throw this.notFound(name);
          throw this.storeError(err);
        }
      }
      const next = plan.next;
      if (!next) return { object: current, deleted: false };
      if (opts.dryRun) return { object: next, deleted: false };
      try {
        const kv = await this.store.update(key, encodeStored(next), Number(current.metadata.resourceVersion));
        next.metadata.resourceVersion = String(kv.modRevision);
        return { object: next, deleted: false };
      } catch (err) {
        if (err instanceof StoreConflictError) continue;
        if (err instanceof KeyNotFoundError) throw this.notFound(name);
        throw this.storeError(err);
      }
    }
    throw this.conflict(name);
  }

  private storeError(err: unknown): Error {
    if (err instanceof ApiError) return err;
    if (err instanceof CompactedError) {
      return new GoneError(`The resourceVersion for the provided list is too old.`);
    }
    if (err instanceof StoreUnavailableError) return new ServiceUnavailableError(err.message);
    return new InternalError(err instanceof Error ? err.message : String(err));
  }
}
