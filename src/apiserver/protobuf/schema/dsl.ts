/**
 * The grammar of skiff's protobuf message tables, and its compiler.
 *
 * Kubernetes' wire messages are plain proto2 with gogo conventions; all the decoder needs per field
 * is its number, its JSON name, how to read it and whether a zero value means anything. Writing that
 * as one short string per message keeps the ~200 messages reachable from the served kinds readable
 * and diffable against the upstream Go types, instead of a few thousand lines of object literals.
 *
 * A message is a space-separated list of fields, each `json=number[:type][*][?]`:
 * - type: `s` string (the default), `b` bool, `i32`/`i64` varint integers, `f64` double, `y` bytes
 *   (base64 in JSON), `{T}` a map from string to T (maps are repeated key=1/value=2 entries), or a
 *   message name: another table entry or a well-known type (Time, MicroTime, Quantity, IntOrString,
 *   FieldsV1).
 * - `*` repeated (unpacked or packed).
 * - `?` the Go field is a pointer, so a zero value was set on purpose and is kept (`replicas: 0`).
 *   Without it a zero scalar is what gogo writes for an unset field, and JSON's omitempty would have
 *   dropped it, so the decoder drops it too (otherwise `restartPolicy: ""` would defeat defaulting).
 * - `~=number:Message` is an embedded (JSON-inlined) struct: its fields land in the parent object.
 *
 * Field numbers and names are facts of the Kubernetes API: the tables were transcribed from the
 * `json:`/`protobuf:` struct tags and pointer-ness of the k8s.io/api and k8s.io/apimachinery Go types
 * (the v1.37 development branch, July 2026), so they include fields newer than any kubectl skiff
 * meets; a kubectl newer than that may send a field added later, which then fails loudly here.
 * A message lists every field the API defines, so a field number missing from the table is a
 * malformed (or newer-than-known) body and is rejected rather than silently dropped.
 */

export type MessageTable = Record<string, string>;

export type ScalarKind = 's' | 'b' | 'i32' | 'i64' | 'f64' | 'y';

/** How one field's value is read: a scalar, a message (table or well-known) or a map of either. */
export type ValueType = { scalar: ScalarKind } | { message: string };

export interface Field {
  readonly json: string;
  readonly number: number;
  readonly type: ValueType;
  readonly map: boolean;
  readonly repeated: boolean;
  /** Keep zero values (pointer field in Go). */
  readonly keepZero: boolean;
  /** Embedded struct whose fields are inlined into the parent's JSON. */
  readonly inline: boolean;
}

export interface Message {
  readonly name: string;
  readonly fields: ReadonlyMap<number, Field>;
}

const SCALARS = new Set<string>(['s', 'b', 'i32', 'i64', 'f64', 'y']);
const FIELD = /^([~\w]+)=(\d+)(?::(\{?)(\w+)\}?)?(\*)?(\?)?$/;

function valueType(name: string): ValueType {
  return SCALARS.has(name) ? { scalar: name as ScalarKind } : { message: name };
}

/** Compiles one message's field list; throws on a malformed spec (a bug in a table, caught by tests). */
export function compileMessage(name: string, spec: string): Message {
  const fields = new Map<number, Field>();
  for (const token of spec.split(/\s+/).filter((t) => t !== '')) {
    const m = FIELD.exec(token);
    if (!m) throw new Error(`protobuf schema ${name}: bad field spec "${token}"`);
    const [, json, num, brace, type, star, question] = m;
    const number = Number(num);
    if (fields.has(number)) throw new Error(`protobuf schema ${name}: field ${number} defined twice`);
    const inline = json === '~';
    if (inline && (type === undefined || SCALARS.has(type))) throw new Error(`protobuf schema ${name}: inline field ${number} needs a message type`);
    fields.set(number, {
      json: inline ? '' : json!,
      number,
      type: valueType(type ?? 's'),
      map: brace === '{',
      repeated: star === '*',
      keepZero: question === '?',
      inline,
    });
  }
  return { name, fields };
}

/** Compiles tables into one lookup, refusing duplicate message names across tables. */
export function compileTables(...tables: MessageTable[]): Map<string, Message> {
  const out = new Map<string, Message>();
  for (const table of tables) {
    for (const [name, spec] of Object.entries(table)) {
      if (out.has(name)) throw new Error(`protobuf schema: message ${name} defined twice`);
      out.set(name, compileMessage(name, spec));
    }
  }
  return out;
}
