/** Printing as kubectl prints: tab-writer layout, the server's Table, JSONPath templates, custom
 * columns, names, lists. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonPath, parseOutput, printObjects, printTable, TablePrinter, tabbed, describeOptions, getTableOptions, relaxed, type Table } from '../../src/cli/printers/index.js';
import { humanDuration } from '../../src/apiserver/tables/index.js';
import type { KubeObject } from '../../src/api/types.js';

const rcTable = (rows: [string, number, string][]): Table => ({
  kind: 'Table',
  columnDefinitions: [
    { name: 'Name', format: 'name', priority: 0 },
    { name: 'Desired', priority: 0 },
    { name: 'Age', priority: 0 },
    { name: 'Selector', priority: 1 },
  ],
  rows: rows.map(([n, d, a]) => ({ cells: [n, d, a, `app=${n}`], object: { metadata: { namespace: 'ns1', labels: { app: n, tier: 'web' } } } })),
});

describe('tab writer', () => {
  const cases = [
    { name: 'columns padded to the widest cell plus 3, last cell unpadded', text: 'NAME\tAGE\nlonger-name\t5m\n', opts: getTableOptions, want: 'NAME          AGE\nlonger-name   5m\n' },
    { name: 'minimum width 6 for short columns', text: 'A\tB\tC\nx\ty\tz\n', opts: getTableOptions, want: 'A     B     C\nx     y     z\n' },
    { name: 'describe: a line without tabs ends the column block', text: 'Name:\tx\nNamespace:\tdefault\nContainers:\n  c:\n    Image:\tnginx\n', opts: describeOptions, want: 'Name:       x\nNamespace:  default\nContainers:\n  c:\n    Image:  nginx\n' },
    { name: 'describe: empty cells keep the column', text: 'Labels:\ta=b\n\tc=d\nIP:\t1.2.3.4\n', opts: describeOptions, want: 'Labels:  a=b\n         c=d\nIP:      1.2.3.4\n' },
    { name: 'nested columns', text: 'a\tbb\tc\naaa\tb\tc\n', opts: describeOptions, want: 'a    bb  c\naaa  b   c\n' },
    { name: 'unicode counted as characters', text: 'ü\tx\nab\ty\n', opts: describeOptions, want: 'ü   x\nab  y\n' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(tabbed(c.text, c.opts), c.want));
});

describe('tables', () => {
  const t = rcTable([['web', 3, '5m'], ['database-primary', 12, '2d3h']]);
  const cases = [
    { name: 'plain', opts: {}, want: 'NAME               DESIRED   AGE\nweb                3         5m\ndatabase-primary   12        2d3h\n' },
    { name: 'wide adds priority-1 columns', opts: { wide: true }, want: 'NAME               DESIRED   AGE    SELECTOR\nweb                3         5m     app=web\ndatabase-primary   12        2d3h   app=database-primary\n' },
    { name: 'no headers', opts: { noHeaders: true }, want: 'web                3     5m\ndatabase-primary   12    2d3h\n' },
    { name: 'namespace first', opts: { withNamespace: true }, want: 'NAMESPACE   NAME               DESIRED   AGE\nns1         web                3         5m\nns1         database-primary   12        2d3h\n' },
    { name: 'label columns then LABELS', opts: { labelColumns: ['example.com/tier'], showLabels: true }, want: 'NAME               DESIRED   AGE    TIER   LABELS\nweb                3         5m            app=web,tier=web\ndatabase-primary   12        2d3h          app=database-primary,tier=web\n' },
    { name: 'kind prefix', opts: { kindPrefix: 'replicationcontroller' }, want: 'NAME                                     DESIRED   AGE\nreplicationcontroller/web                3         5m\nreplicationcontroller/database-primary   12        2d3h\n' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(printTable(t, c.opts), c.want));

  test('missing cells print <none>', () => {
    assert.equal(printTable({ columnDefinitions: [{ name: 'Name' }, { name: 'IP' }], rows: [{ cells: ['p', null] }] }, {}), 'NAME   IP\np      <none>\n');
  });

  test('a watch keeps the header widths for later rows', () => {
    const p = new TablePrinter({});
    const first = p.print(rcTable([['abcdefghij', 1, '1s']]));
    const later = p.print(rcTable([['x', 2, '2s']]));
    assert.equal(first, 'NAME         DESIRED   AGE\nabcdefghij   1         1s\n');
    assert.equal(later, 'x            2         2s\n');
  });

  test('ages', () => {
    for (const [ms, want] of [[5 * 60_000, '5m'], [(2 * 24 + 3) * 3_600_000, '2d3h'], [45_000, '45s'], [190_000, '3m10s']] as const) assert.equal(humanDuration(ms), want);
  });
});

const pod = (name: string, ns: string, image: string, ready: boolean): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: ns, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }, { name: 'side', image: 'busybox' }] },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('jsonpath', () => {
  const list = { kind: 'List', items: [pod('a', 'n1', 'nginx', true), pod('b', 'n2', 'httpd', false)] };
  const cases = [
    { name: 'every name', tpl: '{.items[*].metadata.name}', want: 'a b' },
    { name: 'range with newline literal', tpl: '{range .items[*]}{.metadata.name}{"\\t"}{.metadata.namespace}{"\\n"}{end}', want: 'a\tn1\nb\tn2\n' },
    { name: 'filter', tpl: '{.items[?(@.metadata.name=="b")].spec.containers[0].image}', want: 'httpd' },
    { name: 'nested filter on conditions', tpl: '{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status};{end}', want: 'a=True;b=False;' },
    { name: 'index and slice', tpl: '{.items[-1].metadata.name} {.items[0:1].metadata.name}', want: 'b a' },
    { name: 'recursive descent', tpl: '{..image}', want: 'nginx busybox httpd busybox' },
    { name: 'quoted key', tpl: "{.items[0].metadata.labels['app']}", want: 'web' },
    { name: 'maps print as JSON', tpl: '{.items[0].metadata.labels}', want: '{"app":"web"}' },
    { name: 'missing keys print nothing', tpl: 'x{.items[0].nothing.here}y', want: 'xy' },
    { name: 'root $', tpl: '{$.kind}', want: 'List' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(new JsonPath(c.tpl).execute(list), c.want));

  test('relaxed expressions', () => {
    assert.equal(relaxed('.metadata.name'), '{.metadata.name}');
    assert.equal(relaxed('metadata.name'), '{.metadata.name}');
    assert.equal(relaxed('{.a}'), '{.a}');
  });
});

describe('output formats', () => {
  const objs = [{ obj: pod('web-1', 'default', 'nginx', true), group: '' }, { obj: pod('web-22', 'default', 'httpd', true), group: '' }];
  test('name', () => assert.equal(printObjects(objs, parseOutput('name'), false), 'pod/web-1\npod/web-22\n'));
  test('name with a group', () => assert.equal(printObjects([{ obj: { kind: 'DaemonSet', metadata: { name: 'd' } }, group: 'apps' }], parseOutput('name'), false), 'daemonset.apps/d\n'));
  test('custom columns', () => {
    assert.equal(printObjects(objs, parseOutput('custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,X:.nope'), false),
      'NAME     IMAGES          X\nweb-1    nginx,busybox   <none>\nweb-22   httpd,busybox   <none>\n');
  });
  test('json: one object as itself, several as a List, 4-space indent, sorted keys', () => {
    const one = JSON.parse(printObjects(objs.slice(0, 1), parseOutput('json'), true)) as KubeObject;
    assert.equal(one.metadata.name, 'web-1');
    const text = printObjects(objs, parseOutput('json'), false);
    assert.match(text, /^\{\n {4}"apiVersion": "v1",\n {4}"items": \[/);
    assert.match(text, /"kind": "List",\n {4}"metadata": \{\n {8}"resourceVersion": ""\n {4}\}\n\}\n$/);
  });
  test('yaml lists are not indented under their key', () => {
    const text = printObjects(objs.slice(0, 1), parseOutput('yaml'), true);
    assert.match(text, /^apiVersion: v1\nkind: Pod\nmetadata:\n {2}labels:\n {4}app: web\n/);
    assert.match(text, /\n {2}containers:\n {2}- image: nginx\n/);
  });
  test('jsonpath on a list sees items', () => assert.equal(printObjects(objs, parseOutput('jsonpath={.items[*].metadata.name}'), false), 'web-1 web-22'));
  test('unknown format', () => assert.throws(() => parseOutput('xml'), /unable to match a printer suitable for the output format "xml"/));
});
