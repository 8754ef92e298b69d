/** Field selectors (`?fieldSelector=metadata.name=x,spec.nodeName!=`) over per-kind field sets. */
import { BadRequestError } from './errors.js';
import type { KubeObject } from './types.js';
import { isRecord } from './types.js';
import { resourceTypes } from './resources.js';

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(fields: Readonly<Record<string, string>>): boolean;
  /** Canonical text (`field=value,…`, sorted by field), `""` for everything. */
  toString(): string;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

/** Splits on unescaped commas, keeping the escapes (values are unescaped later). */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[i + 1]!;
      i++;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

function unescape(v: string, whole: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\') {
      const n = v[i + 1];
      if (n !== '\\' && n !== ',' && n !== '=') {
        throw new BadRequestError(`invalid field selector: '${whole}': invalid escape sequence: ${JSON.stringify(`\\${n ?? ''}`)}`);
      }
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw new BadRequestError(`invalid field selector: '${whole}': unescaped ${JSON.stringify(c)}`);
    } else {
      out += c;
    }
  }
  return out;
}

/** Finds the first unescaped occurrence of `op` in `term`. */
function findOp(term: string, op: string): number {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++;
      continue;
    }
    if (term.startsWith(op, i)) return i;
  }
  return -1;
}

/** Throws BadRequestError on malformed input. `a=b`, `a==b` and `a!=b` terms, comma separated;
 * `\,`, `\=` and `\\` escape those characters in values. */
export function parseFieldSelector(text: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  if (text.trim() !== '') {
    for (const term of splitTerms(text)) {
      if (term === '') continue;
      let parsed: FieldRequirement | undefined;
      for (const [token, op] of [['!=', '!='], ['==', '='], ['=', '=']] as const) {
        const at = findOp(term, token);
        if (at < 0) continue;
        parsed = { field: term.slice(0, at).trim(), op, value: unescape(term.slice(at + token.length), text) };
        break;
      }
      if (!parsed) throw new BadRequestError(`invalid selector: '${text}'; can't understand '${term}'`);
      requirements.push(parsed);
    }
  }
  return fieldSelectorOf(requirements);
}

export function fieldSelectorOf(requirements: readonly FieldRequirement[]): FieldSelector {
  const sorted = [...requirements].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  const text = sorted.map((r) => `${r.field}${r.op}${escapeValue(r.value)}`).join(',');
  return {
    requirements: sorted,
    matches: (fields) => sorted.every((r) => ((fields[r.field] ?? '') === r.value) === (r.op === '=')),
    toString: () => text,
  };
}

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Per kind, the fields Kubernetes lets clients select on (beyond metadata.name/namespace). */
const kindFields: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Event: [
    'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
    'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
    'reason', 'reportingComponent', 'source', 'type',
  ],
  Node: ['spec.unschedulable'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  ReplicationController: ['status.replicas'],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful'],
  Service: ['spec.clusterIP', 'spec.type'],
};

function isNamespaced(kind: string): boolean {
  return resourceTypes.find((r) => r.kind === kind)?.namespaced ?? true;
}

/** The fields of `kind` a selector may name. */
export function supportedFields(kind: string): readonly string[] {
  return [...(isNamespaced(kind) ? ['metadata.name', 'metadata.namespace'] : ['metadata.name']), ...(kindFields[kind] ?? [])];
}

/** The selectable fields of an object of `kind`: metadata.name (and metadata.namespace for
 * namespaced kinds); plus per kind (pods: spec.nodeName, spec.restartPolicy, spec.schedulerName,
 * spec.serviceAccountName, spec.hostNetwork, status.phase, status.podIP, status.nominatedNodeName;
 * events: involvedObject.*, reason, reportingComponent, source, type; nodes: spec.unschedulable;
 * secrets: type; namespaces: status.phase; RCs and replica sets: status.replicas; jobs:
 * status.successful; services: spec.clusterIP, spec.type). */
export function selectableFields(kind: string, obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '' };
  if (isNamespaced(kind)) out['metadata.namespace'] = obj.metadata.namespace ?? '';
  const special: Readonly<Record<string, () => string>> = {
    'spec.hostNetwork': () => String(get(obj, 'spec.hostNetwork') === true),
    'spec.unschedulable': () => String(get(obj, 'spec.unschedulable') === true),
    'status.replicas': () => String(get(obj, 'status.replicas') ?? 0),
    'status.successful': () => String(get(obj, 'status.succeeded') ?? 0),
    source: () => str(get(obj, 'source.component') ?? get(obj, 'reportingComponent')),
    type: () => str(obj['type']),
  };
  for (const f of kindFields[kind] ?? []) {
    const sp = special[f];
    out[f] = sp ? sp() : str(get(obj, f));
  }
  return out;
}

/** Throws BadRequestError when a requirement names a field the kind does not support, with
 * Kubernetes' message `field label not supported: <field>`. */
export function checkSupportedFields(kind: string, sel: FieldSelector): void {
  const ok = new Set(supportedFields(kind));
  for (const r of sel.requirements) {
    if (!ok.has(r.field)) throw new BadRequestError(`field label not supported: ${r.field}`);
  }
}
