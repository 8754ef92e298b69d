/**
 * Go's `text/tabwriter`, which kubectl prints every table and every `describe` through: cells end
 * at `\t`, a column is the run of adjacent lines that have a cell at that index, and each column is
 * as wide as its widest cell plus the padding. Reimplemented cell for cell so that column layout
 * matches kubectl's byte for byte (the last cell of a line is never padded; a line without tabs
 * ends every column above it).
 */

export interface TabWriterOptions {
  /** Minimal cell width including padding (kubectl get: 6; describe: 0). */
  readonly minWidth: number;
  /** Added to the widest cell of a column (kubectl get: 3; describe: 2). */
  readonly padding: number;
  /** Keep column widths across flushes, so rows printed later (`get -w`) stay aligned with the
   * header printed first (tabwriter.RememberWidths). */
  readonly rememberWidths?: boolean;
}

/** kubectl's table writer (printers.GetNewTabWriter). */
export const getTableOptions: TabWriterOptions = { minWidth: 6, padding: 3, rememberWidths: true };
/** kubectl describe's writer (tabbedString). */
export const describeOptions: TabWriterOptions = { minWidth: 0, padding: 2 };

const width = (s: string): number => [...s].length;

export class TabWriter {
  private lines: string[][] = [];
  private partial = '';
  private readonly remembered: number[] = [];

  constructor(private readonly opts: TabWriterOptions) {}

  /** Buffers text; complete lines are laid out on {@link flush}. */
  write(text: string): void {
    const all = this.partial + text;
    const parts = all.split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.lines.push(p.split('\t'));
  }

  /** Lays out and returns everything buffered (a trailing partial line is kept unterminated). */
  flush(): string {
    const lines = this.lines;
    if (this.partial !== '') lines.push(this.partial.split('\t'));
    const trailingNewline = this.partial === '';
    this.lines = [];
    this.partial = '';
    const out: string[] = [];
    this.format(lines, [], 0, lines.length, out);
    return out.join('\n') + (trailingNewline && out.length > 0 ? '\n' : '');
  }

  private format(lines: string[][], widths: number[], line0: number, line1: number, out: string[]): void {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      this.emit(lines, widths, start, i, out);
      start = i;
      let w = this.opts.minWidth;
      for (; i < line1; i++) {
        const line = lines[i]!;
        if (column >= line.length - 1) break;
        w = Math.max(w, width(line[column]!) + this.opts.padding);
      }
      if (this.opts.rememberWidths) {
        w = Math.max(w, this.remembered[column] ?? 0);
        this.remembered[column] = w;
      }
      this.format(lines, [...widths, w], start, i, out);
      start = i;
      i--;
    }
    this.emit(lines, widths, start, line1, out);
  }

  private emit(lines: string[][], widths: number[], from: number, to: number, out: string[]): void {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let text = '';
      cells.forEach((c, j) => {
        text += c;
        if (j < widths.length && j < cells.length - 1) text += ' '.repeat(Math.max(0, widths[j]! - width(c)));
      });
      out.push(text);
    }
  }
}

/** Lays out `text` in one go. */
export function tabbed(text: string, opts: TabWriterOptions): string {
  const w = new TabWriter(opts);
  w.write(text);
  return w.flush();
}
