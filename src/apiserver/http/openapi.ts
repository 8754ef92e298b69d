/** `/openapi/v3` and its per group-version documents, and `/openapi/v2` (JSON or gnostic protobuf),
 * all built lazily from the schema catalog on first request and cached for the server's life: its
 * runtime-config, and so the set of served resources, never changes while it runs. */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RuntimeConfig } from '../runtimeconfig.js';
import type { ServedVersion } from '../../api/resources.js';
import { encodeSwaggerDocument, openApiV2Document, openApiV3Document, openApiV3Index, type OpenApiResource } from '../../api/schema/index.js';
import { NoResourceError, NotAcceptableError } from '../../api/errors.js';
import { parseAccept } from './negotiate.js';

const jsonType = 'application/json';
/** What kube-apiserver answers for either protobuf media type kubectl may ask for. */
const protobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const protobufTypes = new Set([protobufType, 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf']);

interface V2Bodies {
  readonly json: Buffer;
  readonly protobuf: Buffer;
  /** Quoted, from the JSON form, shared by both forms as kube-apiserver does. */
  readonly etag: string;
}

function resourceOf(s: ServedVersion): OpenApiResource {
  return {
    plural: s.resource.plural,
    kind: s.resource.kind,
    namespaced: s.resource.namespaced,
    ...(s.resource.verbs.length === 1 && s.resource.verbs[0] === 'create' ? { createOnly: true } : {}),
    subresources: [
      ...(s.resource.subresources.status ? ['status'] : []),
      ...(s.resource.subresources.scale ? ['scale'] : []),
      ...(s.resource.subresources.binding ? ['binding'] : []),
      ...(s.resource.subresources.log ? ['log'] : []),
      ...(s.resource.subresources.token ? ['token'] : []),
      ...(s.resource.subresources.approval ? ['approval'] : []),
      ...(s.resource.subresources.eviction ? ['eviction'] : []),
    ],
    verbs: s.resource.verbs,
  };
}

/** The media type to answer with for an Accept header (kube-openapi's order: JSON, then protobuf,
 * first acceptable clause by quality wins), or undefined when none is acceptable. */
export function negotiateOpenApiV2(accept: string | undefined): 'json' | 'protobuf' | undefined {
  for (const m of parseAccept(accept)) {
    if (m.q <= 0) continue;
    if (m.type === '*/*' || m.type === 'application/*' || m.type === jsonType) return 'json';
    if (protobufTypes.has(m.type)) return 'protobuf';
  }
  return undefined;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export class OpenApiDocs {
  private index: string | undefined;
  private readonly docs = new Map<string, string>();
  private v2: V2Bodies | undefined;

  constructor(private readonly cfg: RuntimeConfig) {}

  /** `path` without the `/openapi/v3` prefix: '' for the index, `/api/v1`, `/apis/apps/v1`. */
  get(path: string): string {
    if (path === '' || path === '/') return (this.index ??= JSON.stringify(openApiV3Index(this.cfg.groupVersions)));
    const m = /^\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!m) throw new NoResourceError();
    const group = m[2] ?? '';
    const version = m[1] ?? m[3]!;
    const key = `${group}/${version}`;
    const cached = this.docs.get(key);
    if (cached) return cached;
    const served = this.cfg.enabled.filter((s) => s.group === group && s.version === version);
    if (served.length === 0) throw new NoResourceError();
    const doc = JSON.stringify(openApiV3Document(group, version, served.map(resourceOf)));
    this.docs.set(key, doc);
    return doc;
  }

  /** Both encodings of the v2 document, built on first use. */
  private v2Bodies(): V2Bodies {
    if (this.v2) return this.v2;
    const gvs = this.cfg.groupVersions.map((gv) => ({
      ...gv,
      resources: this.cfg.enabled.filter((s) => s.group === gv.group && s.version === gv.version).map(resourceOf),
    }));
    const doc = openApiV2Document(gvs);
    const json = Buffer.from(JSON.stringify(doc));
    const protobuf = Buffer.from(encodeSwaggerDocument(doc));
    const etag = `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"`;
    return (this.v2 = { json, protobuf, etag });
  }

  /** `GET`/`HEAD /openapi/v2`: JSON or protobuf by Accept, `ETag` and `If-None-Match` (304). */
  serveV2(req: IncomingMessage, res: ServerResponse): void {
    const form = negotiateOpenApiV2(req.headers.accept);
    if (!form) throw new NotAcceptableError(`only ${jsonType} and ${protobufType} are served at /openapi/v2`);
    const v2 = this.v2Bodies();
    const body = form === 'json' ? v2.json : v2.protobuf;
    res.setHeader('Vary', 'Accept');
    res.setHeader('ETag', v2.etag);
    if (etagMatches(req.headers['if-none-match'], v2.etag)) {
      res.writeHead(304);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': form === 'json' ? jsonType : protobufType, 'Content-Length': body.byteLength });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
