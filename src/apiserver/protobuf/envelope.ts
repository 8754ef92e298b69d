/**
 * The Kubernetes protobuf envelope: the magic prefix `k8s\0`, then a runtime.Unknown message whose
 * typeMeta names the object's apiVersion and kind and whose raw field holds the object's own message
 * (objects carry no TypeMeta of their own on the wire).
 */
import protobuf from 'protobufjs/minimal.js';
import { ProtobufError } from './errors.js';

export const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function readTypeMeta(r: protobuf.Reader, end: number, into: Envelope): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) into.apiVersion = r.string();
    else if (tag === ((2 << 3) | 2)) into.kind = r.string();
    else throw new ProtobufError(`envelope typeMeta: unknown field number ${tag >>> 3} (wire type ${tag & 7})`);
  }
  if (r.pos !== end) throw new ProtobufError('envelope typeMeta overruns its length');
}

/** Splits a body into its type and the object's bytes. */
export function openEnvelope(body: Uint8Array): Envelope {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufError('the body does not start with the Kubernetes protobuf prefix "k8s\\x00"');
  }
  const r = protobuf.Reader.create(body.subarray(MAGIC.length));
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag) {
        case (1 << 3) | 2: {
          const len = r.uint32();
          if (r.pos + len > r.len) throw new ProtobufError('envelope typeMeta runs past the end of the body');
          readTypeMeta(r, r.pos + len, env);
          break;
        }
        case (2 << 3) | 2:
          env.raw = r.bytes();
          break;
        case (3 << 3) | 2:
          env.contentEncoding = r.string();
          break;
        case (4 << 3) | 2:
          env.contentType = r.string();
          break;
        default:
          throw new ProtobufError(`envelope: unknown field number ${tag >>> 3} (wire type ${tag & 7}) in runtime.Unknown`);
      }
    }
  } catch (err) {
    if (err instanceof ProtobufError) throw err;
    throw new ProtobufError(`envelope: truncated or malformed protobuf (${(err as Error).message})`);
  }
  return env;
}
