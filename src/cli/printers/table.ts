/**
 * Printing the server's `meta.k8s.io/v1` Table as kubectl does (printers.HumanReadablePrinter over
 * a Table): upper-cased headers, wide (priority > 0) columns only with `-o wide`, a NAMESPACE
 * column first with `-A`, `-L` label columns and a LABELS column last, `kind/name` names when
 * several kinds are printed, all through a tab writer with 3 spaces between columns.
 */
import { TabWriter, getTableOptions } from './tabwriter.js';

export interface TableColumn {
  readonly name: string;
  readonly type?: string;
  readonly format?: string;
  readonly priority?: number;
}

export interface TableRow {
  readonly cells: readonly unknown[];
  /** PartialObjectMetadata or the whole object (includeObject). */
  readonly object?: { readonly metadata?: { readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> } };
}

export interface Table {
  readonly kind?: string;
  readonly columnDefinitions?: readonly TableColumn[] | null;
  readonly rows?: readonly TableRow[] | null;
  readonly metadata?: { readonly resourceVersion?: string };
}

export interface TableOptions {
  readonly wide?: boolean;
  readonly noHeaders?: boolean;
  /** Print the NAMESPACE column (`-A`). */
  readonly withNamespace?: boolean;
  readonly showLabels?: boolean;
  /** `-L` keys. */
  readonly labelColumns?: readonly string[];
  /** `pod`, `replicationcontroller`, `deployment.apps`: prefixes names when several kinds print. */
  readonly kindPrefix?: string;
}

/** `-L app.kubernetes.io/name` → `NAME` (kubectl uses the part after the last `/`). */
export function labelHeader(key: string): string {
  const i = key.lastIndexOf('/');
  return (i >= 0 ? key.slice(i + 1) : key).toUpperCase();
}

/** labels.FormatLabels: sorted `k=v` joined by `,`, `<none>` when empty. */
export function formatLabelMap(m: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${m![k]}`).join(',');
}

/** A cell as Go's fmt prints it; absent values print as `<none>` like kubectl's table printer. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function visible(table: Table, opts: TableOptions): number[] {
  const cols = table.columnDefinitions ?? [];
  return cols.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || (c.priority ?? 0) === 0).map(({ i }) => i);
}

/** The tab-separated lines of one table (header unless `noHeaders`). */
export function tableLines(table: Table, opts: TableOptions): string[] {
  const cols = table.columnDefinitions ?? [];
  const idx = visible(table, opts);
  const lines: string[] = [];
  if (!opts.noHeaders) {
    const header = [
      ...(opts.withNamespace ? ['NAMESPACE'] : []),
      ...idx.map((i) => cols[i]!.name.toUpperCase()),
      ...(opts.labelColumns ?? []).map(labelHeader),
      ...(opts.showLabels ? ['LABELS'] : []),
    ];
    lines.push(header.join('\t'));
  }
  for (const row of table.rows ?? []) lines.push(rowCells(table, row, idx, opts).join('\t'));
  return lines;
}

function rowCells(table: Table, row: TableRow, idx: readonly number[], opts: TableOptions): string[] {
  const cols = table.columnDefinitions ?? [];
  const meta = row.object?.metadata;
  return [
    ...(opts.withNamespace ? [meta?.namespace ?? ''] : []),
    ...idx.map((i) => {
      const text = cellText(row.cells[i]);
      return opts.kindPrefix && cols[i]?.format === 'name' ? `${opts.kindPrefix}/${text}` : text;
    }),
    ...(opts.labelColumns ?? []).map((k) => meta?.labels?.[k] ?? ''),
    ...(opts.showLabels ? [formatLabelMap(meta?.labels)] : []),
  ];
}

/**
 * A table printer that keeps column widths between calls, as kubectl's one tab writer does while
 * it streams `get -w` rows under the header it printed first.
 */
export class TablePrinter {
  private writer = new TabWriter(getTableOptions);
  private printedHeader = false;

  constructor(private readonly opts: TableOptions) {}

  /** The header (once) and the rows of `table`, laid out. */
  print(table: Table): string {
    const lines = tableLines(table, { ...this.opts, noHeaders: this.opts.noHeaders || this.printedHeader });
    if (!this.opts.noHeaders) this.printedHeader = true;
    if (lines.length === 0) return '';
    this.writer.write(lines.join('\n') + '\n');
    return this.writer.flush();
  }
}

/** One table, laid out in one go. */
export function printTable(table: Table, opts: TableOptions): string {
  return new TablePrinter(opts).print(table);
}
