/** `/openapi/v3` and its per group-version documents (cached: kubectl fetches them on every
 * create). `/openapi/v2` is not served; kubectl then relies on v3. */
import type { RuntimeConfig } from '../runtimeconfig.js';
import { openApiV3Document, openApiV3Index } from '../../api/schema/index.js';
import { NoResourceError } from '../../api/errors.js';

export class OpenApiDocs {
  private index: string | undefined;
  private readonly docs = new Map<string, string>();

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
    const doc = JSON.stringify(
      openApiV3Document(group, version, served.map((s) => ({
        plural: s.resource.plural,
        kind: s.resource.kind,
        namespaced: s.resource.namespaced,
        subresources: [
          ...(s.resource.subresources.status ? ['status'] : []),
          ...(s.resource.subresources.scale ? ['scale'] : []),
          ...(s.resource.subresources.binding ? ['binding'] : []),
          ...(s.resource.subresources.log ? ['log'] : []),
        ],
      }))),
    );
    this.docs.set(key, doc);
    return doc;
  }
}
