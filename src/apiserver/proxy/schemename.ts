/**
 * The name in a `proxy` path: `NAME`, `NAME:PORT` or `SCHEME:NAME:PORT` (Kubernetes'
 * `SplitSchemeNamePort`). The scheme is `http`, `https` or empty; anything else, an empty name or
 * more parts is not a valid request.
 */
export interface SchemeNamePort {
  readonly scheme: '' | 'http' | 'https';
  readonly name: string;
  readonly port: string;
}

export function splitSchemeNamePort(id: string): SchemeNamePort | undefined {
  const parts = id.split(':');
  let scheme = '', name: string, port = '';
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = [parts[0]!, parts[1]!];
  else if (parts.length === 3) [scheme, name, port] = [parts[0]!, parts[1]!, parts[2]!];
  else return undefined;
  if (name === '' || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme: scheme as SchemeNamePort['scheme'], name, port };
}
