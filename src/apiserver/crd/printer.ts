/**
 * The Table of a custom resource, as apiextensions-apiserver prints it: `Name`, then the version's
 * `additionalPrinterColumns` (or `Age` from `.metadata.creationTimestamp` when it has none). A cell
 * is the first value its path reaches, typed by the column, or null when it reaches none.
 */
import type { ColumnDefinition, TablePrinter } from '../tables/index.js';
import { isRecord } from '../../api/types.js';
import { evaluate, parseJsonPath } from './jsonpath.js';

interface Column {
  readonly name: string;
  readonly type: ColumnDefinition['type'];
  readonly format?: string;
  readonly description?: string;
  readonly priority?: number;
  readonly jsonPath: string;
}

const age: Column = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

const nameColumn: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

function cell(type: Column['type'], v: unknown): unknown {
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : isRecord(v) || Array.isArray(v) ? JSON.stringify(v) : String(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null;
  }
}

export function customResourcePrinter(rawColumns: unknown): TablePrinter {
  const declared = Array.isArray(rawColumns) ? rawColumns.filter(isRecord).map((c) => c as unknown as Column) : [];
  const columns = declared.length > 0 ? declared : [age];
  const paths = columns.map((c) => parseJsonPath(c.jsonPath));
  return {
    columns: [
      nameColumn,
      ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    ],
    cells(obj) {
      return [
        obj.metadata.name ?? '',
        ...columns.map((c, i) => {
          const p = paths[i];
          const found = p ? evaluate(p, obj) : [];
          return found.length === 0 || found[0] === null ? null : cell(c.type, found[0]);
        }),
      ];
    },
  };
}
