/**
 * Strict field validation, as Kubernetes does it under `fieldValidation=Strict`: fields the schema
 * does not declare, and keys that appear twice in one JSON object. Paths are written the way
 * Kubernetes' decoder writes them — keys joined by `.`, list positions as `[i]`
 * (`spec.template.spec.containers[0].imagePullPolicyy`) — and the API server wraps each one as
 * `unknown field "<path>"` / `duplicate field "<path>"`.
 */
import { resolve } from './catalog.js';
import type { Schema } from './dsl.js';

/** Kubernetes stops collecting strict errors after this many. */
export const maxStrictErrors = 100;

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Paths in `value` that `schema` does not declare. Values of the wrong type are not descended
 * into (that is a decoding error, not a strict one). */
export function unknownPaths(schema: Schema, value: unknown): string[] {
  const out: string[] = [];
  walk(schema, value, '', out);
  return out;
}

function walk(schema: Schema, value: unknown, path: string, out: string[]): void {
  if (out.length >= maxStrictErrors || value === null || value === undefined) return;
  const s = resolve(schema);
  switch (s.t) {
    case 'object':
      if (!isRecord(value)) return;
      for (const [k, v] of Object.entries(value)) {
        const prop = Object.prototype.hasOwnProperty.call(s.properties, k) ? s.properties[k] : s.additional;
        if (prop) walk(prop, v, join(path, k), out);
        else if (out.length < maxStrictErrors) out.push(join(path, k));
      }
      return;
    case 'map':
      if (!isRecord(value)) return;
      for (const [k, v] of Object.entries(value)) walk(s.values, v, join(path, k), out);
      return;
    case 'array':
      if (!Array.isArray(value)) return;
      value.forEach((v, i) => walk(s.items, v, `${path}[${i}]`, out));
      return;
    default:
  }
}

/**
 * Paths of keys that occur more than once in the same object of a JSON text, in order of their
 * second occurrence, each reported once. Returns [] for text that is not valid JSON (the body
 * parser reports that).
 */
export function findDuplicateFields(json: string): string[] {
  const scanner = new DuplicateScanner(json);
  try {
    scanner.skipSpace();
    scanner.value('');
    return scanner.found;
  } catch {
    return [];
  }
}

class DuplicateScanner {
  private i = 0;
  readonly found: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly text: string) {}

  skipSpace(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  value(path: string): void {
    const c = this.text[this.i];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.string();
    else this.literal();
  }

  private object(path: string): void {
    this.i++; // {
    const keys = new Set<string>();
    this.skipSpace();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.skipSpace();
      const key = this.string();
      const at = join(path, key);
      if (keys.has(key)) {
        if (!this.seen.has(at) && this.found.length < maxStrictErrors) {
          this.seen.add(at);
          this.found.push(at);
        }
      } else {
        keys.add(key);
      }
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      this.value(at);
      this.skipSpace();
      if (this.text[this.i] === ',') {
        this.i++;
        continue;
      }
      this.expect('}');
      return;
    }
  }

  private array(path: string): void {
    this.i++; // [
    this.skipSpace();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (let n = 0; ; n++) {
      this.skipSpace();
      this.value(`${path}[${n}]`);
      this.skipSpace();
      if (this.text[this.i] === ',') {
        this.i++;
        continue;
      }
      this.expect(']');
      return;
    }
  }

  /** Reads a string token and returns its value. */
  private string(): string {
    const t = this.text;
    if (t[this.i] !== '"') throw new Error('expected string');
    const start = this.i;
    let escaped = false;
    for (this.i++; this.i < t.length; this.i++) {
      const c = t[this.i];
      if (c === '\\') {
        escaped = true;
        this.i++;
      } else if (c === '"') {
        this.i++;
        const raw = t.slice(start, this.i);
        return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      }
    }
    throw new Error('unterminated string');
  }

  private literal(): void {
    const t = this.text;
    const start = this.i;
    while (this.i < t.length && !',]} \n\r\t'.includes(t[this.i]!)) this.i++;
    if (this.i === start) throw new Error('expected value');
  }

  private expect(c: string): void {
    if (this.text[this.i] !== c) throw new Error(`expected ${c}`);
    this.i++;
  }
}
