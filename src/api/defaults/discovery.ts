/** discovery.k8s.io/v1 defaults (SetDefaults_EndpointPort): a port's protocol is TCP, its name "". */
import { records, setDefault, type Obj } from './util.js';

export function defaultEndpointSlice(obj: Obj): void {
  for (const p of records(obj['ports'])) {
    setDefault(p, 'protocol', 'TCP');
    if (p['name'] === undefined || p['name'] === null) p['name'] = '';
  }
}
