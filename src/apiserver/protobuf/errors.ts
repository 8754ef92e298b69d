/** A body that is not a valid Kubernetes protobuf message for the schema skiff knows; the HTTP layer
 * answers it with 400 BadRequest. `path` locates the problem in JSON terms (ConfigMap.metadata.labels). */
export class ProtobufError extends Error {}

/** The envelope names a type skiff has no schema for: answered with 415, naming the type. */
export class UnsupportedProtobufKindError extends Error {
  constructor(readonly apiVersion: string, readonly kind: string) {
    super(`protobuf bodies of kind ${kind} (${apiVersion || 'no apiVersion'}) are not supported by this server; send JSON`);
  }
}
