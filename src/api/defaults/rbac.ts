/** rbac.authorization.k8s.io/v1 defaults (SetDefaults_Subject): a User or Group subject's
 * apiGroup is the RBAC group, a ServiceAccount's the core group. */
import type { Obj } from './util.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function defaultBinding(obj: Obj): void {
  const subjects = obj['subjects'];
  if (!Array.isArray(subjects)) return;
  for (const s of subjects as Obj[]) {
    if (s === null || typeof s !== 'object' || s['apiGroup'] !== undefined && s['apiGroup'] !== '') continue;
    if (s['kind'] === 'User' || s['kind'] === 'Group') s['apiGroup'] = RBAC_GROUP;
    else if (s['kind'] === 'ServiceAccount') s['apiGroup'] = '';
  }
}
