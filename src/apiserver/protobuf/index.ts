/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), as the real kubectl
 * sends them for its generator commands (`kubectl create configmap|secret|deployment|…`), decoded to
 * the JSON object a JSON client would have sent. Responses stay JSON, which kubectl accepts.
 */
import { openEnvelope } from './envelope.js';
import { decodeMessage } from './reader/decoder.js';
import { rootMessage } from './schema/index.js';
import { ProtobufError, UnsupportedProtobufKindError } from './errors.js';

export { ProtobufError, UnsupportedProtobufKindError } from './errors.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** Decodes an enveloped object; throws ProtobufError (malformed) or UnsupportedProtobufKindError. */
export function decodeProtobuf(body: Uint8Array): Record<string, unknown> {
  const env = openEnvelope(body);
  if (env.contentEncoding !== '') throw new ProtobufError(`unsupported contentEncoding "${env.contentEncoding}" in the protobuf envelope`);
  if (env.contentType !== '' && env.contentType !== PROTOBUF_MEDIA_TYPE) {
    throw new ProtobufError(`unsupported contentType "${env.contentType}" in the protobuf envelope`);
  }
  if (env.kind === '') throw new ProtobufError('the protobuf envelope names no kind');
  const message = rootMessage(env.apiVersion, env.kind);
  if (!message) throw new UnsupportedProtobufKindError(env.apiVersion, env.kind);
  const obj = decodeMessage(env.raw, message);
  return { apiVersion: env.apiVersion, kind: env.kind, ...obj };
}
