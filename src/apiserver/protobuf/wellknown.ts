/**
 * Messages whose JSON form is not an object: Kubernetes gives them custom JSON marshalling, so the
 * wire message (decoded by the ordinary table below) is turned into the value a JSON client sends.
 */
import type { MessageTable } from './schema/dsl.js';
import { ProtobufError } from './errors.js';

/** Wire shapes. Every field is `?`: the converters need to see explicit zeros (epoch seconds, int 0). */
export const wellKnownMessages: MessageTable = {
  Time: 'seconds=1:i64? nanos=2:i32?',
  MicroTime: 'seconds=1:i64? nanos=2:i32?',
  Quantity: 'string=1?',
  IntOrString: 'type=1:i64? intVal=2:i32? strVal=3?',
  FieldsV1: 'Raw=1:y?',
};

function rfc3339(raw: Record<string, unknown>, micro: boolean, path: string): string | undefined {
  // gogo writes nothing at all for the zero time, which JSON renders as null: leave the field out.
  if (raw['seconds'] === undefined && raw['nanos'] === undefined) return undefined;
  const seconds = Number(raw['seconds'] ?? 0);
  const nanos = Number(raw['nanos'] ?? 0);
  if (nanos < 0 || nanos > 999_999_999) throw new ProtobufError(`${path}: nanos ${nanos} out of range`);
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new ProtobufError(`${path}: time ${seconds}s out of range`);
  const base = date.toISOString().replace(/\.\d{3}Z$/, '');
  // metav1.Time marshals whole seconds; MicroTime keeps six fractional digits.
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

/** The JSON value of a decoded well-known message (undefined: leave the field out). */
export function presentWellKnown(name: string, raw: Record<string, unknown>, path: string): unknown {
  switch (name) {
    case 'Time':
      return rfc3339(raw, false, path);
    case 'MicroTime':
      return rfc3339(raw, true, path);
    case 'Quantity':
      return raw['string'] ?? '';
    case 'IntOrString':
      // type 0 is Int, 1 is String (intstr.Type).
      if (raw['type'] === 1) return raw['strVal'] ?? '';
      if (raw['type'] !== undefined && raw['type'] !== 0) throw new ProtobufError(`${path}: IntOrString type ${String(raw['type'])} is neither 0 (int) nor 1 (string)`);
      return raw['intVal'] ?? 0;
    case 'FieldsV1': {
      // FieldsV1 carries its JSON encoding verbatim.
      const text = Buffer.from(String(raw['Raw'] ?? ''), 'base64').toString('utf8');
      if (text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw new ProtobufError(`${path}: FieldsV1 is not JSON`);
      }
    }
    default:
      throw new ProtobufError(`${path}: no JSON form for ${name}`);
  }
}
