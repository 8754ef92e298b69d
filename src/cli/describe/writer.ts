/**
 * What every describer writes with: kubectl's PrefixWriter (two spaces per level) feeding a tab
 * writer with padding 2, plus the blocks every kind shares — multi-line labels and annotations,
 * RFC 1123 times, the Events table.
 */
import { describeOptions, tabbed } from '../printers/index.js';
import { humanDuration } from '../../apiserver/tables/index.js';

export class DescribeWriter {
  private text = '';

  constructor(readonly now: Date = new Date()) {}

  /** `line` at `level` (0–3), already tab-separated; a newline is added. */
  line(level: number, line: string): void {
    this.text += `${'  '.repeat(level)}${line}\n`;
  }

  /** Raw text (continuations of a line). */
  raw(text: string): void {
    this.text += text;
  }

  toString(): string {
    return tabbed(this.text, describeOptions);
  }
}

/** Go's RFC1123Z in local time: `Mon, 02 Jan 2006 15:04:05 -0700`. */
export function rfc1123z(ts: string | undefined): string {
  const t = ts ? new Date(ts) : undefined;
  if (!t || Number.isNaN(t.getTime())) return '<unknown>';
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  const off = -t.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const zone = `${sign}${p(Math.trunc(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  return `${days[t.getDay()]!}, ${p(t.getDate())} ${months[t.getMonth()]!} ${t.getFullYear()} ${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())} ${zone}`;
}

/** Time since `ts` as describe prints ages (`<unknown>` when missing). */
export function since(ts: string | undefined, now: Date): string {
  const t = ts ? Date.parse(ts) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** `Title:\tk=v` then `\tk2=v2` per further key, sorted; `<none>` when empty. */
export function multiline(w: DescribeWriter, title: string, m: Readonly<Record<string, string>> | undefined, skip: readonly string[] = []): void {
  const keys = Object.keys(m ?? {}).filter((k) => !skip.includes(k)).sort();
  if (keys.length === 0) {
    w.raw(`${title}:\t<none>\n`);
    return;
  }
  keys.forEach((k, i) => w.raw(`${i === 0 ? `${title}:` : ''}\t${k}=${m![k]!}\n`));
}

/** Annotations as kubectl shows them: the last-applied configuration left out. */
export function annotations(w: DescribeWriter, title: string, m: Readonly<Record<string, string>> | undefined): void {
  multiline(w, title, m, ['kubectl.kubernetes.io/last-applied-configuration']);
}

export interface EventLike {
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  readonly firstTimestamp?: string | null;
  readonly lastTimestamp?: string | null;
  readonly eventTime?: string | null;
  readonly source?: { readonly component?: string; readonly host?: string };
  readonly reportingComponent?: string;
  readonly reportingInstance?: string;
}

/** The Events table, oldest first; `Events:\t<none>` when there are none. */
export function events(w: DescribeWriter, list: readonly EventLike[] | undefined): void {
  if (!list) return;
  if (list.length === 0) {
    w.line(0, 'Events:\t<none>');
    return;
  }
  const first = (e: EventLike) => e.firstTimestamp || e.eventTime || undefined;
  const last = (e: EventLike) => e.lastTimestamp || first(e);
  const sorted = [...list].sort((a, b) => Date.parse(last(a) ?? '') - Date.parse(last(b) ?? ''));
  w.line(0, 'Events:');
  w.line(1, 'Type\tReason\tAge\tFrom\tMessage');
  w.line(1, '----\t------\t----\t----\t-------');
  for (const e of sorted) {
    const firstAge = since(first(e), w.now);
    const age = (e.count ?? 1) > 1 ? `${since(last(e), w.now)} (x${e.count ?? 1} over ${firstAge})` : firstAge;
    const component = e.source?.component || e.reportingComponent || '';
    const host = e.source?.component ? e.source.host : e.reportingInstance;
    const from = host ? `${component}, ${host}` : component;
    w.line(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${age}\t${from}\t${(e.message ?? '').trim()}`);
  }
}
