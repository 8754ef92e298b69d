/** Field selectors (`?fieldSelector=metadata.name=x,spec.nodeName!=`) over per-kind field sets. */
import type { KubeObject } from './types.js';

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(fields: Readonly<Record<string, string>>): boolean;
}

/** Throws BadRequestError on malformed input. */
export function parseFieldSelector(text: string): FieldSelector {
  void text;
  return { requirements: [], matches: () => true };
}

/** The selectable fields of an object of `kind`: always metadata.name and metadata.namespace;
 * plus per kind (pods: spec.nodeName, spec.restartPolicy, spec.schedulerName,
 * spec.serviceAccountName, status.phase, status.podIP, status.nominatedNodeName; events:
 * involvedObject.*, reason, source, type; nodes: spec.unschedulable; secrets: type;
 * namespaces: status.phase; jobs/rcs: status.replicas where Kubernetes has it). */
export function selectableFields(kind: string, obj: KubeObject): Record<string, string> {
  void kind;
  return { 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '' };
}

/** Throws BadRequestError when a requirement names a field the kind does not support, with
 * Kubernetes' message `field label not supported: <field>`. */
export function checkSupportedFields(kind: string, sel: FieldSelector): void {
  void kind;
  void sel;
}
