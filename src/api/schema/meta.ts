/** Shared machinery types: object and list metadata, selectors, Status, DeleteOptions, Scale. */
import {
  any, bool, defs, int, int64, keyedList, kindObject, list, obj, ref, str, strList, strMap, time, type Definitions,
} from './dsl.js';

export const metaDefinitions: Definitions = {
  ...defs('meta', {
    ObjectMeta: obj({
      name: str('Unique name of the object within its namespace (or the cluster, for cluster-scoped kinds). Required when creating unless generateName is set; cannot be changed later.'),
      generateName: str('A prefix from which the server builds a unique name when `name` is empty, by appending random characters.'),
      namespace: str('The namespace the object lives in. Empty means `default` for namespaced kinds; cluster-scoped kinds have none.'),
      selfLink: str('Deprecated and no longer set by the server.'),
      uid: str('Unique identifier the server assigns at creation; never reused and never changed.'),
      resourceVersion: str('Opaque version of this object, changed on every write. Used for optimistic concurrency and to resume watches.'),
      generation: int64('A sequence number for changes to the desired state, incremented by the server.'),
      creationTimestamp: time('When the server created the object (UTC, RFC 3339). Read-only.'),
      deletionTimestamp: time('When the object will be (or began to be) deleted; set by the server when deletion is requested. Read-only.'),
      deletionGracePeriodSeconds: int64('Seconds the object is allowed to terminate gracefully before it is removed. Read-only.'),
      labels: strMap('Key/value pairs for organising and selecting objects (by services, controllers and `-l`).'),
      annotations: strMap('Arbitrary key/value metadata for tools and people; not used for selection.'),
      ownerReferences: keyedList(ref('meta.OwnerReference'), 'uid', 'Objects this one depends on. When every owner is gone, the garbage collector deletes this object.'),
      finalizers: list(str(), 'Tasks that must finish (and remove their entry) before the object is deleted.', { strategy: 'merge', listType: 'set' }),
      managedFields: list(ref('meta.ManagedFieldsEntry'), 'Which field manager set which fields, kept for server-side apply.', { listType: 'atomic' }),
    }, 'Metadata every persisted object has: identity, labels, annotations, ownership and server bookkeeping.'),
    ListMeta: obj({
      selfLink: str('Deprecated and no longer set by the server.'),
      resourceVersion: str('The version of the collection at the time of the list; start a watch from here.'),
      continue: str('Token for the next page when the list was limited; empty on the last page.'),
      remainingItemCount: int64('How many items follow this page, when the server can tell.'),
    }, 'Metadata of a list response.'),
    OwnerReference: obj({
      apiVersion: str('API version of the owner.'),
      kind: str('Kind of the owner.'),
      name: str('Name of the owner.'),
      uid: str('UID of the owner.'),
      controller: bool('True when the owner is the managing controller; at most one owner may be.'),
      blockOwnerDeletion: bool('When true, foreground deletion of the owner waits until this object is gone.'),
    }, 'Identifies an owning object in the same namespace.', ['apiVersion', 'kind', 'name', 'uid']),
    ManagedFieldsEntry: obj({
      manager: str('The field manager (usually the client) that owns these fields.'),
      operation: str('`Apply` or `Update`.'),
      apiVersion: str('Version of the schema the field set refers to.'),
      time: time('When the fields were last changed by this manager.'),
      fieldsType: str('Format of fieldsV1; only `FieldsV1`.'),
      fieldsV1: ref('meta.FieldsV1', 'The set of fields owned.'),
      subresource: str('The subresource the fields were written through, if any.'),
    }, 'A field manager and the fields it owns.'),
    FieldsV1: { t: 'any', description: 'A set of field paths in a compact tree form.' },
    Time: { t: 'string', format: 'date-time', description: 'A point in time, in RFC 3339 form with seconds, UTC.' },
    MicroTime: { t: 'string', format: 'date-time', description: 'A point in time with microseconds, in RFC 3339 form.' },
    LabelSelector: obj({
      matchLabels: strMap('Labels that must all be present with these values (each is an `In` requirement with one value).'),
      matchExpressions: list(ref('meta.LabelSelectorRequirement'), 'Requirements that must all hold.', { listType: 'atomic' }),
    }, 'Selects objects by labels. All requirements are ANDed; an empty selector matches everything, a missing one nothing.'),
    LabelSelectorRequirement: obj({
      key: str('The label key.'),
      operator: str('How the key relates to the values: `In`, `NotIn`, `Exists` or `DoesNotExist`.'),
      values: strList('The values for `In`/`NotIn`; must be empty for `Exists`/`DoesNotExist`.'),
    }, 'One label requirement: a key, an operator and values.', ['key', 'operator']),
    Status: kindObject('The result of an operation that returns no object, or of any failed one.', {
      status: str('`Success` or `Failure`.'),
      message: str('A human-readable description of the result.'),
      reason: str('A machine-readable reason (`NotFound`, `AlreadyExists`, `Invalid`, …).'),
      details: ref('meta.StatusDetails', 'More about the reason, depending on it.'),
      code: int('The HTTP status code.'),
    }, true),
    StatusDetails: obj({
      name: str('Name of the object the status is about.'),
      group: str('Group of the object.'),
      kind: str('Kind of the object.'),
      uid: str('UID of the object.'),
      causes: list(ref('meta.StatusCause'), 'Individual problems, such as each invalid field.', { listType: 'atomic' }),
      retryAfterSeconds: int('Seconds to wait before retrying, when set.'),
    }, 'Extra information about a Status.'),
    StatusCause: obj({
      reason: str('A machine-readable cause, such as `FieldValueInvalid`.'),
      message: str('What went wrong, for people.'),
      field: str('The field at fault, as a path like `spec.containers[0].name`.'),
    }, 'One cause of an error.'),
    DeleteOptions: obj({
      apiVersion: str('The versioned schema of this object, as group/version.'),
      kind: str('`DeleteOptions`.'),
      gracePeriodSeconds: int64('Seconds before the object is removed; 0 means immediately. Defaults to the kind\'s own grace period.'),
      preconditions: ref('meta.Preconditions', 'Conditions the object must meet to be deleted.'),
      orphanDependents: bool('Deprecated: use propagationPolicy. Whether dependents are orphaned.'),
      propagationPolicy: str('What happens to dependents: `Orphan`, `Background` or `Foreground`.'),
      dryRun: strList('`All` to run every stage without persisting.'),
      ignoreStoreReadErrorWithClusterBreakingPotential: bool('Delete even when the stored object cannot be read. Dangerous.'),
    }, 'Options for a delete request.'),
    Preconditions: obj({
      uid: str('The object must have this UID.'),
      resourceVersion: str('The object must have this resource version.'),
    }, 'Conditions a delete must meet.'),
    Patch: { t: 'object', properties: {}, description: 'A patch body: JSON patch, merge patch, strategic merge patch or an apply configuration.' },
    WatchEvent: obj({
      type: str('`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.'),
      object: ref('runtime.RawExtension', 'The object after the change (the last state for DELETED), or a Status for ERROR.'),
    }, 'One event on a watch stream.', ['type', 'object']),
  }),
  'io.k8s.apimachinery.pkg.runtime.RawExtension': any('An embedded object of any kind.'),
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    t: 'intOrString',
    format: 'quantity',
    description: 'An amount with an optional suffix: `100m` (0.1), `2` or `2.5`, `128Mi` (binary), `1G` (decimal), `1e3`.',
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { t: 'intOrString', format: 'int-or-string', description: 'An integer or a string (such as a port number or a port name, a count or a percentage).' },
  ...defs('autoscaling', {
    Scale: kindObject('The desired and observed replica count of a scalable resource (the `scale` subresource).', {
      spec: ref('autoscaling.ScaleSpec', 'The desired number of replicas.'),
      status: ref('autoscaling.ScaleStatus', 'The observed number of replicas. Read-only.'),
    }),
    ScaleSpec: obj({ replicas: int('The desired number of replicas.') }, 'What the scale should be.'),
    ScaleStatus: obj({
      replicas: int('The number of replicas observed.'),
      selector: str('The label selector of the pods counted, in string form (`app=web,tier in (a,b)`).'),
    }, 'What the scale is.', ['replicas']),
  }),
  ...defs('core', {
    Binding: kindObject('Binds a pod to a node; the scheduler posts it to `pods/binding`.', {
      target: ref('core.ObjectReference', 'The node to bind to.'),
    }),
    ObjectReference: obj({
      kind: str('Kind of the referent.'),
      namespace: str('Namespace of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
      apiVersion: str('API version of the referent.'),
      resourceVersion: str('The resource version this reference was taken at.'),
      fieldPath: str('A part of the referent, such as `spec.containers{web}` for one container of a pod.'),
    }, 'A reference to any object.'),
    LocalObjectReference: obj({ name: str('Name of the referent in the same namespace.') }, 'A reference to an object in the same namespace.'),
    TypedLocalObjectReference: obj({
      apiGroup: str('Group of the referent; empty for core.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
    }, 'A typed reference to an object in the same namespace.', ['kind', 'name']),
  }),
};
