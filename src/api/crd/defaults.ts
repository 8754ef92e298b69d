/** apiextensions.k8s.io/v1 defaulting of a CustomResourceDefinition, as Kubernetes does it:
 * `singular` is the lowercased kind, `listKind` is `<kind>List`, conversion is `None`. */
type Obj = Record<string, unknown>;

function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function defaultCustomResourceDefinition(crd: Obj): void {
  const spec = crd['spec'];
  if (!isRecord(spec)) return;
  const names = spec['names'];
  if (isRecord(names) && typeof names['kind'] === 'string' && names['kind'] !== '') {
    if (!names['singular']) names['singular'] = names['kind'].toLowerCase();
    if (!names['listKind']) names['listKind'] = `${names['kind']}List`;
  }
  if (!isRecord(spec['conversion'])) spec['conversion'] = { strategy: 'None' };
  else if (spec['conversion']['strategy'] === undefined) spec['conversion']['strategy'] = 'None';
}
