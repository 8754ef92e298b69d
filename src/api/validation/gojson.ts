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
/** Go's maxNestingDepth: deeper input is refused (and never recursed into here). */
const maxDepth = 10_000;

class Scanner {
  i = 0;
  private depth = 0;
  constructor(private readonly b: Uint8Array) {}

  private fail(context: string): never {
    if (this.i >= this.b.length) throw new GoSyntaxError('unexpected end of JSON input');
    throw new GoSyntaxError(`invalid character ${quoteChar(this.b[this.i]!)} ${context}`);
  }

  private peek(): number | undefined {
    return this.b[this.i];
  }

  private skipSpace(): void {
    while (this.i < this.b.length && isSpace(this.b[this.i]!)) this.i++;
  }

  document(): number {
    this.skipSpace();
    const first = this.peek();
    this.value('looking for beginning of value');
    this.skipSpace();
    if (this.i < this.b.length) this.fail('after top-level value');
    return first!;
  }

  private value(context: string): void {
    const c = this.peek();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c !== undefined && isDigit(c))) return this.number();
    if (c === 0x74) return this.literal('true');
    if (c === 0x66) return this.literal('false');
    if (c === 0x6e) return this.literal('null');
    this.fail(context);
  }

  private enter(): void {
    if (++this.depth > maxDepth) this.fail('exceeded max depth');
    this.i++;
  }

  private object(): void {
    this.enter();
    this.skipSpace();
    if (this.peek() === 0x7d) {
      this.i++;
      this.depth--;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== 0x22) this.fail('looking for beginning of object key string');
      this.string();
      this.skipSpace();
      if (this.peek() !== 0x3a) this.fail('after object key');
      this.i++;
      this.skipSpace();
      this.value('looking for beginning of value');
      this.skipSpace();
      if (this.peek() === 0x2c) {
        this.i++;
        continue;
      }
      if (this.peek() === 0x7d) {
        this.i++;
        this.depth--;
        return;
      }
      this.fail('after object key:value pair');
    }
  }

  private array(): void {
    this.enter();
    this.skipSpace();
    if (this.peek() === 0x5d) {
      this.i++;
      this.depth--;
      return;
    }
    for (;;) {
      this.skipSpace();
      this.value('looking for beginning of value');
      this.skipSpace();
      if (this.peek() === 0x2c) {
        this.i++;
        continue;
      }
      if (this.peek() === 0x5d) {
        this.i++;
        this.depth--;
        return;
      }
      this.fail('after array element');
    }
  }

  private string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('in string literal');
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c < 0x20) this.fail('in string literal');
      this.i++;
      if (c !== 0x5c) continue;
      const e = this.peek();
      if (e === 0x75) {
        this.i++;
        for (let k = 0; k < 4; k++) {
          const h = this.peek();
          if (h === undefined || !isHex(h)) this.fail('in \\u hexadecimal character escape');
          this.i++;
        }
      } else if (e !== undefined && 'bfnrt\\/"'.includes(String.fromCharCode(e))) this.i++;
      else this.fail('in string escape code');
    }
  }

  private digits(context: string): void {
    const c = this.peek();
    if (c === undefined || !isDigit(c)) this.fail(context);
    while (this.i < this.b.length && isDigit(this.b[this.i]!)) this.i++;
  }

  private number(): void {
    if (this.peek() === 0x2d) this.i++;
    if (this.peek() === 0x30) this.i++;
    else this.digits('in numeric literal');
    if (this.peek() === 0x2e) {
      this.i++;
      this.digits('after decimal point in numeric literal');
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      this.digits('in exponent of numeric literal');
    }
  }

  private literal(word: 'true' | 'false' | 'null'): void {
    this.i++;
    for (const ch of word.slice(1)) {
      if (this.peek() !== ch.charCodeAt(0)) this.fail(`in literal ${word} (expecting '${ch}')`);
      this.i++;
    }
  }
}

const kinds: Readonly<Record<number, string>> = { 0x5b: 'array', 0x22: 'string', 0x74: 'bool', 0x66: 'bool' };

/** Go's error for `json.Unmarshal(data, &map[string]interface{}{})`, or undefined when it succeeds. */
export function goJsonObjectError(data: Uint8Array): string | undefined {
  let first: number;
  try {
    first = new Scanner(data).document();
  } catch (err) {
    if (err instanceof GoSyntaxError) return err.message;
    throw err;
  }
  if (first === 0x7b || first === 0x6e) return undefined;
  return `json: cannot unmarshal ${kinds[first] ?? 'number'} into Go value of type map[string]interface {}`;
}
