/**
 * The request target, parsed as Go's net/http parses it for kube-apiserver: the path is
 * percent-decoded once and split on `/`; nothing is normalised. WHATWG `new URL()` would resolve
 * `.` and `..` segments (so `…/configmaps/..` addressed the namespace) and throws on targets such
 * as `//%00/`; neither may happen to what a client sends.
 */
import { BadRequestError } from '../../api/errors.js';

export interface RequestTarget {
  /** The decoded path (Go's `URL.Path`), as sent: no dot-segment resolution, no slash folding. */
  readonly pathname: string;
  /** The path split on `/` after trimming leading and trailing slashes (Kubernetes' `splitPath`);
   * inner empty segments stay, so `a//b` is three segments. */
  readonly segments: readonly string[];
  readonly searchParams: URLSearchParams;
}

const absoluteForm = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/;

/** Parses `req.url`. Throws {@link BadRequestError} for a malformed escape or a target that is
 * neither origin-form (`/path?query`) nor absolute-form (`https://host/path`). */
export function parseTarget(raw: string): RequestTarget {
  let target = raw;
  if (target[0] !== '/') {
    const m = absoluteForm.exec(target);
    if (!m) throw new BadRequestError(`invalid request URI ${JSON.stringify(raw)}`);
    target = target.slice(m[0].length) || '/';
  }
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  const rawPath = q >= 0 ? target.slice(0, q) : target;
  const pathname = rawPath.includes('%') ? unescapePath(rawPath) : rawPath;
  return { pathname, segments: splitPath(pathname), searchParams: new URLSearchParams(q >= 0 ? target.slice(q + 1) : '') };
}

export function splitPath(path: string): string[] {
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === 47) start++;
  while (end > start && path.charCodeAt(end - 1) === 47) end--;
  return start === end ? [] : path.slice(start, end).split('/');
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Decodes `%XX` escapes to bytes and the bytes as UTF-8 (invalid sequences become U+FFFD: such a
 * name can never have been stored, so it is simply not found). A bad escape is Go's error. */
function unescapePath(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const hi = i + 2 < s.length ? hexValue(s.charCodeAt(i + 1)) : -1;
      const lo = hi >= 0 ? hexValue(s.charCodeAt(i + 2)) : -1;
      if (lo < 0) throw new BadRequestError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Not ASCII on the wire (lenient parsers pass it through): keep the character itself.
      const cp = s.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Kubernetes' `path.IsValidPathSegmentName`: what a name taken from a path may not be. */
export function pathSegmentNameProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const out: string[] = [];
  if (name.includes('/')) out.push(`may not contain '/'`);
  if (name.includes('%')) out.push(`may not contain '%'`);
  return out;
}
