/**
 * Table-driven protobuf → JSON decoding of Kubernetes messages.
 *
 * protobufjs' low-level Reader does the wire work (varints, lengths, UTF-8); the message tables say
 * what each field number means. The result is the object a JSON client would have sent for the same
 * Go value, so it can go through the JSON path unchanged (defaulting, validation, strict fields).
 */
import protobuf from 'protobufjs/minimal.js';
import type { Field, Message } from '../schema/index.js';
import { messages, wellKnown } from '../schema/index.js';
import { presentWellKnown } from '../wellknown.js';
import { ProtobufError } from '../errors.js';

type Reader = protobuf.Reader;
type Json = Record<string, unknown>;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

/** The wire type a field's (single, unpacked) value must arrive with. */
function wireTypeOf(field: Field): number {
  if (field.map || 'message' in field.type) return LENGTH_DELIMITED;
  switch (field.type.scalar) {
    case 'b':
    case 'i32':
    case 'i64':
      return VARINT;
    case 'f64':
      return FIXED64;
    default:
      return LENGTH_DELIMITED;
  }
}

function at(path: string, json: string): string {
  return json === '' ? path : `${path}.${json}`;
}

/** Reads a length prefix and returns where that sub-message ends, refusing lengths past the buffer. */
function subEnd(r: Reader, end: number, path: string): number {
  const len = r.uint32();
  const stop = r.pos + len;
  if (stop > end) throw new ProtobufError(`${path}: length ${len} runs past the end of its message`);
  return stop;
}

function readScalar(r: Reader, field: Field & { type: { scalar: string } }): unknown {
  switch (field.type.scalar) {
    case 'b':
      return r.bool();
    case 'i32':
      return r.int32();
    case 'i64': {
      const v: unknown = r.int64();
      return typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber();
    }
    case 'f64':
      return r.double();
    case 'y':
      return Buffer.from(r.bytes()).toString('base64');
    default:
      return r.string();
  }
}

/** One value of `field` (already past its tag); undefined means "leave the field out". */
function readValue(r: Reader, end: number, field: Field, path: string): unknown {
  const t = field.type;
  if (!('message' in t)) return readScalar(r, field as Field & { type: { scalar: string } });
  const stop = subEnd(r, end, path);
  const known = wellKnown.get(t.message);
  if (known) return presentWellKnown(t.message, readFields(r, stop, known, path), path);
  return readFields(r, stop, messages.get(t.message)!, path);
}

/** A map entry: key = 1 (string), value = 2; either may be absent and then is its zero value. */
function readMapEntry(r: Reader, end: number, field: Field, path: string, into: Json): void {
  const stop = subEnd(r, end, path);
  let key = '';
  let value: unknown;
  const valueField: Field = { ...field, map: false, repeated: false, keepZero: true };
  while (r.pos < stop) {
    const tag = r.uint32();
    const num = tag >>> 3;
    const wire = tag & 7;
    if (num === 1 && wire === LENGTH_DELIMITED) key = r.string();
    else if (num === 2 && wire === wireTypeOf(valueField)) value = readValue(r, stop, valueField, `${path}[${JSON.stringify(key)}]`);
    else throw new ProtobufError(`${path}: unexpected field ${num} (wire type ${wire}) in a map entry`);
  }
  if (r.pos !== stop) throw new ProtobufError(`${path}: map entry overruns its length`);
  into[key] = value ?? zeroOf(field);
}

/** The JSON value of an absent map value. */
function zeroOf(field: Field): unknown {
  if ('message' in field.type) return field.type.message === 'Quantity' ? '0' : {};
  switch (field.type.scalar) {
    case 'b':
      return false;
    case 'i32':
    case 'i64':
    case 'f64':
      return 0;
    default:
      return '';
  }
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

/** Packed repeated scalars: one length-delimited run of values. */
function readPacked(r: Reader, end: number, field: Field, path: string, list: unknown[]): void {
  const stop = subEnd(r, end, path);
  while (r.pos < stop) list.push(readScalar(r, field as Field & { type: { scalar: string } }));
  if (r.pos !== stop) throw new ProtobufError(`${path}: packed values overrun their length`);
}

/** Decodes the fields of `message` from r.pos up to `end` into a JSON object. */
export function readFields(r: Reader, end: number, message: Message, path: string): Json {
  const out: Json = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const num = tag >>> 3;
    const wire = tag & 7;
    const field = message.fields.get(num);
    if (num === 0) throw new ProtobufError(`${path}: invalid field number 0`);
    if (!field) throw new ProtobufError(`${path}: unknown field number ${num} (wire type ${wire}) in ${message.name}`);
    const fpath = at(path, field.json);
    const want = wireTypeOf(field);
    if (field.map) {
      if (wire !== want) throw new ProtobufError(`${fpath}: wire type ${wire}, expected ${want}`);
      const map = (out[field.json] ??= {}) as Json;
      readMapEntry(r, end, field, fpath, map);
      continue;
    }
    if (field.repeated) {
      const list = (out[field.json] ??= []) as unknown[];
      if (wire === LENGTH_DELIMITED && want !== LENGTH_DELIMITED) readPacked(r, end, field, fpath, list);
      else if (wire === want) list.push(readValue(r, end, field, fpath) ?? null);
      else throw new ProtobufError(`${fpath}: wire type ${wire}, expected ${want}`);
      continue;
    }
    if (wire !== want) throw new ProtobufError(`${fpath}: wire type ${wire}, expected ${want}`);
    const value = readValue(r, end, field, fpath);
    if (field.inline) {
      Object.assign(out, value);
    } else if (value === undefined || (!field.keepZero && isZero(value))) {
      // The last occurrence of a field wins, even when it is the zero value.
      delete out[field.json];
    } else {
      out[field.json] = value;
    }
  }
  if (r.pos !== end) throw new ProtobufError(`${path}: a field overruns the end of its message`);
  return out;
}

/** Decodes a whole buffer as `message`; wire-level failures (truncation, bad varints) become ProtobufError. */
export function decodeMessage(bytes: Uint8Array, message: Message, path = message.name): Json {
  const r = protobuf.Reader.create(bytes);
  try {
    return readFields(r, r.len, message, path);
  } catch (err) {
    if (err instanceof ProtobufError) throw err;
    throw new ProtobufError(`${path}: truncated or malformed protobuf (${(err as Error).message})`);
  }
}
