/**
 * A strategy is the per-resource policy the generic registry consults: what the server sets on
 * create and update, how it validates, how it prints, which fields are selectable. It mirrors
 * Kubernetes' `pkg/registry/<group>/<resource>/strategy.go`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../../api/errors.js';
import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { applyDefaults } from '../../api/defaults/index.js';
import { validateObject, validateObjectStatusUpdate, validateObjectUpdate } from '../../api/validation/index.js';
import { selectableFields } from '../../api/fields.js';
import { printerFor, type TablePrinter } from '../tables/index.js';
import type { TypeNode } from '../apply/index.js';

export interface Strategy {
  readonly resource: ResourceType;
  /** Kubernetes defaulting (on the stored form). */
  defaults(obj: KubeObject): void;
  /** Server-set fields of a new object (status reset, generation). Runs after defaults. */
  prepareForCreate(obj: KubeObject): void;
  /** Runs once the registry assigned uid and name (e.g. a Job's generated selector). */
  afterIdentity(obj: KubeObject): void;
  /** An update through the main resource: status is kept from `old` where the resource has a
   * status subresource, generation moves when the spec changed. */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** An update through `/status`: only status (and metadata that may change) is taken. */
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void;
  validate(obj: KubeObject): FieldError[];
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /** A write through `/status`: metadata and status only, never the stored spec again. */
  validateStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  readonly printer: TablePrinter;
  fields(obj: KubeObject): Record<string, string>;
  /** Seconds of graceful deletion to grant, or 0 to delete at once. `requested` is the client's
   * `gracePeriodSeconds`. Only pods are deleted gracefully. */
  gracePeriod(obj: KubeObject, requested: number | undefined): number;
  /** Finalizers that hold the object after a DELETE (namespaces also count `spec.finalizers`). */
  finalizersOf(obj: KubeObject): readonly string[];
  /** Marks an object whose deletion is pending (namespaces turn `Terminating`). */
  markDeleting(obj: KubeObject): void;
  /** Custom resources: the apply type from the CRD's schema, and no built-in zero values. */
  readonly custom?: { readonly fieldType: TypeNode };
}

export type StrategyOverrides = Partial<Omit<Strategy, 'resource'>>;

/** The generic behaviour, specialised by `overrides`. */
export function makeStrategy(resource: ResourceType, overrides: StrategyOverrides = {}): Strategy {
  const hasStatus = resource.subresources.status === true;
  const base: Strategy = {
    resource,
    defaults: (obj) => applyDefaults(resource.kind, obj),
    prepareForCreate(obj) {
      if (hasStatus) obj.status = {};
      if (obj.spec !== undefined) obj.metadata.generation = 1;
    },
    afterIdentity: () => undefined,
    prepareForUpdate(obj, old) {
      if (hasStatus) obj.status = old.status;
      if (obj.spec !== undefined || old.spec !== undefined) {
        const oldGen = old.metadata.generation ?? 1;
        obj.metadata.generation = isDeepStrictEqual(obj.spec, old.spec) ? oldGen : oldGen + 1;
      }
    },
    prepareForStatusUpdate(obj, old) {
      obj.spec = old.spec;
      obj.metadata.generation = old.metadata.generation;
    },
    validate: (obj) => validateObject(resource.kind, obj),
    validateUpdate: (obj, old) => validateObjectUpdate(resource.kind, obj, old),
    validateStatusUpdate: (obj, old) => validateObjectStatusUpdate(resource.kind, obj, old),
    printer: printerFor(resource.kind),
    fields: (obj) => selectableFields(resource.kind, obj),
    gracePeriod: () => 0,
    finalizersOf: (obj) => obj.metadata.finalizers ?? [],
    markDeleting: () => undefined,
  };
  return { ...base, ...overrides };
}
