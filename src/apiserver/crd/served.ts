/**
 * What an established CRD serves: one stored resource (named by its accepted names, stored in its
 * storage version) reachable under every served version. Conversion is `None`: an object read
 * through another version is the stored one with that version's apiVersion.
 */
import type { ResourceType, ScaleSubresource, ServedVersion } from '../../api/resources.js';
import { apiVersionOf, type KubeObject } from '../../api/types.js';
import { pruneAndDefault } from '../../api/crd/index.js';
import type { Strategy } from '../registry/strategy.js';
import { acceptedNamesOf, groupOf } from './names.js';
import { customResourceStrategy } from './strategy.js';
import { byVersionPriority, storageVersionOf, versionsOf, type CrdVersion } from './versions.js';

export interface CustomResource {
  readonly resource: ResourceType;
  /** Served versions, highest priority first. */
  readonly served: readonly ServedVersion[];
  readonly strategy: Strategy;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

function trimDot(p: string): string {
  return p.startsWith('.') ? p.slice(1) : p;
}

function scaleOf(v: CrdVersion): ScaleSubresource | undefined {
  const s = v.subresources?.scale;
  if (!s?.specReplicasPath || !s.statusReplicasPath) return undefined;
  return {
    specReplicasPath: trimDot(s.specReplicasPath),
    statusReplicasPath: trimDot(s.statusReplicasPath),
    ...(s.labelSelectorPath ? { labelSelectorPath: trimDot(s.labelSelectorPath) } : {}),
  };
}

/** The resource an established CRD serves, or undefined when it has no accepted names or no
 * storage version. */
export function customResourceOf(crd: KubeObject): CustomResource | undefined {
  const names = acceptedNamesOf(crd);
  const storage = storageVersionOf(crd);
  if (!names || !storage) return undefined;
  const group = groupOf(crd);
  const scale = scaleOf(storage);
  const resource: ResourceType = {
    plural: names.plural,
    singular: names.singular || names.kind.toLowerCase(),
    kind: names.kind,
    group,
    storageVersion: storage.name,
    namespaced: crd.spec?.['scope'] !== 'Cluster',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    subresources: {
      ...(storage.subresources?.status !== undefined && storage.subresources.status !== null ? { status: true } : {}),
      ...(scale ? { scale } : {}),
    },
    verbs: allVerbs,
  };
  const storageGV = apiVersionOf(group, storage.name);
  const served = versionsOf(crd)
    .filter((v) => v.served === true)
    .sort((a, b) => byVersionPriority(a.name, b.name))
    .map((v): ServedVersion => {
      const gv = apiVersionOf(group, v.name);
      const schema = v.schema?.openAPIV3Schema;
      return {
        group,
        version: v.name,
        resource,
        enabledByDefault: true,
        shortNames: resource.shortNames,
        ...(v.name === storage.name ? {} : {
          converter: {
            toStorage: (o: KubeObject) => ({ ...o, apiVersion: storageGV }),
            fromStorage: (o: KubeObject) => ({ ...o, apiVersion: gv }),
          },
        }),
        custom: {
          unknownFields: (o) => (schema ? pruneAndDefault(schema, structuredClone(o) as unknown as Record<string, unknown>) : []),
          ...(v.deprecated ? { warning: v.deprecationWarning ?? `${gv} ${names.kind} is deprecated` } : {}),
        },
      };
    });
  return { resource, served, strategy: customResourceStrategy(resource, storage) };
}
