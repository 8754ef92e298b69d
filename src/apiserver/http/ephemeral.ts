/**
 * `pods/NAME/ephemeralcontainers` (what `kubectl debug` patches): GET gives the pod; PUT and
 * PATCH take only `spec.ephemeralContainers` from the request — every other change is dropped,
 * as kube-apiserver's ephemeral-containers strategy does — and judge it by the pod's rules plus
 * the append-only rule for ephemeral containers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConflictError, InvalidError, MethodNotAllowedError } from '../../api/errors.js';
import type { ServedVersion } from '../../api/resources.js';
import { isRecord, type KubeObject } from '../../api/types.js';
import { validateEphemeralContainersUpdate, validatePod } from '../../api/validation/index.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceRequest } from './requestinfo.js';
import { readObject } from './decode.js';
import { patchObject } from './patch.js';
import { fieldValidation, isDryRun } from './query.js';
import { checkBodyResourceVersion } from './resourceversion.js';
import { writerOf } from './fieldmanager.js';

/** The stored pod with the request's ephemeral containers, judged. */
function takeEphemeral(registry: Registry, next: KubeObject, current: KubeObject): KubeObject {
  const out = structuredClone(current);
  const spec = isRecord(out.spec) ? out.spec : (out.spec = {});
  const wanted = isRecord(next.spec) ? next.spec['ephemeralContainers'] : undefined;
  if (wanted === undefined || wanted === null) delete spec['ephemeralContainers'];
  else spec['ephemeralContainers'] = wanted;
  registry.strategy.defaults(out);
  const oldSpec = isRecord(current.spec) ? current.spec : {};
  const errors = [...validatePod(out as unknown as Record<string, unknown>), ...validateEphemeralContainersUpdate(spec, oldSpec)];
  if (errors.length) throw new InvalidError('Pod', '', current.metadata.name ?? '', errors);
  return out;
}

export async function serveEphemeralContainers(
  req: IncomingMessage, res: ServerResponse, info: ResourceRequest, sv: ServedVersion, registry: Registry, q: URLSearchParams,
  reply: (code: number, obj: KubeObject) => void,
): Promise<void> {
  const name = info.name!;
  if (info.verb === 'get') return reply(200, await registry.get(info.namespace, name));
  if (info.verb === 'patch') {
    return reply(200, await patchObject(req, res, sv, registry, info, q, undefined, { name: 'ephemeralcontainers', finish: (next, current) => takeEphemeral(registry, next, current) }));
  }
  if (info.verb !== 'update') throw new MethodNotAllowedError();
  const obj = await readObject(req, res, sv, fieldValidation(q));
  const wantRv = obj.metadata.resourceVersion;
  checkBodyResourceVersion(wantRv);
  return reply(200, await registry.guaranteedUpdate(info.namespace, name, (current) => {
    if (wantRv && wantRv !== current.metadata.resourceVersion) {
      throw new ConflictError('pods', '', name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return takeEphemeral(registry, obj, current);
  }, { dryRun: isDryRun(q), trusted: true, writer: writerOf(req, q, sv, 'UpdateOptions', 'ephemeralcontainers') }));
}
