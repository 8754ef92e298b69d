/**
 * Turning stored objects into what the client asked for: the served version (legacy conversion
 * at the edge), then JSON, YAML, a Table (kubectl's columns) or PartialObjectMetadata.
 */
import { stringify as toYaml } from 'yaml';
import type { KubeObject, KubeList, ListMeta } from '../../api/types.js';
import { apiVersionOf } from '../../api/types.js';
import type { ServedVersion } from '../../api/resources.js';
import type { TablePrinter } from '../tables/index.js';
import type { ObjectFormat } from './negotiate.js';

/** The stored form → the served version. Never mutates `obj` (it may be the cache's). */
export function toServed(obj: KubeObject, sv: ServedVersion): KubeObject {
  if (!sv.converter) return obj;
  const out = sv.converter.fromStorage(obj);
  out.apiVersion = apiVersionOf(sv.group, sv.version);
  out.kind = sv.resource.kind;
  return out;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function table(
  objs: readonly KubeObject[],
  printer: TablePrinter,
  meta: ListMeta,
  include: IncludeObject,
  sv: ServedVersion,
  tableVersion: string,
  withColumns = true,
): unknown {
  const now = new Date();
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${tableVersion}`,
    metadata: meta,
    ...(withColumns ? { columnDefinitions: printer.columns } : { columnDefinitions: null }),
    rows: objs.map((o) => ({
      cells: printer.cells(o, now),
      ...(include === 'None' ? {} : { object: include === 'Object' ? toServed(o, sv) : partialMetadata(o) }),
    })),
  };
}

export interface Rendered {
  readonly body: string;
  readonly contentType: string;
}

function encode(value: unknown, yaml: boolean): Rendered {
  return yaml
    ? { body: toYaml(value), contentType: 'application/yaml' }
    : { body: JSON.stringify(value), contentType: 'application/json' };
}

export function renderObject(obj: KubeObject, sv: ServedVersion, f: ObjectFormat, printer: TablePrinter, include: IncludeObject): Rendered {
  switch (f.as) {
    case 'object':
      return encode(toServed(obj, sv), f.yaml);
    case 'table':
      return encode(table([obj], printer, { resourceVersion: obj.metadata.resourceVersion ?? '' }, include, sv, f.version), false);
    case 'metadata':
      return encode(partialMetadata(obj), false);
  }
}

export function renderList(list: KubeList, sv: ServedVersion, f: ObjectFormat, printer: TablePrinter, include: IncludeObject): Rendered {
  switch (f.as) {
    case 'object':
      return encode(
        {
          kind: list.kind,
          apiVersion: apiVersionOf(sv.group, sv.version),
          metadata: list.metadata,
          items: list.items.map((o) => toServed(o, sv)),
        },
        f.yaml,
      );
    case 'table':
      return encode(table(list.items, printer, list.metadata, include, sv, f.version), false);
    case 'metadata':
      return encode(
        { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: list.metadata, items: list.items.map(partialMetadata) },
        false,
      );
  }
}
