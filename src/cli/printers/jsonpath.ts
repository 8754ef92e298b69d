/**
 * kubectl's JSONPath templates (`-o jsonpath=`, custom columns, `--sort-by`): literal text with
 * `{…}` actions — paths (`.a.b`, `$`, `[*]`, `[0]`, `[1:3]`, `['k']`, `..name`, filters
 * `[?(@.x=="y")]`), `{range …}…{end}`, string literals `{"\n"}`. Written here rather than over a
 * JSONPath library because the template layer, the range cursor and kubectl's printing rules (values
 * of one action joined by a space, strings raw, the rest as JSON, missing keys print nothing) are
 * most of the work, and the path subset kubectl supports is small.
 */

type Segment =
  | { readonly t: 'field'; readonly name: string }
  | { readonly t: 'recursive'; readonly name: string | undefined }
  | { readonly t: 'all' }
  | { readonly t: 'index'; readonly keys: readonly (number | string)[] }
  | { readonly t: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly t: 'filter'; readonly left: Path; readonly op?: string; readonly right?: Path | { readonly lit: unknown } };

interface Path {
  readonly root: boolean;
  readonly segments: readonly Segment[];
}

type Node =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'path'; readonly path: Path }
  | { readonly t: 'range'; readonly path: Path; readonly body: readonly Node[] };

export class JsonPathError extends Error {}

/** Parses a template once; {@link JsonPath.execute} runs it on any number of objects. */
export class JsonPath {
  private readonly nodes: readonly Node[];

  constructor(readonly template: string) {
    const tokens = tokenize(template);
    const [nodes, rest] = parseNodes(tokens, 0);
    if (rest < tokens.length) throw new JsonPathError(`unexpected {end} in ${template}`);
    this.nodes = nodes;
  }

  /** The printed text for `data`. */
  execute(data: unknown): string {
    return run(this.nodes, data, data);
  }

  /** Each action's values, without printing (custom columns, --sort-by). */
  values(data: unknown): unknown[] {
    const out: unknown[] = [];
    for (const n of this.nodes) if (n.t === 'path') out.push(...evalPath(n.path, data, data));
    return out;
  }
}

/** kubectl's RelaxedJSONPathExpression: `.a.b`, `a.b` and `{.a.b}` all mean `{.a.b}`. */
export function relaxed(expr: string): string {
  const e = expr.trim();
  if (e.startsWith('{') && e.endsWith('}')) return e;
  if (e.startsWith('.') || e.startsWith('$') || e.startsWith('[')) return `{${e}}`;
  return `{.${e}}`;
}

/** A value as kubectl's JSONPath prints it: strings raw, everything else as JSON. */
export function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
}

type Token = { readonly text: string } | { readonly action: string };

function tokenize(template: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      out.push({ text: template.slice(i) });
      break;
    }
    if (open > i) out.push({ text: template.slice(i, open) });
    let j = open + 1;
    let quote = '';
    for (; j < template.length; j++) {
      const ch = template[j]!;
      if (quote) {
        if (ch === '\\') j++;
        else if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '}') break;
    }
    if (j >= template.length) throw new JsonPathError(`unclosed action in ${template}`);
    out.push({ action: template.slice(open + 1, j).trim() });
    i = j + 1;
  }
  return out;
}

function parseNodes(tokens: readonly Token[], start: number): [Node[], number] {
  const nodes: Node[] = [];
  let i = start;
  while (i < tokens.length) {
    const tok = tokens[i]!;
    if ('text' in tok) {
      nodes.push({ t: 'text', text: tok.text });
      i++;
      continue;
    }
    const a = tok.action;
    if (a === 'end') return [nodes, i];
    if (a.startsWith('range ')) {
      const [body, endAt] = parseNodes(tokens, i + 1);
      if (endAt >= tokens.length) throw new JsonPathError('range without end');
      nodes.push({ t: 'range', path: parsePath(a.slice(6).trim()), body });
      i = endAt + 1;
      continue;
    }
    if (a.startsWith('"') || a.startsWith("'")) nodes.push({ t: 'text', text: unquote(a) });
    else if (a !== '') nodes.push({ t: 'path', path: parsePath(a) });
    i++;
  }
  return [nodes, i];
}

function unquote(s: string): string {
  const body = s.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c);
}

function parsePath(src: string): Path {
  let s = src.trim();
  let root = false;
  if (s.startsWith('$')) {
    root = true;
    s = s.slice(1);
  } else if (s.startsWith('@')) s = s.slice(1);
  const segments: Segment[] = [];
  let i = 0;
  const ident = () => {
    const m = /^[^.[\]\s()=!<>&|]*/.exec(s.slice(i))![0];
    i += m.length;
    return m;
  };
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      i += 2;
      if (s[i] === '[') segments.push({ t: 'recursive', name: undefined });
      else segments.push({ t: 'recursive', name: ident() });
    } else if (s[i] === '.') {
      i++;
      const name = ident();
      if (name === '*') segments.push({ t: 'all' });
      else if (name !== '') segments.push({ t: 'field', name });
    } else if (s[i] === '[') {
      const close = matchingBracket(s, i);
      segments.push(parseBracket(s.slice(i + 1, close).trim()));
      i = close + 1;
    } else {
      segments.push({ t: 'field', name: ident() });
      if (i < s.length && s[i] !== '.' && s[i] !== '[') throw new JsonPathError(`unrecognized character in action: ${src}`);
    }
  }
  return { root, segments };
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let j = open; j < s.length; j++) {
    const ch = s[j]!;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) return j;
  }
  throw new JsonPathError(`unterminated array in ${s}`);
}

function parseBracket(inner: string): Segment {
  if (inner === '*') return { t: 'all' };
  if (inner.startsWith('?(') && inner.endsWith(')')) return parseFilter(inner.slice(2, -1).trim());
  if (inner.includes(':') && !/^['"]/.test(inner)) {
    const [a, b, c] = inner.split(':').map((x) => (x.trim() === '' ? undefined : Number(x)));
    return { t: 'slice', ...(a !== undefined ? { start: a } : {}), ...(b !== undefined ? { end: b } : {}), ...(c !== undefined ? { step: c } : {}) };
  }
  const keys = inner.split(',').map((k) => {
    const x = k.trim();
    if (/^['"].*['"]$/.test(x)) return unquote(x);
    const n = Number(x);
    if (!Number.isInteger(n)) throw new JsonPathError(`invalid array index ${x}`);
    return n;
  });
  return { t: 'index', keys };
}

function parseFilter(expr: string): Segment {
  const m = /^(.*?)\s*(==|!=|<=|>=|<|>|=~)\s*(.*)$/.exec(expr);
  if (!m) return { t: 'filter', left: parsePath(expr) };
  const operand = (x: string): Path | { lit: unknown } => {
    const v = x.trim();
    if (v.startsWith('@') || v.startsWith('$')) return parsePath(v);
    if (/^['"]/.test(v)) return { lit: unquote(v) };
    if (v === 'true' || v === 'false') return { lit: v === 'true' };
    const n = Number(v);
    return { lit: Number.isNaN(n) ? v : n };
  };
  return { t: 'filter', left: parsePath(m[1]!), op: m[2]!, right: operand(m[3]!) };
}

function run(nodes: readonly Node[], root: unknown, cur: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.text;
    else if (n.t === 'path') out += evalPath(n.path, root, cur).map(valueText).join(' ');
    else for (const item of evalPath(n.path, root, cur).flatMap((v) => (Array.isArray(v) ? v : [v]))) out += run(n.body, root, item);
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function evalPath(p: Path, root: unknown, cur: unknown): unknown[] {
  let vals: unknown[] = [p.root ? root : cur];
  for (const seg of p.segments) vals = vals.flatMap((v) => step(seg, v, root));
  return vals;
}

function step(seg: Segment, v: unknown, root: unknown): unknown[] {
  switch (seg.t) {
    case 'field':
      return isObj(v) && v[seg.name] !== undefined ? [v[seg.name]] : [];
    case 'all':
      return Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
    case 'index':
      return seg.keys.flatMap((k) => {
        if (typeof k === 'string') return isObj(v) && v[k] !== undefined ? [v[k]] : [];
        if (!Array.isArray(v)) return [];
        const i = k < 0 ? v.length + k : k;
        return i >= 0 && i < v.length ? [v[i]] : [];
      });
    case 'slice': {
      if (!Array.isArray(v)) return [];
      const norm = (x: number | undefined, d: number) => (x === undefined ? d : x < 0 ? Math.max(0, v.length + x) : Math.min(x, v.length));
      const out: unknown[] = [];
      for (let i = norm(seg.start, 0); i < norm(seg.end, v.length); i += seg.step ?? 1) out.push(v[i]);
      return out;
    }
    case 'recursive':
      return descend(v).flatMap((x) => (seg.name === undefined ? [x] : isObj(x) && x[seg.name] !== undefined ? [x[seg.name]] : []));
    case 'filter': {
      const items = Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
      return items.filter((item) => matches(seg, item, root));
    }
  }
}

function descend(v: unknown): unknown[] {
  const out: unknown[] = [v];
  if (Array.isArray(v)) for (const x of v) out.push(...descend(x));
  else if (isObj(v)) for (const x of Object.values(v)) out.push(...descend(x));
  return out;
}

function matches(seg: Extract<Segment, { t: 'filter' }>, item: unknown, root: unknown): boolean {
  const left = evalPath(seg.left, root, item);
  if (!seg.op || !seg.right) return left.length > 0 && left[0] !== false && left[0] !== null;
  const right = 'lit' in seg.right ? [seg.right.lit] : evalPath(seg.right, root, item);
  const a = left[0];
  const b = right[0];
  if (left.length === 0 || right.length === 0) return false;
  switch (seg.op) {
    case '==': return a === b || (typeof a === 'number' && Number(b) === a);
    case '!=': return a !== b;
    case '<': return (a as number) < (b as number);
    case '>': return (a as number) > (b as number);
    case '<=': return (a as number) <= (b as number);
    case '>=': return (a as number) >= (b as number);
    case '=~': return new RegExp(String(b)).test(String(a));
    default: return false;
  }
}
