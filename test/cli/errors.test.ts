/** The error catalog: API Status errors and client errors in kubectl's words. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, AlreadyExistsError, NotFoundError } from '../../src/api/errors.js';
import { AggregateCliError, CliError, formatError, withSource } from '../../src/cli/kube/index.js';

describe('formatError', () => {
  const cases: [name: string, err: unknown, text: string][] = [
    ['NotFound', new NotFoundError('replicationcontrollers', '', 'x'), 'Error from server (NotFound): replicationcontrollers "x" not found'],
    ['NotFound in a group', new NotFoundError('daemonsets', 'apps', 'ram-check'), 'Error from server (NotFound): daemonsets.apps "ram-check" not found'],
    ['AlreadyExists', new AlreadyExistsError('services', '', 's'), 'Error from server (AlreadyExists): services "s" already exists'],
    ['Invalid, one cause: no "Error from server" prefix',
      new ApiError(422, 'Invalid', 'ignored', { kind: 'ReplicationController', name: 'x', causes: [{ field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }] }),
      'The ReplicationController "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ['Invalid, several causes: one * line each',
      new ApiError(422, 'Invalid', 'ignored', { kind: 'Pod', name: 'p', causes: [{ field: 'metadata.name', message: 'Required value' }, { field: 'spec.containers', message: 'Required value' }] }),
      'The Pod "p" is invalid: \n* metadata.name: Required value\n* spec.containers: Required value'],
    ['Conflict', new ApiError(409, 'Conflict', 'Operation cannot be fulfilled on replicationcontrollers "x": the object has been modified'),
      'Error from server (Conflict): Operation cannot be fulfilled on replicationcontrollers "x": the object has been modified'],
    ['Unauthorized', new ApiError(401, 'Unauthorized', 'Unauthorized'), 'error: You must be logged in to the server (Unauthorized)'],
    ['client-side', new CliError('Expected replicas to be 3, was 2'), 'error: Expected replicas to be 3, was 2'],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 6443 }),
      'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?'],
  ];
  for (const [name, err, text] of cases) test(name, () => assert.equal(formatError(err), text));

  test('withSource names the file for server errors, except Invalid (printed from its details)', () => {
    assert.equal(formatError(withSource('creating', 'rc.yaml', new AlreadyExistsError('replicationcontrollers', '', 'x'))),
      'Error from server (AlreadyExists): error when creating "rc.yaml": replicationcontrollers "x" already exists');
    const invalid = new ApiError(422, 'Invalid', 'm', { kind: 'Job', name: 'j', causes: [{ field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Always"' }] });
    assert.equal(formatError(withSource('creating', 'job.yaml', invalid)), 'The Job "j" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always"');
  });

  test('an aggregate prints each failure on its own line', () => {
    assert.equal(formatError(new AggregateCliError([new CliError('a'), new NotFoundError('pods', '', 'p')])), 'error: a\nError from server (NotFound): pods "p" not found');
  });
});
