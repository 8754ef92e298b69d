/** Request bodies: size-limited reading and decoding by Content-Type (JSON, YAML or Kubernetes protobuf). */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { BadRequestError, RequestEntityTooLargeError, UnsupportedMediaTypeError } from '../../api/errors.js';
import { decodeProtobuf, PROTOBUF_MEDIA_TYPE, ProtobufError, UnsupportedProtobufKindError } from '../protobuf/index.js';
import { bodyLimitOf } from './limits.js';

/** Kubernetes' limit on request bodies. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = bodyLimitOf(req)): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw new RequestEntityTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new RequestEntityTooLargeError(limit);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  return mediaType(req) === PROTOBUF_MEDIA_TYPE ? protobufToJson(bytes) : bytes.toString('utf8');
}

/** kubectl's generator commands send protobuf. The body is transcoded to JSON text right here, so every
 * reader of bodies (create, update, scale, binding, DeleteOptions) and the strict-field checks on
 * the raw text see exactly what a JSON client would have sent. */
function protobufToJson(bytes: Buffer): string {
  if (bytes.length === 0) return '';
  try {
    return JSON.stringify(decodeProtobuf(bytes));
  } catch (err) {
    if (err instanceof UnsupportedProtobufKindError) throw new UnsupportedMediaTypeError(err.message);
    if (err instanceof ProtobufError) throw new BadRequestError(`error decoding protobuf request body: ${err.message}`);
    throw err;
  }
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Parses a body as JSON, or YAML where the media type says so (protobuf arrives here already as JSON). */
export function decodeBody(text: string, type: string): unknown {
  if (text.trim() === '') throw new BadRequestError('the request body is empty');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
    try {
      return parseYaml(text, { uniqueKeys: true });
    } catch (err) {
      throw new BadRequestError(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  if (type !== '' && !type.endsWith('json') && type !== '*/*' && type !== PROTOBUF_MEDIA_TYPE) {
    throw new UnsupportedMediaTypeError(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`error decoding request body: ${(err as Error).message}`);
  }
}
