/** Request bodies: size-limited reading and decoding by Content-Type (JSON, YAML or Kubernetes protobuf). */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { BadRequestError, NestingTooDeepError, RequestEntityTooLargeError, UnsupportedMediaTypeError, YamlTooLargeError } from '../../api/errors.js';
import { MAX_NESTING_DEPTH, MAX_YAML_NODES, jsonTooDeep, scanYaml, valueTooDeep } from './depth.js';
import { decodeProtobuf, PROTOBUF_MEDIA_TYPE, ProtobufError, UnsupportedProtobufKindError } from '../protobuf/index.js';
import { bodyLimitOf } from './limits.js';
import { readChunks } from './brokenbody.js';

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
  await readChunks(req, (chunk) => {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new RequestEntityTooLargeError(limit);
    }
    chunks.push(chunk);
  });
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

/**
 * Kubernetes' summary of an undecodable body in its error (apiserver's summarizeData): the first
 * 30 bytes as text when it looks like JSON, else in hex.
 */
function summarize(text: string): string {
  const bytes = Buffer.from(text.slice(0, 30), 'utf8').subarray(0, 30);
  const more = Buffer.byteLength(text) > 30 ? ' ...' : '';
  if (text === '') return '<empty>';
  return (text.startsWith('{') ? bytes.toString('utf8') : bytes.toString('hex')) + more;
}

/** Too deep: Kubernetes' decoder message, worded for an object of `kind` when one is expected. */
function tooDeep(detail: string, text: string, kind: string | undefined): NestingTooDeepError {
  if (kind === undefined) return new NestingTooDeepError(detail);
  return new NestingTooDeepError(`the object provided is unrecognized (must be of type ${kind}): ${detail} (${summarize(text)})`);
}

/** Parses a body as JSON, or YAML where the media type says so (protobuf arrives here already as
 * JSON). Nesting is bounded before parsing (see depth.ts); `kind` words errors for an object body. */
export function decodeBody(text: string, type: string, kind?: string): unknown {
  if (text.trim() === '') throw new BadRequestError('the request body is empty');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
    const yamlTooDeepAt = (line: number) =>
      tooDeep(`error converting YAML to JSON: yaml: line ${line}: exceeded max depth of ${MAX_NESTING_DEPTH}`, text, kind);
    const scan = scanYaml(text);
    if (scan && 'tooDeepAt' in scan) throw yamlTooDeepAt(scan.tooDeepAt);
    if (scan) throw new YamlTooLargeError(MAX_YAML_NODES);
    let value: unknown;
    try {
      // Repeated keys: the last wins, as in Kubernetes' YAML decoder (the library's own check is
      // quadratic in the number of keys).
      value = parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 });
    } catch (err) {
      throw new BadRequestError(`error converting YAML to JSON: ${(err as Error).message}`);
    }
    // Aliases can nest a value deeper than its text.
    if (valueTooDeep(value)) throw yamlTooDeepAt(1);
    return value;
  }
  if (type !== '' && !type.endsWith('json') && type !== '*/*' && type !== PROTOBUF_MEDIA_TYPE) {
    throw new UnsupportedMediaTypeError(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE}`);
  }
  const bracket = jsonTooDeep(text);
  if (bracket !== undefined) {
    const detail = `invalid character '${bracket}' exceeded max depth`;
    throw tooDeep(kind === undefined ? detail : `couldn't get version/kind; json parse error: ${detail}`, text, kind);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`error decoding request body: ${(err as Error).message}`);
  }
}
