/**
 * Content negotiation by parsed media types (never by substring): Table output, aggregated
 * discovery (v2 and v2beta1), JSON and YAML.
 */
import { NotAcceptableError } from '../../api/errors.js';

export interface MediaRange {
  readonly type: string; // e.g. application/json
  readonly params: Readonly<Record<string, string>>;
  readonly q: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {}, q: 1 }];
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [typeRaw, ...paramParts] = part.split(';');
    const type = (typeRaw ?? '').trim().toLowerCase();
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number(v);
      else params[k] = v;
    }
    out.push({ type, params, q });
  }
  // Stable sort by q, keeping the client's order among equals.
  return out.map((m, i) => ({ m, i })).sort((a, b) => b.m.q - a.m.q || a.i - b.i).map((x) => x.m);
}

function isJsonish(type: string): boolean {
  return type === 'application/json' || type === '*/*' || type === 'application/*';
}

export type ObjectFormat =
  | { readonly as: 'object'; readonly yaml: boolean }
  | { readonly as: 'table'; readonly version: 'v1' | 'v1beta1' }
  | { readonly as: 'metadata'; readonly list: boolean };

/** How to render resource responses. Unknown `as=` variants are skipped, as Kubernetes does. */
export function negotiateObject(accept: string | undefined): ObjectFormat {
  for (const m of parseAccept(accept)) {
    const as = m.params['as'];
    if (as === undefined) {
      if (isJsonish(m.type)) return { as: 'object', yaml: false };
      if (m.type === 'application/yaml') return { as: 'object', yaml: true };
      continue;
    }
    if (m.type !== 'application/json' || m.params['g'] !== 'meta.k8s.io') continue;
    const v = m.params['v'];
    if (as === 'Table' && (v === 'v1' || v === 'v1beta1')) return { as: 'table', version: v };
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && v === 'v1') {
      return { as: 'metadata', list: as === 'PartialObjectMetadataList' };
    }
  }
  throw new NotAcceptableError(
    'only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io',
  );
}

export type DiscoveryFormat = 'v2' | 'v2beta1' | 'legacy';

export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  for (const m of parseAccept(accept)) {
    if (m.type === 'application/json' && m.params['g'] === 'apidiscovery.k8s.io' && m.params['as'] === 'APIGroupDiscoveryList') {
      if (m.params['v'] === 'v2') return 'v2';
      if (m.params['v'] === 'v2beta1') return 'v2beta1';
      continue;
    }
    if (m.params['as'] === undefined && (isJsonish(m.type) || m.type === 'application/vnd.kubernetes.protobuf')) return 'legacy';
  }
  return 'legacy';
}

export function discoveryContentType(f: DiscoveryFormat): string {
  return f === 'legacy'
    ? 'application/json'
    : `application/json;g=apidiscovery.k8s.io;v=${f};as=APIGroupDiscoveryList`;
}
