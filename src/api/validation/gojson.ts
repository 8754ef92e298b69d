/**
 * What Go's `json.Unmarshal(data, &map[string]interface{}{})` says about bytes, word for word:
 * Kubernetes validates docker config Secrets that way and puts the error in its message. A
 * syntax error comes first (Go's scanner checks the whole input before decoding), in the
 * scanner's words (`invalid character 'x' looking for beginning of value`, `unexpected end of
 * JSON input`); then a top-level value that is not an object (null is fine: the map stays nil).
 * Go reads bytes, not characters, so invalid UTF-8 inside strings passes as it does in Go.
 */
import { goQuote } from './goquote.js';

/** Go's quoteChar: the byte in single quotes, escaped as strconv.Quote escapes it. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  return `'${goQuote(String.fromCharCode(c)).slice(1, -1)}'`;
}

class GoSyntaxError extends Error {}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** A recursive reader over the bytes with the scanner's messages; `context` is where the parser stands. */
/** Go's maxNestingDepth: deeper input is refused. */
const maxDepth = 10_000;

/**
 * Go's scanner over the whole input, iteratively (an explicit stack of open objects and arrays,
 * so deep input cannot exhaust ours): the first byte of the top-level value, or a GoSyntaxError
 * whose text says where the parser stood.
 */
function scan(b: Uint8Array): number {
  let i = 0;
  const open: ('object' | 'array')[] = [];
  const fail = (context: string): never => {
    if (i >= b.length) throw new GoSyntaxError('unexpected end of JSON input');
    throw new GoSyntaxError(`invalid character ${quoteChar(b[i]!)} ${context}`);
  };
  const skipSpace = (): void => {
    while (i < b.length && isSpace(b[i]!)) i++;
  };
  const digits = (context: string): void => {
    if (i >= b.length || !isDigit(b[i]!)) fail(context);
    while (i < b.length && isDigit(b[i]!)) i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      const c = b[i];
      if (c === undefined || c < 0x20) fail('in string literal');
      i++;
      if (c === 0x22) return;
      if (c !== 0x5c) continue;
      const e = b[i];
      if (e === 0x75) {
        i++;
        for (let k = 0; k < 4; k++, i++) if (i >= b.length || !isHex(b[i]!)) fail('in \\u hexadecimal character escape');
      } else if (e !== undefined && 'bfnrt\\/"'.includes(String.fromCharCode(e))) i++;
      else fail('in string escape code');
    }
  };
  const number = (): void => {
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else digits('in numeric literal');
    if (b[i] === 0x2e) {
      i++;
      digits('after decimal point in numeric literal');
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      digits('in exponent of numeric literal');
    }
  };
  const literal = (word: string): void => {
    i++;
    for (const ch of word.slice(1)) {
      if (b[i] !== ch.charCodeAt(0)) fail(`in literal ${word} (expecting '${ch}')`);
      i++;
    }
  };
  /** An object key and its colon; the value follows. */
  const key = (): void => {
    if (b[i] !== 0x22) fail('looking for beginning of object key string');
    string();
    skipSpace();
    if (b[i] !== 0x3a) fail('after object key');
    i++;
  };
  /** Opens a container; true when it closed at once (`{}`, `[]`). */
  const enter = (kind: 'object' | 'array'): boolean => {
    open.push(kind);
    if (open.length > maxDepth) fail('exceeded max depth');
    i++;
    skipSpace();
    if (b[i] === (kind === 'object' ? 0x7d : 0x5d)) {
      i++;
      open.pop();
      return true;
    }
    if (kind === 'object') key();
    return false;
  };

  skipSpace();
  const first = b[i];
  for (;;) {
    // A value starts here.
    skipSpace();
    const c = b[i];
    if (c === 0x7b || c === 0x5b) {
      if (!enter(c === 0x7b ? 'object' : 'array')) continue;
    } else if (c === 0x22) string();
    else if (c === 0x2d || (c !== undefined && isDigit(c))) number();
    else if (c === 0x74) literal('true');
    else if (c === 0x66) literal('false');
    else if (c === 0x6e) literal('null');
    else fail('looking for beginning of value');
    // The value ended: what may follow it where it stands.
    for (;;) {
      skipSpace();
      const where = open[open.length - 1];
      if (!where) {
        if (i < b.length) fail('after top-level value');
        return first!;
      }
      const closer = where === 'object' ? 0x7d : 0x5d;
      if (b[i] === closer) {
        i++;
        open.pop();
        continue;
      }
      if (b[i] !== 0x2c) fail(where === 'object' ? 'after object key:value pair' : 'after array element');
      i++;
      if (where === 'object') {
        skipSpace();
        key();
      }
      break;
    }
  }
}

const kinds: Readonly<Record<number, string>> = { 0x5b: 'array', 0x22: 'string', 0x74: 'bool', 0x66: 'bool' };

/** Go's error for `json.Unmarshal(data, &map[string]interface{}{})`, or undefined when it succeeds. */
export function goJsonObjectError(data: Uint8Array): string | undefined {
  let first: number;
  try {
    first = scan(data);
  } catch (err) {
    if (err instanceof GoSyntaxError) return err.message;
    throw err;
  }
  if (first === 0x7b || first === 0x6e) return undefined;
  return `json: cannot unmarshal ${kinds[first] ?? 'number'} into Go value of type map[string]interface {}`;
}
