/** Jobs (SCENARIOS S13): pods restart OnFailure or Never, the selector matches the template (the
 * generated one carries uid and name), counts are non-negative, and what is fixed at creation stays. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extensionsConverters } from '../../src/api/conversion/index.js';
import { applyDefaults, prepareJobSelector } from '../../src/api/defaults/index.js';
import { InvalidError } from '../../src/api/errors.js';
import type { Job } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/types.js';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import { causes, jobBuilder, msg, type JobBuilder } from '../helpers/builders.js';

/** What the registry does on create: default, assign identity, generate the selector, validate. */
function create(b: JobBuilder | KubeObject, uid = 'a1b2c3'): { job: Job; errors: string[] } {
  const job = ('build' in b && typeof b.build === 'function' ? b.build() : structuredClone(b)) as Job;
  applyDefaults('Job', job);
  job.metadata.uid = uid;
  prepareJobSelector(job);
  return { job, errors: causes(validateObject('Job', job)) };
}

const legacy = extensionsConverters['Job']!;

describe('S13: restart policy', () => {
  const cases: { name: string; policy: string | undefined; want: string[] }[] = [
    { name: 'Never is fine', policy: 'Never', want: [] },
    { name: 'OnFailure is fine', policy: 'OnFailure', want: [] },
    { name: 'Always is refused', policy: 'Always', want: ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'] },
    { name: 'unset defaults to Always, refused', policy: undefined, want: ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'] },
    {
      name: 'nonsense is refused',
      policy: 'Sometimes',
      want: [
        'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
      ],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(create(jobBuilder('pi').restartPolicy(c.policy)).errors, c.want));
  test('the message kubectl prints', () => {
    const { job, errors } = create(jobBuilder('package-check').restartPolicy('Always'));
    const err = new InvalidError('Job', 'batch', job.metadata.name!, validateObject('Job', job));
    assert.equal(errors.length, 1);
    assert.equal(err.code, 422);
    assert.equal(err.message, 'Job.batch "package-check" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');
  });
});

describe('S13: selectors', () => {
  test('no selector: generated from the uid, valid', () => {
    const { job, errors } = create(jobBuilder('backup', { task: 'backup' }), 'f00d');
    assert.deepEqual(errors, []);
    assert.deepEqual(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'f00d' } });
  });
  test('a manual selector that matches the template', () => {
    const { errors } = create(jobBuilder('m', { image: 'ubuntu', test: 'dpkg', owner: 'Amy' }).matchLabels({ image: 'ubuntu', test: 'dpkg' }).manualSelector(true));
    assert.deepEqual(errors, []);
  });
  test('a manual selector that does not match the template is refused', () => {
    const { errors } = create(jobBuilder('m', { image: 'ubuntu', test: 'dpkg' }).matchLabels({ image: 'debian' }).manualSelector(true));
    assert.deepEqual(errors, [`spec.template.metadata.labels: Invalid value: map[string]string{"image":"ubuntu", "test":"dpkg"}: ${msg.selectorMismatch}`]);
  });
  test('a selector without manualSelector is not the generated one', () => {
    const { errors } = create(jobBuilder('auto', { app: 'x' }).matchLabels({ app: 'x' }), 'u9');
    assert.deepEqual(errors, [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "batch.kubernetes.io/controller-uid":"u9"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
    ]);
  });
  test('a template label that conflicts with the generated ones', () => {
    const { errors } = create(jobBuilder('clash', { 'controller-uid': 'someone-else' }), 'mine');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^spec\.template\.metadata\.labels\[controller-uid\]: Invalid value: map\[string\]string\{.*"controller-uid":"someone-else".*\}: must be 'mine'$/);
  });
  test('extensions/v1beta1 without a selector: the template labels become the selector', () => {
    const ext: KubeObject = {
      apiVersion: 'extensions/v1beta1',
      kind: 'Job',
      metadata: { name: 'package-check' },
      spec: { completions: 3, template: { metadata: { labels: { image: 'ubuntu', test: 'dpkg', owner: 'Amy' } }, spec: { containers: [{ name: 'c', image: 'ubuntu' }], restartPolicy: 'Never' } } },
    };
    const { job, errors } = create(legacy.toStorage(ext));
    assert.deepEqual(errors, []);
    assert.deepEqual(job.spec.selector, { matchLabels: { image: 'ubuntu', test: 'dpkg', owner: 'Amy' } });
    assert.equal(job.spec.manualSelector, true);
  });
  test('extensions/v1beta1 with a selector that does not match is refused', () => {
    const ext: KubeObject = {
      apiVersion: 'extensions/v1beta1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { selector: { matchLabels: { test: 'rpm' } }, template: { metadata: { labels: { test: 'dpkg' } }, spec: { containers: [{ name: 'c', image: 'ubuntu' }], restartPolicy: 'OnFailure' } } },
    };
    assert.deepEqual(create(legacy.toStorage(ext)).errors, [`spec.template.metadata.labels: Invalid value: map[string]string{"test":"dpkg"}: ${msg.selectorMismatch}`]);
  });
});

describe('counts', () => {
  test('negative counts', () => {
    const { errors } = create(jobBuilder('n').set('spec.parallelism', -1).set('spec.completions', -2).set('spec.backoffLimit', -3).set('spec.activeDeadlineSeconds', -4));
    assert.deepEqual(errors, [
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.completions: Invalid value: -2: must be greater than or equal to 0',
      'spec.activeDeadlineSeconds: Invalid value: -4: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -3: must be greater than or equal to 0',
    ]);
  });
  test('zero is allowed', () => assert.deepEqual(create(jobBuilder('z').set('spec.parallelism', 0).set('spec.backoffLimit', 0)).errors, []));
  test('completion mode', () => {
    assert.deepEqual(create(jobBuilder('c').set('spec.completionMode', 'Random')).errors, ['spec.completionMode: Unsupported value: "Random": supported values: "NonIndexed", "Indexed"']);
    assert.deepEqual(create(jobBuilder('c').set('spec.completionMode', 'Indexed').set('spec.parallelism', 2)).errors, [
      'spec.completions: Required value: when completion mode is Indexed',
    ]);
    assert.deepEqual(create(jobBuilder('c').set('spec.completionMode', 'Indexed').set('spec.completions', 3)).errors, []);
    for (const [f, v] of [['podFailurePolicy', { rules: [] }], ['backoffLimitPerIndex', 1], ['maxFailedIndexes', 1], ['successPolicy', { rules: [] }]] as const) {
      assert.ok(create(jobBuilder('c').set(`spec.${f}`, v)).errors.includes(`spec.${f}: Forbidden: not supported by skiff`), f);
    }
    // The TTL-after-finished controller honours this one.
    assert.deepEqual(create(jobBuilder('c').set('spec.ttlSecondsAfterFinished', 30)).errors, []);
    assert.deepEqual(create(jobBuilder('c').set('spec.ttlSecondsAfterFinished', -1)).errors, ['spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0']);
  });
  test('template errors are reported inside the job', () => {
    assert.deepEqual(create(jobBuilder('t').container({ name: 'second' })).errors, ['spec.template.spec.containers[1].image: Required value']);
  });
});

describe('updates', () => {
  const stored = (): Job => create(jobBuilder('pi', { app: 'pi' }).set('spec.completions', 3), 'uid-1').job;
  test('parallelism may change', () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.parallelism = 5;
    assert.deepEqual(validateObjectUpdate('Job', next, old), []);
  });
  test('completions, selector and template may not', () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec.completions = 4;
    next.spec.template.spec.containers[0]!.image = 'perl';
    assert.deepEqual(causes(validateObjectUpdate('Job', next, old)).map((c) => c.split(': ')[0]), ['spec.completions', 'spec.template']);
    const resel = structuredClone(old);
    resel.spec.selector = { matchLabels: { app: 'pi' } };
    resel.spec.manualSelector = true;
    assert.deepEqual(causes(validateObjectUpdate('Job', resel, old)).filter((c) => c.includes('immutable')).map((c) => c.split(': ')[0]), ['spec.selector']);
  });
  test('a suspended job that never ran may change its node selector', () => {
    const old = stored();
    old.spec.suspend = true;
    const next = structuredClone(old);
    next.spec.template.spec.nodeSelector = { runDS: 'ok' };
    assert.deepEqual(validateObjectUpdate('Job', next, old), []);
  });
});
