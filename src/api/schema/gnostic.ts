/**
 * Encodes a Swagger 2.0 document (as JSON) into gnostic's `openapi.v2.Document` protobuf message:
 * the form kubectl asks for (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`)
 * and parses without a JSON fallback. Field numbers are gnostic's OpenAPIv2.proto. Only the parts of
 * Swagger that skiff's document uses are encoded; anything else is a programming error and throws,
 * so a new shape cannot be silently dropped from the protobuf form.
 *
 * Maps become repeated `Named*` pairs in document order. Vendor extensions and enum values are an
 * `Any` whose `yaml` field holds the value; JSON text is YAML, and clients parse it as YAML.
 */
import protobuf from 'protobufjs/minimal.js';

type Json = Record<string, unknown>;
type W = protobuf.Writer;

const LEN = 2;
const VARINT = 0;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(w: W, no: number, v: unknown): void {
  if (typeof v !== 'string') throw new Error(`gnostic: field ${no} wants a string, got ${JSON.stringify(v)}`);
  if (v !== '') w.uint32((no << 3) | LEN).string(v);
}

function strs(w: W, no: number, v: unknown): void {
  if (!Array.isArray(v)) throw new Error(`gnostic: field ${no} wants a list of strings`);
  for (const s of v) w.uint32((no << 3) | LEN).string(String(s));
}

function bool(w: W, no: number, v: unknown): void {
  if (typeof v !== 'boolean') throw new Error(`gnostic: field ${no} wants a boolean`);
  if (v) w.uint32((no << 3) | VARINT).bool(true);
}

function msg(w: W, no: number, body: () => void): void {
  w.uint32((no << 3) | LEN).fork();
  body();
  w.ldelim();
}

/** `Any { yaml = 2 }`. */
function any(w: W, no: number, v: unknown): void {
  msg(w, no, () => str(w, 2, JSON.stringify(v)));
}

/** `repeated NamedAny vendor_extension = no` for every `x-` key. */
function extensions(w: W, no: number, o: Json): void {
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('x-')) msg(w, no, () => { str(w, 1, k); any(w, 2, v); });
  }
}

function unknown(where: string, key: string): never {
  throw new Error(`gnostic: ${where} has no encoding for "${key}"`);
}

function schema(w: W, s: Json): void {
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case '$ref': str(w, 1, v); break;
      case 'format': str(w, 2, v); break;
      case 'title': str(w, 3, v); break;
      case 'description': str(w, 4, v); break;
      case 'default': any(w, 5, v); break;
      case 'uniqueItems': bool(w, 16, v); break;
      case 'required': strs(w, 19, v); break;
      case 'enum': for (const e of v as unknown[]) any(w, 20, e); break;
      case 'additionalProperties':
        msg(w, 21, () => (typeof v === 'boolean' ? bool(w, 2, v) : msg(w, 1, () => schema(w, v as Json))));
        break;
      case 'type': msg(w, 22, () => strs(w, 1, Array.isArray(v) ? v : [v])); break;
      case 'items': msg(w, 23, () => { for (const i of Array.isArray(v) ? v : [v]) msg(w, 1, () => schema(w, i as Json)); }); break;
      case 'allOf': for (const i of v as Json[]) msg(w, 24, () => schema(w, i)); break;
      case 'properties': msg(w, 25, () => named(w, 1, v as Json, schema)); break;
      case 'readOnly': bool(w, 27, v); break;
      default: if (!k.startsWith('x-')) unknown('Schema', k);
    }
  }
  extensions(w, 31, s);
}

/** `repeated Named<T> { name = 1; value = 2 }`. */
function named(w: W, no: number, map: Json, value: (w: W, v: Json) => void): void {
  for (const [name, v] of Object.entries(map)) msg(w, no, () => { str(w, 1, name); msg(w, 2, () => value(w, v as Json)); });
}

/** Query and path parameters share field numbers up to `name`; `type` and later differ by one
 * (query parameters have `allow_empty_value` at 5). */
function nonBodyParameter(w: W, p: Json): void {
  const query = p['in'] === 'query';
  const sub = query ? 3 : p['in'] === 'path' ? 4 : p['in'] === 'header' ? 1 : unknown('Parameter', `in=${String(p['in'])}`);
  const shift = query ? 1 : 0;
  msg(w, sub, () => {
    for (const [k, v] of Object.entries(p)) {
      switch (k) {
        case 'required': bool(w, 1, v); break;
        case 'in': str(w, 2, v); break;
        case 'description': str(w, 3, v); break;
        case 'name': str(w, 4, v); break;
        case 'type': str(w, 5 + shift, v); break;
        case 'format': str(w, 6 + shift, v); break;
        case 'uniqueItems': bool(w, 19 + shift, v); break;
        default: if (!k.startsWith('x-')) unknown('Parameter', k);
      }
    }
    extensions(w, 22 + shift, p);
  });
}

/** `ParametersItem { Parameter parameter = 1 }`, `Parameter { body = 1 | non_body = 2 }`. */
function parameter(w: W, p: Json): void {
  msg(w, 1, () => {
    if (p['in'] === 'body') {
      msg(w, 1, () => {
        for (const [k, v] of Object.entries(p)) {
          switch (k) {
            case 'description': str(w, 1, v); break;
            case 'name': str(w, 2, v); break;
            case 'in': str(w, 3, v); break;
            case 'required': bool(w, 4, v); break;
            case 'schema': msg(w, 5, () => schema(w, v as Json)); break;
            default: if (!k.startsWith('x-')) unknown('BodyParameter', k);
          }
        }
        extensions(w, 6, p);
      });
    } else {
      msg(w, 2, () => nonBodyParameter(w, p));
    }
  });
}

function response(w: W, r: Json): void {
  // ResponseValue { Response response = 1 }
  msg(w, 1, () => {
    for (const [k, v] of Object.entries(r)) {
      switch (k) {
        case 'description': str(w, 1, v); break;
        case 'schema': msg(w, 2, () => msg(w, 1, () => schema(w, v as Json))); break;
        default: if (!k.startsWith('x-')) unknown('Response', k);
      }
    }
    extensions(w, 5, r);
  });
}

function operation(w: W, op: Json): void {
  for (const [k, v] of Object.entries(op)) {
    switch (k) {
      case 'tags': strs(w, 1, v); break;
      case 'summary': str(w, 2, v); break;
      case 'description': str(w, 3, v); break;
      case 'operationId': str(w, 5, v); break;
      case 'produces': strs(w, 6, v); break;
      case 'consumes': strs(w, 7, v); break;
      case 'parameters': for (const p of v as Json[]) msg(w, 8, () => parameter(w, p)); break;
      case 'responses': msg(w, 9, () => named(w, 1, v as Json, response)); break;
      case 'schemes': strs(w, 10, v); break;
      case 'deprecated': bool(w, 11, v); break;
      default: if (!k.startsWith('x-')) unknown('Operation', k);
    }
  }
  extensions(w, 13, op);
}

const pathMethods: Readonly<Record<string, number>> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

function pathItem(w: W, item: Json): void {
  for (const [k, v] of Object.entries(item)) {
    const no = pathMethods[k];
    if (no !== undefined) msg(w, no, () => operation(w, v as Json));
    else if (k === 'parameters') for (const p of v as Json[]) msg(w, 9, () => parameter(w, p));
    else if (!k.startsWith('x-')) unknown('PathItem', k);
  }
  extensions(w, 10, item);
}

function securityDefinition(w: W, d: Json): void {
  if (d['type'] !== 'apiKey') unknown('SecurityDefinitions', `type=${String(d['type'])}`);
  // SecurityDefinitionsItem { ApiKeySecurity api_key_security = 2 }: type 1, name 2, in 3, description 4.
  msg(w, 2, () => {
    str(w, 1, d['type']);
    str(w, 2, d['name']);
    str(w, 3, d['in']);
    if (d['description'] !== undefined) str(w, 4, d['description']);
    extensions(w, 5, d);
  });
}

/** The protobuf bytes of a Swagger 2.0 document. */
export function encodeSwaggerDocument(doc: Json): Uint8Array {
  const w = protobuf.Writer.create();
  for (const [k, v] of Object.entries(doc)) {
    switch (k) {
      case 'swagger': str(w, 1, v); break;
      case 'info': {
        const info = v as Json;
        msg(w, 2, () => { str(w, 1, info['title']); str(w, 2, info['version']); extensions(w, 7, info); });
        break;
      }
      case 'host': str(w, 3, v); break;
      case 'basePath': str(w, 4, v); break;
      case 'schemes': strs(w, 5, v); break;
      case 'consumes': strs(w, 6, v); break;
      case 'produces': strs(w, 7, v); break;
      case 'paths': msg(w, 8, () => { extensions(w, 1, v as Json); named(w, 2, stripExtensions(v as Json), pathItem); }); break;
      case 'definitions': msg(w, 9, () => named(w, 1, v as Json, schema)); break;
      case 'security':
        // SecurityRequirement { repeated NamedStringArray additional_properties = 1 }, StringArray { value = 1 }.
        for (const req of v as Json[]) msg(w, 12, () => { for (const [name, scopes] of Object.entries(req)) msg(w, 1, () => { str(w, 1, name); msg(w, 2, () => strs(w, 1, scopes)); }); });
        break;
      case 'securityDefinitions': msg(w, 13, () => named(w, 1, v as Json, securityDefinition)); break;
      default: if (!k.startsWith('x-')) unknown('Document', k);
    }
  }
  extensions(w, 16, doc);
  return w.finish();
}

function stripExtensions(o: Json): Json {
  return isObject(o) ? Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('x-'))) : {};
}
