/** RoleBinding and ClusterRoleBinding tables as Kubernetes prints them: the role as `Kind/name`,
 * and with `-o wide` the users, groups and service accounts bound. (Roles and ClusterRoles print
 * NAME and CREATED AT, the default table.) */
import type { KubeObject } from '../../api/types.js';
import type { TablePrinter } from './index.js';
import { since } from './age.js';
import { ageColumn, column, nameColumn } from './format.js';

interface Binding {
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind?: string; name?: string; namespace?: string }[] | null;
}

function subjects(o: KubeObject, kind: string): string {
  const b = o as KubeObject & Binding;
  return (b.subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name ?? ''}` : (s.name ?? '')))
    .join(', ');
}

export const bindingPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Role', 'string', 'RoleRef is the reference to the role the binding grants.'),
    ageColumn,
    column('Users', 'string', 'Users in the binding.', 1),
    column('Groups', 'string', 'Groups in the binding.', 1),
    column('ServiceAccounts', 'string', 'ServiceAccounts in the binding.', 1),
  ],
  cells: (o, now) => {
    const ref = (o as KubeObject & Binding).roleRef ?? {};
    return [
      o.metadata.name ?? '',
      `${ref.kind ?? ''}/${ref.name ?? ''}`,
      since(o.metadata.creationTimestamp, now),
      subjects(o, 'User'),
      subjects(o, 'Group'),
      subjects(o, 'ServiceAccount'),
    ];
  },
};
