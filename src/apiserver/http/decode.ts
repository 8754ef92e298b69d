/** Request objects: parsed, checked against the addressed resource, strict field validation, and
 * converted from the served version to the stored form. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LineCounter, isScalar, parseDocument, visit } from 'yaml';
import { BadRequestError } from '../../api/errors.js';
import type { ServedVersion } from '../../api/resources.js';
import { apiVersionOf, isRecord, type KubeObject } from '../../api/types.js';
import { unknownFields, findDuplicateFields } from '../../api/schema/index.js';
import { decodeBody, mediaType, readBody } from './body.js';
import type { FieldValidation } from './query.js';
import { noteRequestObject } from '../audit/index.js';

function cannotHandle(sv: ServedVersion, why: string): BadRequestError {
  const kind = sv.resource.kind;
  return new BadRequestError(`${kind} in version "${sv.version}" cannot be handled as a ${kind}: ${why}`);
}

/** Keys repeated in a map of a YAML body, as Go's strict YAML decoder reports them
 * (`line 7: key "a" already set in map`). */
export function findYamlDuplicates(text: string): string[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  const out: string[] = [];
  visit(doc, {
    Map(_k, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) out.push(`line ${lines.linePos(pair.key.range?.[0] ?? 0).line}: key ${JSON.stringify(key)} already set in map`);
        seen.add(key);
      }
    },
  });
  return out;
}

/** Applies `fieldValidation` to a decoded object: Strict fails, Warn adds Warning headers.
 * `raw` is the JSON body (duplicate fields by path), `yaml` a YAML one (duplicates by line). */
export function checkFields(sv: ServedVersion, obj: KubeObject, raw: string | undefined, mode: FieldValidation, res: ServerResponse, yaml?: string): void {
  if (mode === 'Ignore') return;
  const yamlDups = yaml !== undefined ? findYamlDuplicates(yaml) : [];
  const problems = [
    ...(yamlDups.length > 0 && mode === 'Strict' ? [`yaml: unmarshal errors:\n  ${yamlDups.join('\n  ')}`] : yamlDups),
    ...(raw !== undefined ? findDuplicateFields(raw).map((f) => `duplicate field "${f}"`) : []),
    ...(sv.custom ? sv.custom.unknownFields(obj) : unknownFields(sv.group, sv.version, sv.resource.kind, obj)).map((f) => `unknown field "${f}"`),
  ];
  if (problems.length === 0) return;
  if (mode === 'Strict') throw cannotHandle(sv, `strict decoding error: ${problems.join(', ')}`);
  res.setHeader('Warning', problems.map((p) => `299 - ${JSON.stringify(p)}`));
}

/** Reads an object body for create/update in the served version `sv`; returns the stored form. */
export async function readObject(req: IncomingMessage, res: ServerResponse, sv: ServedVersion, mode: FieldValidation): Promise<KubeObject> {
  const raw = await readBody(req);
  const type = mediaType(req);
  const value = decodeBody(raw, type, sv.resource.kind);
  const obj = checkObject(sv, value);
  noteRequestObject(req, obj);
  const yaml = type === 'application/yaml';
  checkFields(sv, obj, yaml ? undefined : raw, mode, res, yaml ? raw : undefined);
  return fromServed(sv, obj);
}

/** Shape checks every object body gets: an object with metadata, kind and apiVersion matching. */
export function checkObject(sv: ServedVersion, value: unknown): KubeObject {
  if (!isRecord(value)) throw cannotHandle(sv, 'the body must be a JSON or YAML object');
  const want = apiVersionOf(sv.group, sv.version);
  if (value['kind'] !== undefined && value['kind'] !== sv.resource.kind) {
    throw new BadRequestError(`the kind in the data (${String(value['kind'])}) does not match the expected kind (${sv.resource.kind})`);
  }
  if (value['apiVersion'] !== undefined && value['apiVersion'] !== want) {
    throw new BadRequestError(`the API version in the data (${String(value['apiVersion'])}) does not match the expected API version (${want})`);
  }
  if (value['metadata'] === undefined || value['metadata'] === null) value['metadata'] = {};
  if (!isRecord(value['metadata'])) throw cannotHandle(sv, 'metadata must be an object');
  for (const f of ['spec', 'status']) {
    if (value[f] !== undefined && value[f] !== null && !isRecord(value[f])) throw cannotHandle(sv, `${f} must be an object`);
  }
  return value as KubeObject;
}

export function fromServed(sv: ServedVersion, obj: KubeObject): KubeObject {
  return sv.converter ? sv.converter.toStorage(obj) : obj;
}
