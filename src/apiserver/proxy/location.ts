/**
 * A backend's redirect made to lead back through the proxy (kube-apiserver's proxy transport
 * rewrites `Location` so): one on the backend's own address, or a bare absolute path, becomes the
 * same path below `…/proxy` on the API server's address; other hosts are left alone.
 */
export function rewriteLocation(location: string, backendHost: string, proxyBase: string, publicOrigin: string): string {
  let url: URL;
  try {
    url = new URL(location, 'http://relative.invalid');
  } catch {
    return location;
  }
  const relative = url.host === 'relative.invalid';
  if (relative && !location.startsWith('/')) return location;
  // URL drops a scheme's default port; the backend's address always has one.
  const hostPort = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  if (!relative && url.host !== backendHost && hostPort !== backendHost) return location;
  const rest = url.pathname.startsWith(proxyBase + '/') ? url.pathname : proxyBase + url.pathname;
  return `${publicOrigin}${rest}${url.search}${url.hash}`;
}
