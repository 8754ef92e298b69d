/** The web view at /ui/ in a real browser (Debian's chromium via puppeteer-core) against one
 * `skiff up` cluster: sign-in (a bad token refused), every page with the cluster's own data,
 * rollouts by kubectl and `skiff rolling-update` drawn live, untrusted text shown as text, RBAC
 * limiting what a user sees, cross-site writes refused, sessions that end. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { launchBrowser } from '../helpers/browser.js';
import { sessionRequest, signIn } from '../helpers/https-session.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';
import { skiffOk } from '../cli/run.js';
import { stringify } from 'yaml';
import { waitFor } from '../helpers/cluster.js';
import { serviceAccounts } from '../../src/api/resources.js';
import { loggerPod, markupEvent, nginxRc, quickJob, sleeperDaemonSet } from './fixtures.js';

/** Long enough for a machine shared with other test files; the waits end as soon as the page shows it. */
const WAIT = 60_000;

// The page's globals, for the functions puppeteer runs in the browser (this program is compiled
// without the DOM library, which would change Node's own globals' types).
declare const document: any;
declare const window: any;
declare const MutationObserver: any;
type HTMLTextAreaElement = { value: string };

// The tests share the cluster but nothing else (own names, own browser profiles): they run side by
// side, so the file takes about as long as its slowest test.
describe('the web view in a browser', { concurrency: 4 }, () => {
  let c: UpCluster;
  let browser: Browser;
  let base: string;
  const ns = `ui-${suffix()}`;
  before(async () => {
    [c, browser] = await Promise.all([startUpCluster({ nodes: 2 }), launchBrowser()]);
    base = `${c.cp.server.url}/ui/`;
    await c.kubectl.ok(['create', 'namespace', ns]);
  });
  after(async () => {
    await browser?.close();
    await c?.stop();
  });

  /** A fresh browser profile (no cookies) signed in with `token`. */
  async function signedInPage(token: string): Promise<Page> {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(base);
    await page.waitForSelector('#token');
    await page.type('#token', token);
    await page.click('#signin');
    await page.waitForSelector('#nav:not([hidden])', { timeout: WAIT });
    return page;
  }
  const text = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent ?? '');
  /** Waits until `selector` matches `count` elements (at least one when count is omitted). */
  /** A wait that, when it runs out, says what the page showed instead. */
  const explained = async (page: Page, what: string, wait: Promise<unknown>) => {
    try {
      await wait;
    } catch (err) {
      const shown = await page.$eval('main', (m) => m.textContent ?? '').catch(() => '(no page)');
      throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}; the page showed: ${shown.slice(0, 2000)}`);
    }
  };
  const waitCount = (page: Page, selector: string, count?: number) =>
    explained(page, `${count ?? 'some'} × ${selector}`, page.waitForFunction((s, n) => {
      const k = document.querySelectorAll(s).length;
      return n === null ? k > 0 : k === n;
    }, { timeout: WAIT, polling: 100 }, selector, count ?? null));
  const waitText = (page: Page, selector: string, re: RegExp) =>
    explained(page, `${selector} to match ${re}`, page.waitForFunction((s, src, flags) => new RegExp(src, flags).test(document.querySelector(s)?.textContent ?? ''), { timeout: WAIT, polling: 100 }, selector, re.source, re.flags));

  test('sign-in: a bad token is refused; the admin token signs in with a locked-down cookie; the pages carry a strict CSP', async () => {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT);
    const res = await page.goto(base);
    const h = res!.headers();
    assert.match(h['content-security-policy'] ?? '', /default-src 'self'/);
    assert.doesNotMatch(h['content-security-policy'] ?? '', /unsafe-inline/);
    assert.equal(h['x-frame-options'], 'DENY');
    assert.equal(h['x-content-type-options'], 'nosniff');
    await page.waitForSelector('#token');
    await page.type('#token', `bogus-${suffix()}`);
    await page.click('#signin');
    await waitText(page, '#signin-error', /Sign-in refused: the token is not valid/);
    assert.equal(await page.$('#nav:not([hidden])'), null);
    await page.$eval('#token', (el) => ((el as HTMLTextAreaElement).value = ''));
    await page.type('#token', c.cp.server.adminToken);
    await page.click('#signin');
    await page.waitForSelector('#nav:not([hidden])', { timeout: WAIT });
    const cookies = await ctx.cookies();
    const session = cookies.find((k) => k.name === '__Host-skiff-ui');
    assert.ok(session, `cookies: ${cookies.map((k) => k.name).join(',')}`);
    assert.deepEqual({ httpOnly: session.httpOnly, secure: session.secure, sameSite: session.sameSite }, { httpOnly: true, secure: true, sameSite: 'Strict' });
    // Scripts cannot read it.
    assert.equal(await page.evaluate(() => document.cookie), '');
    // The nodes page: every node, Ready, with its capacity.
    for (const n of c.nodeNames) await waitText(page, `tr[data-node="${n}"]`, /Ready/);
    assert.match(await text(page, `tr[data-node="${c.nodeNames[0]}"] .pods-count`), /^\d+ \/ \d+$/);
    await ctx.close();
  });

  test('every page shows the cluster: nodes, workloads (a DaemonSet on every node, a Job completing), pods, a followed log, services with endpoints, events', async () => {
    const web = `web-${suffix()}`;
    const logger = `logger-${suffix()}`;
    const ds = `ds-${suffix()}`;
    const job = `job-${suffix()}`;
    await c.kubectl.ok(['create', 'deployment', web, '--image=nginx', '--replicas=1', '-n', ns]);
    await c.kubectl.ok(['expose', 'deployment', web, '--port=80', '-n', ns]);
    await c.kubectl.ok(['apply', '-f', '-'], { input: loggerPod(logger, ns, ['first line']) });
    const page = await signedInPage(c.cp.server.adminToken);
    // Workloads open before the DaemonSet and the Job exist: they arrive live.
    await page.goto(`${base}#/workloads?ns=${ns}`);
    await waitCount(page, `[data-kind="Deployment"][data-name="${web}"] .pod[data-state="ready"]`, 1);
    await c.kubectl.ok(['apply', '-f', '-'], { input: sleeperDaemonSet(ds, ns) });
    await c.kubectl.ok(['apply', '-f', '-'], { input: quickJob(job, ns) });
    await waitCount(page, `[data-kind="DaemonSet"][data-name="${ds}"] .pod[data-state="ready"]`, c.nodeNames.length);
    const landed = await page.$$eval(`[data-kind="DaemonSet"][data-name="${ds}"] .pod small`, (els) => els.map((e) => e.textContent?.trim()));
    assert.deepEqual(landed.sort(), c.nodeNames.map((n) => `on ${n}`).sort());
    await waitText(page, `[data-kind="Job"][data-name="${job}"] .summary`, /^Complete · 1\/1 succeeded/);

    await page.goto(`${base}#/pods?ns=${ns}`);
    await waitText(page, `tr[data-pod="${logger}"] .status`, /Running/);
    const rows = await page.$$eval('#pods tbody tr', (els) => els.map((e) => e.getAttribute('data-pod')));
    assert.ok(rows.some((r) => r?.startsWith(`${web}-`)), rows.join(','));

    await page.goto(`${base}#/pod/${ns}/${logger}`);
    await waitText(page, '#log', /first line\n(.|\n)*tick \d+/);
    const ticks = () => text(page, '#log').then((t) => Math.max(...[...t.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]))));
    const seen = await ticks();
    // Following: later lines arrive without asking.
    await page.waitForFunction((n) => [...(document.querySelector('#log')?.textContent ?? '').matchAll(/tick (\d+)/g)].some((m) => Number(m[1]) >= n), { timeout: WAIT, polling: 100 }, seen + 3);

    await page.goto(`${base}#/services?ns=${ns}`);
    const podIP = (await c.kubectl.ok(['get', 'pods', '-n', ns, '-l', `app=${web}`, '-o', 'jsonpath={.items[0].status.podIP}'])).trim();
    await waitText(page, `tr[data-service="${web}"] .endpoints`, new RegExp(`${podIP.replace(/\./g, '\\.')}:80`));

    await page.goto(`${base}#/events?ns=${ns}`);
    await waitText(page, '#events', new RegExp(`Scaled up replica set ${web}-\\w+ from 0 to 1`));
    await waitText(page, '#events', /Completed/);

    await page.goto(`${base}#/nodes?ns=${ns}`);
    for (const n of c.nodeNames) await waitText(page, `tr[data-node="${n}"] .pods-count`, /^[1-9]\d* \/ \d+$/);

    // A phone: nothing wider than the screen (tables scroll inside their box).
    await page.setViewport({ width: 375, height: 700 });
    for (const p of ['workloads', 'pods', 'events']) {
      await page.goto(`${base}#/${p}?ns=${ns}`);
      await page.waitForSelector('main h1');
      const wide = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1 ? '' :
        [...document.querySelectorAll('main *')].filter((e: any) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll')).map((e: any) => `${e.tagName}.${e.className}: ${(e.textContent ?? '').slice(0, 80)}`).slice(0, 5).join(' | '));
      assert.equal(wide, '', `${p} fits a phone`);
    }
    await page.browserContext().close();
  });

  test('a rollout by kubectl (set image, rollout restart) is drawn live, old and new ReplicaSets and their pods, without a reload', async () => {
    const name = `roll-${suffix()}`;
    const replicas = randomInt(2, 3);
    await c.kubectl.ok(['create', 'deployment', name, '--image=nginx', `--replicas=${replicas}`, '-n', ns]);
    const page = await signedInPage(c.cp.server.adminToken);
    await page.goto(`${base}#/workloads?ns=${ns}`);
    const card = `[data-kind="Deployment"][data-name="${name}"]`;
    await waitCount(page, `${card} .rs[data-revision="1"] .pod[data-state="ready"]`, replicas);
    // Everything drawn is recorded: which revision each pod was shown under.
    await page.evaluate((sel) => {
      const w = window as unknown as { seen: Set<string>; notReloaded: boolean };
      w.seen = new Set();
      w.notReloaded = true;
      const note = () => document.querySelectorAll(`${sel} .rs .pod`).forEach((p: any) => w.seen.add(`${p.closest('.rs')?.getAttribute('data-revision')}:${p.getAttribute('data-pod')}`));
      new MutationObserver(note).observe(document.body, { childList: true, subtree: true });
    }, card);
    await c.kubectl.ok(['set', 'image', `deployment/${name}`, 'nginx=httpd', '-n', ns]);
    await waitCount(page, `${card} .rs[data-revision="2"] .pod[data-state="ready"]`, replicas);
    await waitCount(page, `${card} .rs[data-revision="1"] .pod`, 0);
    assert.match(await text(page, `${card} .rs[data-revision="2"] .rsline`), /httpd/);
    await c.kubectl.ok(['rollout', 'restart', `deployment/${name}`, '-n', ns]);
    await waitCount(page, `${card} .rs[data-revision="3"] .pod[data-state="ready"]`, replicas);
    await waitCount(page, `${card} .rs[data-revision="2"] .pod`, 0);
    const seen = await page.evaluate(() => {
      const w = window as unknown as { seen: Set<string>; notReloaded?: boolean };
      return { seen: [...w.seen], notReloaded: w.notReloaded };
    });
    assert.equal(seen.notReloaded, true);
    for (const rev of ['1', '2', '3']) {
      assert.ok(seen.seen.filter((s) => s.startsWith(`${rev}:`)).length >= replicas, `revision ${rev}'s pods were drawn: ${seen.seen.join(' ')}`);
    }
    await page.browserContext().close();
  });

  test('`skiff rolling-update` of a ReplicationController: the new RC and its pods appear and the old ones go, live', async () => {
    const rc = `rc-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: nginxRc(rc, ns, 2) });
    const page = await signedInPage(c.cp.server.adminToken);
    await page.goto(`${base}#/workloads?ns=${ns}`);
    await waitCount(page, `[data-kind="ReplicationController"][data-name="${rc}"] .pod[data-state="ready"]`, 2);
    await page.evaluate(() => {
      const w = window as unknown as { rcs: Set<string>; notReloaded: boolean };
      w.rcs = new Set();
      w.notReloaded = true;
      new MutationObserver(() => document.querySelectorAll('[data-kind="ReplicationController"]').forEach((e: any) => {
        if (e.querySelector('.pod')) w.rcs.add(`${e.getAttribute('data-name')}:${e.querySelector('.summary')?.textContent}`);
      })).observe(document.body, { childList: true, subtree: true });
    });
    const out = await skiffOk(c.cp.server.kubeconfigPath, ['rolling-update', rc, '--image=httpd', '--update-period=300ms', '--poll-interval=100ms', '-n', ns]);
    assert.match(out, /rolling updated/);
    await waitText(page, `[data-kind="ReplicationController"][data-name="${rc}"] .summary`, /2\/2 ready · httpd/);
    const drawn = await page.evaluate(() => {
      const w = window as unknown as { rcs: Set<string>; notReloaded?: boolean };
      return { rcs: [...w.rcs], notReloaded: w.notReloaded };
    });
    assert.equal(drawn.notReloaded, true);
    const next = drawn.rcs.filter((r) => r.startsWith(`${rc}-`) && /httpd/.test(r));
    assert.ok(next.length > 0, `the new RC was drawn with pods: ${drawn.rcs.join(' | ')}`);
    assert.ok(drawn.rcs.some((r) => r.startsWith(`${rc}:`) && /nginx/.test(r)), `the old RC was drawn with pods: ${drawn.rcs.join(' | ')}`);
    await page.browserContext().close();
  });

  test('markup in annotations, log lines and events is shown as text and nothing runs', async () => {
    const pod = `xss-${suffix()}`;
    const img = '<img src=x onerror="window.pwned=1;alert(1)">';
    const script = '<script>window.pwned=2</script>';
    await c.kubectl.ok(['apply', '-f', '-'], { input: loggerPod(pod, ns, [img, script], { note: img, [`x.example/${suffix()}`]: script }) });
    await c.kubectl.ok(['apply', '-f', '-'], { input: markupEvent(`${pod}.markup`, ns, pod, `${img}${script}`) });
    const page = await signedInPage(c.cp.server.adminToken);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${base}#/pod/${ns}/${pod}`);
    await waitText(page, '#pod-details .annotations', /note=<img src=x onerror=/);
    await waitText(page, '#log', /<script>window\.pwned=2<\/script>/);
    assert.ok((await text(page, '#log')).includes(img));
    await page.goto(`${base}#/events?ns=${ns}`);
    await waitText(page, '#events', /Markup/);
    assert.ok((await text(page, '#events')).includes(`${img}${script}`));
    const found = await page.evaluate(() => ({
      imgs: document.querySelectorAll('img').length,
      inlineScripts: [...document.querySelectorAll('script')].filter((s: any) => !s.src).length,
      pwned: (window as unknown as { pwned?: number }).pwned ?? 'no',
    }));
    assert.deepEqual(found, { imgs: 0, inlineScripts: 0, pwned: 'no' });
    assert.deepEqual(dialogs, []);
    await page.browserContext().close();
  });

  test('a user whose RBAC covers one namespace sees only it; elsewhere the page says Forbidden', async () => {
    const mine = `ui-a-${suffix()}`;
    const other = `ui-b-${suffix()}`;
    const sa = `viewer-${suffix()}`;
    const pa = `pa-${suffix()}`;
    const pb = `pb-${suffix()}`;
    const doc = (o: unknown) => stringify(o);
    await c.kubectl.ok(['apply', '-f', '-'], {
      input: [
        doc({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: mine } }),
        doc({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: other } }),
        doc({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: mine } }),
        doc({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'view', namespace: mine }, rules: [{ apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: ['get', 'list', 'watch'] }] }),
        doc({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'view', namespace: mine }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: sa, namespace: mine }] }),
      ].join('\n---\n'),
    });
    // Pods need their namespace's `default` ServiceAccount, which its controller makes.
    for (const n of [mine, other]) await waitFor(`default ServiceAccount in ${n}`, () => c.cp.client.get(serviceAccounts, n, 'default').catch(() => undefined), WAIT);
    await c.kubectl.ok(['apply', '-f', '-'], { input: `${loggerPod(pa, mine, ['a'])}\n---\n${loggerPod(pb, other, ['b'])}` });
    const token = (await c.kubectl.ok(['create', 'token', sa, '-n', mine])).trim();
    const page = await signedInPage(token);
    assert.equal(await text(page, '#who'), `system:serviceaccount:${mine}:${sa}`);
    await page.goto(`${base}#/pods`);
    await waitText(page, '.forbidden', /Forbidden: pods is forbidden: User "system:serviceaccount:[^"]+" cannot list resource "pods" in API group "" at the cluster scope/);
    await page.goto(`${base}#/pods?ns=${mine}`);
    await page.waitForSelector(`tr[data-pod="${pa}"]`, { timeout: WAIT });
    assert.deepEqual(await page.$$eval('#pods tbody tr', (els) => els.map((e) => e.getAttribute('data-pod'))), [pa]);
    assert.equal(await page.$('.forbidden'), null);
    await page.goto(`${base}#/pods?ns=${other}`);
    await waitText(page, '.forbidden', new RegExp(`cannot list resource "pods" in API group "" in the namespace "${other}"`));
    assert.equal(await page.$(`tr[data-pod="${pb}"]`), null);
    await page.goto(`${base}#/nodes`);
    await waitText(page, '.forbidden', /cannot list resource "nodes"/);
    await page.browserContext().close();
  });

  test('cross-site writes are refused: a form on another site, a request without the CSRF token, one from a foreign Origin', async () => {
    const page = await signedInPage(c.cp.server.adminToken);
    const cm = `pwned-${suffix()}`;
    const target = `${c.cp.server.url}/api/v1/namespaces/${ns}/configmaps`;
    // A page elsewhere that posts a form to the API with whatever cookies the browser would send.
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<form method="POST" action="${target}" enctype="text/plain"><input name='{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${cm}"},"x":"' value='"}'></form><script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const answered = page.waitForResponse((r) => r.url().startsWith(target), { timeout: WAIT });
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const res = await answered;
      assert.ok(res && (res.status() === 401 || res.status() === 403), `status ${res?.status()}`);
    } finally {
      evil.close();
    }
    assert.match((await c.kubectl.run(['get', 'configmap', cm, '-n', ns])).stderr, /NotFound|not found/);

    // The session's own cookie, from a client that is not the UI's page.
    const s = await signIn(c.cp.server, c.cp.server.adminToken);
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm } });
    const noToken = await sessionRequest(c.cp.server, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { Cookie: s.cookie }, body);
    assert.equal(noToken.status, 403);
    assert.match(noToken.body, /X-CSRF-Token/);
    const foreign = await sessionRequest(c.cp.server, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, Origin: 'https://evil.example' }, body);
    assert.equal(foreign.status, 403);
    assert.match(foreign.body, /cross-site request refused/);
    // Reading needs no token; writing with it works, as the signed-in user.
    assert.equal((await sessionRequest(c.cp.server, 'GET', `/api/v1/namespaces/${ns}/configmaps`, { Cookie: s.cookie })).status, 200);
    const ok = await sessionRequest(c.cp.server, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, Origin: new URL(c.cp.server.url).origin }, body);
    assert.equal(ok.status, 201, ok.body);
    await page.browserContext().close();
  });

  test('sessions end: idle past their limit, and at sign-out', async () => {
    // Two seconds: long enough for the first request to come in time on a busy machine.
    const idle = await signIn(c.cp.server, c.cp.server.adminToken, { idleSeconds: 2 });
    assert.equal((await sessionRequest(c.cp.server, 'GET', '/api/v1/namespaces', { Cookie: idle.cookie })).status, 200);
    await new Promise((r) => setTimeout(r, 2300));
    assert.equal((await sessionRequest(c.cp.server, 'GET', '/api/v1/namespaces', { Cookie: idle.cookie })).status, 401);
    assert.equal((await sessionRequest(c.cp.server, 'GET', '/ui/session', { Cookie: idle.cookie })).status, 401);

    // In the browser: a session that idles out brings back the sign-in form.
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(base);
    await page.waitForSelector('#token');
    const status = await page.evaluate(async (token) => (await fetch('/ui/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token, idleSeconds: 2 }) })).status, c.cp.server.adminToken);
    assert.equal(status, 201);
    await page.reload();
    await page.waitForSelector('#nav:not([hidden])');
    await new Promise((r) => setTimeout(r, 2300));
    await page.goto(`${base}#/pods`);
    await page.reload();
    await page.waitForSelector('#token', { timeout: WAIT });
    await ctx.close();

    // Sign-out ends the session on the server, not just in the page.
    const page2 = await signedInPage(c.cp.server.adminToken);
    const cookie = (await page2.browserContext().cookies()).find((k) => k.name === '__Host-skiff-ui')!;
    await page2.click('#signout');
    await page2.waitForSelector('#token');
    assert.equal((await sessionRequest(c.cp.server, 'GET', '/api/v1/namespaces', { Cookie: `${cookie.name}=${cookie.value}` })).status, 401);
    await page2.browserContext().close();
  });
});
