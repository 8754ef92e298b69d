/**
 * `-o` formats other than tables: yaml, json, name, jsonpath, custom-columns. kubectl prints one
 * object as itself and several (a list, several names or kinds) inside a `v1 List`; keys come out
 * sorted in both YAML and JSON because kubectl marshals Go maps.
 */
import { readFileSync } from 'node:fs';
import { stringify as toYaml } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import { JsonPath, relaxed, valueText } from './jsonpath.js';
import { TabWriter, getTableOptions } from './tabwriter.js';

export type OutputFormat =
  | { readonly kind: 'table' | 'wide' | 'yaml' | 'json' | 'name' }
  | { readonly kind: 'jsonpath'; readonly template: JsonPath }
  | { readonly kind: 'custom-columns'; readonly columns: readonly { readonly header: string; readonly path: JsonPath }[] };

export class OutputFormatError extends Error {}

const allowed = 'json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide';

/** Parses `-o`; throws with kubectl's wording for an unknown format. */
export function parseOutput(spec: string | undefined): OutputFormat {
  if (spec === undefined || spec === '') return { kind: 'table' };
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const arg = eq < 0 ? '' : spec.slice(eq + 1);
  switch (name) {
    case 'wide': case 'yaml': case 'json': case 'name':
      return { kind: name };
    case 'jsonpath': case 'jsonpath-file': {
      const template = name === 'jsonpath' ? arg : readFileSync(arg, 'utf8');
      if (template === '') throw new OutputFormatError('template format specified but no template given');
      return { kind: 'jsonpath', template: new JsonPath(template) };
    }
    case 'custom-columns': case 'custom-columns-file':
      return { kind: 'custom-columns', columns: customColumns(name === 'custom-columns' ? arg : customColumnsFile(arg)) };
    default:
      throw new OutputFormatError(`unable to match a printer suitable for the output format "${spec}", allowed formats are: ${allowed}`);
  }
}

function customColumnsFile(file: string): string {
  const [headers = '', paths = ''] = readFileSync(file, 'utf8').split('\n');
  const h = headers.trim().split(/\s+/);
  const p = paths.trim().split(/\s+/);
  if (h.length !== p.length) throw new OutputFormatError(`number of headers (${h.length}) and field specifications (${p.length}) don't match`);
  return h.map((x, i) => `${x}:${p[i]!}`).join(',');
}

function customColumns(spec: string): { header: string; path: JsonPath }[] {
  if (spec === '') throw new OutputFormatError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i < 0) throw new OutputFormatError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), path: new JsonPath(relaxed(part.slice(i + 1))) };
  });
}

/** `pod`, `replicationcontroller`, `daemonset.apps` — what `-o name` and `TYPE/NAME` print. */
export function kindName(kind: string, group: string): string {
  return group === '' ? kind.toLowerCase() : `${kind.toLowerCase()}.${group}`;
}

/** kubectl's `v1 List` around several objects. */
export function asList(items: readonly KubeObject[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return v;
}

/** Go's json.MarshalIndent with 4 spaces (HTML characters escaped as Go does). */
export function toJson(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 4).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) + '\n';
}

export function toYamlText(v: unknown): string {
  return toYaml(sortKeys(v), { indentSeq: false, lineWidth: 0 });
}

/**
 * Prints objects in a non-table format. `single` is true when the user asked for one object by
 * name (then it is printed as itself, not inside a List).
 */
export function printObjects(objs: readonly { obj: KubeObject; group: string }[], format: OutputFormat, single: boolean, noHeaders = false): string {
  const items = objs.map((o) => o.obj);
  const data = single && items.length === 1 ? items[0] : asList(items);
  switch (format.kind) {
    case 'yaml':
      return toYamlText(data);
    case 'json':
      return toJson(data);
    case 'name':
      return objs.map((o) => `${kindName(o.obj.kind ?? '', o.group)}/${o.obj.metadata.name ?? ''}\n`).join('');
    case 'jsonpath':
      return format.template.execute(sortKeys(data));
    case 'custom-columns': {
      const w = new TabWriter(getTableOptions);
      if (!noHeaders) w.write(format.columns.map((c) => c.header).join('\t') + '\n');
      for (const obj of items) {
        w.write(format.columns.map((c) => {
          const vals = c.path.values(obj);
          return vals.length === 0 ? '<none>' : vals.map(valueText).join(',');
        }).join('\t') + '\n');
      }
      return w.flush();
    }
    default:
      throw new OutputFormatError(`${format.kind} is a table format`);
  }
}
