/**
 * `skiff get`: kubectl's get. Human output is the server's Table (the real columns, wide ones
 * included) printed with kubectl's layout; `-o yaml|json|name|jsonpath=…|custom-columns=…` print
 * the objects. Several kinds print one block each (with `TYPE/NAME` names), `-w` streams rows
 * under the first header as the watch reports changes.
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import {
  CliError, collect, kindString, kubeCommand, parseResourceArgs, resolveTargets, resourcePath, runKube,
  type ApiResource, type CliContext, type GlobalFlags,
} from '../kube/index.js';
import { JsonPath, parseOutput, printObjects, relaxed, TablePrinter, type OutputFormat, type Table, type TableRow } from '../printers/index.js';
import { getJson, tableAccept, watchLines } from './stream.js';

interface GetOptions extends GlobalFlags {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  showLabels: boolean;
  labelColumns?: string[];
  watch: boolean;
  watchOnly: boolean;
  /** commander's `--no-headers` sets `headers: false`. */
  headers?: boolean;
  sortBy?: string;
  filename?: string[];
  showManagedFields: boolean;
}

/** kubectl hides metadata.managedFields from yaml and json unless --show-managed-fields. */
function hideManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  void _m;
  return { ...obj, metadata };
}

interface Block {
  readonly resource: ApiResource;
  readonly names: readonly string[];
}

export function getCommand(): Command {
  return kubeCommand('get', 'display one or many resources', { allNamespaces: true })
    .option('-o, --output <format>', 'json|yaml|wide|name|custom-columns=…|custom-columns-file=…|jsonpath=…|jsonpath-file=…')
    .option('-l, --selector <selector>', 'label selector (=, ==, !=, in, notin, exists)')
    .option('--field-selector <selector>', 'field selector (metadata.name=x, spec.nodeName=y…)')
    .option('--show-labels', 'show all labels as the last column', false)
    .option('-L, --label-columns <keys>', 'labels to show as columns (repeatable, or comma-separated)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)])
    .option('-w, --watch', 'after listing, watch for changes', false)
    .option('--watch-only', 'watch for changes without listing first', false)
    .option('--no-headers', 'do not print headers')
    .option('--sort-by <jsonpath>', 'sort list types by this JSONPath expression')
    .option('-f, --filename <file>', 'files naming the resources to get', collect)
    .option('--show-managed-fields', 'keep metadata.managedFields in json and yaml output', false)
    .action(runKube<GetOptions>(async (ctx, args, opts) => {
      const format = parseOutput(opts.output);
      const blocks = await blocksFor(ctx, args, opts);
      if (opts.watch || opts.watchOnly) {
        if (blocks.length !== 1) throw new CliError('you may only specify a single resource type');
        await watch(ctx, blocks[0]!, format, opts);
        return;
      }
      const withKind = blocks.length > 1;
      let printed = 0;
      let first = true;
      const listed = blocks.every((b) => b.names.length === 0);
      const nonTable: { obj: KubeObject; group: string }[] = [];
      for (const b of blocks) {
        if (format.kind === 'table' || format.kind === 'wide') {
          const table = await fetchTable(ctx, b, opts);
          if (!table.rows?.length) continue;
          if (!first && opts.headers !== false) ctx.out.write('\n');
          first = false;
          printed += table.rows.length;
          ctx.out.write(new TablePrinter(tableOptions(ctx, b.resource, format, opts, withKind)).print(table));
        } else {
          for (const obj of await fetchObjects(ctx, b, opts)) nonTable.push({ obj: opts.showManagedFields ? obj : hideManagedFields(obj), group: b.resource.group });
        }
      }
      if (format.kind !== 'table' && format.kind !== 'wide') {
        printed = nonTable.length;
        const single = blocks.length === 1 && blocks[0]!.names.length === 1;
        if (nonTable.length || format.kind !== 'name') ctx.out.write(printObjects(sortObjects(nonTable, opts.sortBy), format, single, opts.headers === false));
      }
      if (printed === 0 && listed) ctx.err.write(`${noResources(ctx, blocks)}\n`);
    }));
}

/** kubectl's message for an empty answer. */
function noResources(ctx: CliContext, blocks: readonly Block[]): string {
  if (ctx.allNamespaces || blocks.every((b) => !b.resource.namespaced)) return 'No resources found';
  return `No resources found in ${ctx.namespace} namespace.`;
}

async function blocksFor(ctx: CliContext, args: string[], opts: GetOptions): Promise<Block[]> {
  if (opts.filename?.length) {
    const targets = await resolveTargets(ctx, args, { filenames: opts.filename });
    const out: { resource: ApiResource; names: string[] }[] = [];
    for (const t of targets) {
      const b = out.find((x) => x.resource === t.resource);
      if (b) b.names.push(t.name);
      else out.push({ resource: t.resource, names: [t.name] });
    }
    return out;
  }
  if (args.length === 0) throw new CliError('You must specify the type of resource to get. Use "skiff api-resources" for a complete list of supported resources.');
  const blocks = parseResourceArgs(await ctx.discovery(), args);
  if (blocks.some((b) => b.names.length) && opts.selector) throw new CliError('name cannot be provided when a selector is specified');
  return blocks;
}

function tableOptions(ctx: CliContext, r: ApiResource, format: OutputFormat, opts: GetOptions, withKind: boolean) {
  return {
    wide: format.kind === 'wide',
    noHeaders: opts.headers === false,
    withNamespace: ctx.allNamespaces && r.namespaced,
    showLabels: opts.showLabels,
    labelColumns: opts.labelColumns ?? [],
    ...(withKind ? { kindPrefix: kindString(r) } : {}),
  };
}

const namespaceOf = (ctx: CliContext, r: ApiResource) => (r.namespaced && !ctx.allNamespaces ? ctx.namespace : undefined);

function listQuery(opts: GetOptions, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { labelSelector: opts.selector, fieldSelector: opts.fieldSelector, ...extra };
}

/** One Table for a block: its list, or each named object's one-row Table merged. */
async function fetchTable(ctx: CliContext, b: Block, opts: GetOptions): Promise<Table> {
  const include = opts.sortBy ? 'Object' : undefined;
  const ns = b.resource.namespaced ? (b.names.length ? ctx.namespace : namespaceOf(ctx, b.resource)) : undefined;
  let table: Table;
  if (b.names.length === 0) {
    table = await getJson(ctx.config, resourcePath(b.resource, ns, undefined, undefined, listQuery(opts, { includeObject: include }))) as Table;
  } else {
    const tables: Table[] = [];
    for (const n of b.names) tables.push(await getJson(ctx.config, resourcePath(b.resource, ns, n, undefined, { includeObject: include })) as Table);
    table = { ...tables[0], rows: tables.flatMap((t) => t.rows ?? []) };
  }
  if (table.kind !== 'Table') table = fallbackTable(table as unknown as { items?: KubeObject[] } & KubeObject);
  return opts.sortBy ? { ...table, rows: sortRows(table.rows ?? [], opts.sortBy) } : table;
}

/** A server that answered JSON instead of a Table: NAME and AGE, as kubectl degrades. */
function fallbackTable(v: { items?: KubeObject[] } & KubeObject): Table {
  const items = v.items ?? [v];
  return { kind: 'Table', columnDefinitions: [{ name: 'Name', format: 'name' }, { name: 'Age' }], rows: items.map((o) => ({ cells: [o.metadata.name, ''], object: o })) };
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [a === undefined ? '' : typeof a === 'string' ? a : JSON.stringify(a), b === undefined ? '' : typeof b === 'string' ? b : JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortRows(rows: readonly TableRow[], sortBy: string): TableRow[] {
  const jp = new JsonPath(relaxed(sortBy));
  return [...rows].sort((a, b) => compare(jp.values(a.object)[0], jp.values(b.object)[0]));
}

function sortObjects<T extends { obj: KubeObject }>(list: T[], sortBy: string | undefined): T[] {
  if (!sortBy) return list;
  const jp = new JsonPath(relaxed(sortBy));
  return [...list].sort((a, b) => compare(jp.values(a.obj)[0], jp.values(b.obj)[0]));
}

async function fetchObjects(ctx: CliContext, b: Block, opts: GetOptions): Promise<KubeObject[]> {
  const apiVersion = b.resource.group ? `${b.resource.group}/${b.resource.version}` : b.resource.version;
  const ns = b.resource.namespaced ? (b.names.length ? ctx.namespace : namespaceOf(ctx, b.resource)) : undefined;
  if (b.names.length) {
    const out: KubeObject[] = [];
    for (const n of b.names) out.push(await ctx.client.request('GET', resourcePath(b.resource, ns, n)) as KubeObject);
    return out;
  }
  const list = await ctx.client.request('GET', resourcePath(b.resource, ns, undefined, undefined, listQuery(opts))) as { items?: KubeObject[] };
  return (list.items ?? []).map((o) => ({ apiVersion, kind: b.resource.kind, ...o }));
}

/** `-w`: the list (unless --watch-only), then every change as a row under the same header. */
async function watch(ctx: CliContext, b: Block, format: OutputFormat, opts: GetOptions): Promise<void> {
  const table = format.kind === 'table' || format.kind === 'wide';
  const ns = b.resource.namespaced ? (b.names.length ? ctx.namespace : namespaceOf(ctx, b.resource)) : undefined;
  const fieldSelector = [opts.fieldSelector, b.names.length === 1 ? `metadata.name=${b.names[0]!}` : undefined].filter(Boolean).join(',') || undefined;
  const q = { labelSelector: opts.selector, fieldSelector };
  const printer = new TablePrinter(tableOptions(ctx, b.resource, format, opts, false));
  const initial = await getJson(ctx.config, resourcePath(b.resource, ns, undefined, undefined, q), table ? tableAccept : 'application/json') as Table & { items?: KubeObject[] };
  const rv = initial.metadata?.resourceVersion ?? '';
  if (!opts.watchOnly) {
    if (table) ctx.out.write(printer.print(initial));
    else for (const obj of initial.items ?? []) ctx.out.write(printObjects([{ obj, group: b.resource.group }], format, true));
  }
  const w = await watchLines(ctx.config, resourcePath(b.resource, ns, undefined, undefined, { ...q, watch: 'true', resourceVersion: rv }), table ? tableAccept : 'application/json', (e) => {
    if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
    if (table) ctx.out.write(printer.print(e.object as Table));
    else ctx.out.write(printObjects([{ obj: e.object as KubeObject, group: b.resource.group }], format, true));
  });
  const stop = () => w.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await w.ended;
}
