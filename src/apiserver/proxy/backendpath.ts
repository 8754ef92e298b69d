/** The backend's path and query from a `…/proxy/PATH?QUERY` request target, kept raw (escapes as
 * the client sent them) and cleaned as kube-apiserver's path.Join cleans it. */
import path from 'node:path';

/** The raw path below `…/proxy` (undefined when the request ends at `proxy` itself) and the query. */
export function backendPath(rawUrl: string, segmentsBefore: number): { path: string | undefined; query: string; base: string } {
  const q = rawUrl.indexOf('?');
  const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  const query = q >= 0 ? rawUrl.slice(q) : '';
  // Leading slashes are not segments (Kubernetes' splitPath); count the segments up to `proxy`.
  let i = 0;
  while (rawPath[i] === '/') i++;
  for (let n = 0; n < segmentsBefore && i <= rawPath.length; n++) {
    const next = rawPath.indexOf('/', i);
    i = next < 0 ? rawPath.length + 1 : next + 1;
  }
  if (i > rawPath.length) return { path: undefined, query, base: rawPath.replace(/\/+$/, '') };
  const rest = rawPath.slice(i);
  // Cleaned as path.Join cleans it (no way above the backend's root), a trailing slash kept.
  const cleaned = path.posix.normalize('/' + rest);
  return { path: rest.endsWith('/') && !cleaned.endsWith('/') ? cleaned + '/' : cleaned, query, base: rawPath.slice(0, i - 1) };
}

