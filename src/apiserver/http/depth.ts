/**
 * Nesting depth of request bodies, measured before they are parsed: a linear scan of the text with
 * constant memory, so a 3 MiB body of `[[[[…` or of ever deeper YAML never reaches a parser (the
 * YAML library builds its whole syntax tree first: 1.8 GB and 28 s for one such body) nor any of
 * the recursive code after it (validation, merge, deep equality, JSON.stringify).
 */

/**
 * How deep a body may nest. Kubernetes' decoders stop at 10000, but skiff's pipeline is recursive
 * JavaScript (isDeepStrictEqual overflows the stack near 2000 levels, the YAML library near 400),
 * and no built-in kind nests beyond about 30 levels, so skiff refuses bodies past 200 levels with
 * Kubernetes' wording. Kubernetes would accept (and prune) only unknown fields that deep.
 */
export const MAX_NESTING_DEPTH = 200;

/** Where a JSON text first opens its (max+1)-th level: the bracket, for Go's message. */
export function jsonTooDeep(text: string, max = MAX_NESTING_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return text[i];
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return undefined;
}

/** How many nodes a YAML body may have. The `yaml` library needs some 20–40 µs and 1 KB per node
 * (a 3 MiB flow list: 26 s and 1.6 GB), so past this a body is refused before it is parsed;
 * a large manifest has a few thousand nodes, and JSON bodies (parsed natively) have no such cap. */
export const MAX_YAML_NODES = 10_000;

export type YamlScan = { readonly tooDeepAt: number } | { readonly tooManyNodes: true } | undefined;

/**
 * Where a YAML text first nests deeper than `max` (1-based line), or that it has more than
 * `maxNodes` nodes; undefined when neither. Depth counts block levels (a line is one level below
 * the nearest less indented one; `- `, `? ` and a key after a `- ` are one level each) plus flow
 * levels (`[`, `{` where a node starts, outside quotes and comments); block scalars (`|`, `>`)
 * are skipped. Close to the parser's count, a little above or below: the parse is checked again.
 */
export function scanYaml(text: string, max = MAX_NESTING_DEPTH, maxNodes = MAX_YAML_NODES): YamlScan {
  let nodes = 0;
  // Open block levels: the indentation of each line that opened one, and the depth below it.
  const indents: number[] = [];
  const depths: number[] = [];
  let flow = 0;
  let quote: '' | '"' | "'" = '';
  let blockScalarParent = -1; // indentation of the line that opened a block scalar
  let line = 0;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    line++;
    let i = pos;
    let indent = 0;
    while (i < end && text[i] === ' ') i++;
    indent = i - pos;
    const blank = i >= end || text[i] === '#' || text[i] === '\r';
    if (blockScalarParent >= 0) {
      if (blank || indent > blockScalarParent) {
        pos = end + 1;
        continue;
      }
      blockScalarParent = -1;
    }
    let lineLevels = 0;
    const blockLine = quote === '' && flow === 0 && !blank;
    if (blockLine) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) {
        indents.pop();
        depths.pop();
      }
    }
    const base = depths.length > 0 ? depths[depths.length - 1]! : 0;
    let nodeStart = quote === '' && (flow > 0 || !blank);
    let keyAfterDash = false;
    for (; i < end; i++) {
      const ch = text[i]!;
      if (quote === '"') {
        if (ch === '\\') i++;
        else if (ch === '"') quote = '';
        continue;
      }
      if (quote === "'") {
        if (ch === "'") {
          if (text[i + 1] === "'") i++;
          else quote = '';
        }
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r') continue;
      if (ch === '#' && (i === pos || text[i - 1] === ' ' || text[i - 1] === '\t')) break;
      const spaceAfter = isBreak(text, i + 1, end);
      if (nodeStart && (ch === '"' || ch === "'")) {
        quote = ch;
        nodeStart = false;
        if (++nodes > maxNodes) return { tooManyNodes: true };
        continue;
      }
      let node = true; // whether this character starts a node (scalar or collection)
      if ((ch === '[' || ch === '{') && (nodeStart || flow > 0)) {
        flow++;
        nodeStart = true;
      } else if ((ch === ']' || ch === '}') && flow > 0) {
        flow--;
        nodeStart = false;
        node = false;
      } else if (ch === ',' && flow > 0) {
        nodeStart = true;
        node = false;
      } else if ((ch === '-' || ch === '?') && spaceAfter && nodeStart && flow === 0) {
        lineLevels++;
        nodeStart = true;
      } else if (ch === ':' && spaceAfter) {
        // `- key: value`: the item is a mapping, one level below the sequence.
        if (flow === 0 && lineLevels > 0 && !keyAfterDash) {
          keyAfterDash = true;
          lineLevels++;
        }
        nodeStart = true;
        node = false;
      } else if ((ch === '!' || ch === '&') && nodeStart) {
        while (i + 1 < end && text[i + 1] !== ' ') i++; // a tag or anchor; the node follows it
        node = false;
      } else if ((ch === '|' || ch === '>') && nodeStart && flow === 0) {
        blockScalarParent = indent;
        if (++nodes > maxNodes) return { tooManyNodes: true };
        break;
      } else {
        if (flow > 0) {
          // A plain scalar in flow context runs to the next indicator.
          while (i + 1 < end && !',[]{}#:'.includes(text[i + 1]!)) i++;
          nodeStart = false;
        } else if (nodeStart) {
          // A plain scalar or key in block context: a key may be followed by `: ` and a value.
          while (i + 1 < end && !(text[i + 1] === ':' && isBreak(text, i + 2, end)) && !(text[i + 1] === '#' && text[i] === ' ')) i++;
          nodeStart = false;
        } else {
          node = false; // more of a plain scalar (e.g. the rest of a multi-line one)
        }
      }
      if (base + Math.max(lineLevels, 1) + flow > max) return { tooDeepAt: line };
      if (node && ++nodes > maxNodes) return { tooManyNodes: true };
    }
    if (blockLine) {
      indents.push(indent);
      depths.push(base + Math.max(lineLevels, 1));
    }
    pos = end + 1;
  }
  return undefined;
}

/** Whether position `i` of a line ending at `end` is a space, a tab or the end of the line. */
function isBreak(text: string, i: number, end: number): boolean {
  if (i >= end) return true;
  const c = text.charCodeAt(i);
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/** Whether a parsed value nests deeper than `max` (iteratively; YAML aliases can nest a value
 * deeper than its text). Shared subtrees are visited once per path, but never past `max`. */
export function valueTooDeep(value: unknown, max = MAX_NESTING_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) return true;
    if (++visited > 1_000_000) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return false;
}
