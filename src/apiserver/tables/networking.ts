/** The Ingress and IngressClass tables, as Kubernetes' printIngress and printIngressClass. */
import { since } from './age.js';
import { at, ageColumn, column, nameColumn, records, str } from './format.js';
import type { TablePrinter } from './index.js';

/** Up to three hosts, `+ N more...` after them, `*` when no rule names one (formatHosts). */
export function ingressHosts(o: unknown): string {
  const rules = records(o, 'spec', 'rules');
  const list: string[] = [];
  const max = 3;
  let more = false;
  for (const r of rules) {
    if (list.length === max) more = true;
    const host = str(r, 'host');
    if (!more && host) list.push(host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

export const ingressPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Class', 'string', 'The name of the IngressClass resource that should be used for this Ingress.'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  cells(o, now) {
    const className = at(o, 'spec', 'ingressClassName');
    const addresses = [...new Set(records(o, 'status', 'loadBalancer', 'ingress').map((i) => str(i, 'ip') || str(i, 'hostname')).filter(Boolean))].sort();
    return [
      o.metadata.name ?? '',
      typeof className === 'string' ? className : '<none>',
      ingressHosts(o),
      addresses.join(','),
      records(o, 'spec', 'tls').length > 0 ? '80, 443' : '80',
      since(o.metadata.creationTimestamp, now),
    ];
  },
};

export const ingressClassPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn,
  ],
  cells(o, now) {
    let parameters = '<none>';
    const p = at(o, 'spec', 'parameters');
    if (p && typeof p === 'object') {
      const group = at(p, 'apiGroup');
      parameters = `${str(p, 'kind')}${typeof group === 'string' ? `.${group}` : ''}/${str(p, 'name')}`;
    }
    return [o.metadata.name ?? '', str(o, 'spec', 'controller'), parameters, since(o.metadata.creationTimestamp, now)];
  },
};
