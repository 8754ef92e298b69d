/** Docker config Secrets (`kubernetes.io/dockerconfigjson`, `kubernetes.io/dockercfg`) as
 * Kubernetes validates them: the key required, its value well-formed JSON decodable into a map,
 * with Go's own error words. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject } from '../../src/api/validation/index.js';
import { goJsonObjectError } from '../../src/api/validation/gojson.js';
import { causes, objectBuilder } from '../helpers/builders.js';

const suffix = (): string => Math.random().toString(36).slice(2, 8);
const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

describe("Go's json.Unmarshal into a map, word for word", () => {
  const cases: { name: string; text: string | Buffer; want: string | undefined }[] = [
    { name: 'an object', text: '{"auths":{"r":{"auth":"eDp5"}}}', want: undefined },
    { name: 'an empty object with spaces around', text: ' \t\r\n{}\n', want: undefined },
    { name: 'null (the map stays nil)', text: 'null', want: undefined },
    { name: 'empty', text: '', want: 'unexpected end of JSON input' },
    { name: 'cut short', text: '{"auths":{', want: 'unexpected end of JSON input' },
    { name: 'not JSON', text: 'auths', want: "invalid character 'a' looking for beginning of value" },
    { name: 'unquoted key', text: '{auths:1}', want: "invalid character 'a' looking for beginning of object key string" },
    { name: 'missing colon', text: '{"a" 1}', want: "invalid character '1' after object key" },
    { name: 'missing comma', text: '{"a":1 "b":2}', want: `invalid character '"' after object key:value pair` },
    { name: 'trailing comma in an object', text: '{"a":1,}', want: "invalid character '}' looking for beginning of object key string" },
    { name: 'trailing comma in an array', text: '{"a":[1,]}', want: "invalid character ']' looking for beginning of value" },
    { name: 'missing comma in an array', text: '{"a":[1 2]}', want: "invalid character '2' after array element" },
    { name: 'bad escape', text: '{"a":"\\x"}', want: "invalid character 'x' in string escape code" },
    { name: 'bad \\u escape', text: '{"a":"\\u12G4"}', want: "invalid character 'G' in \\u hexadecimal character escape" },
    { name: 'raw newline in a string', text: '{"a":"x\ny"}', want: "invalid character '\\n' in string literal" },
    { name: 'single quote quoted as Go does', text: "{'a':1}", want: "invalid character '\\'' looking for beginning of object key string" },
    { name: 'truncated literal', text: '{"a":tru}', want: "invalid character '}' in literal true (expecting 'e')" },
    { name: 'bad null', text: '{"a":nul1}', want: "invalid character '1' in literal null (expecting 'l')" },
    { name: 'leading zero', text: '{"a":01}', want: "invalid character '1' after object key:value pair" },
    { name: 'lone minus', text: '{"a":-}', want: "invalid character '}' in numeric literal" },
    { name: 'no digits after the point', text: '{"a":1.}', want: "invalid character '}' after decimal point in numeric literal" },
    { name: 'no exponent digits', text: '{"a":1e+}', want: "invalid character '}' in exponent of numeric literal" },
    { name: 'something after the value', text: '{} {}', want: "invalid character '{' after top-level value" },
    { name: 'a byte-order mark (Go reads bytes: 0xEF as U+00EF)', text: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]), want: "invalid character 'ï' looking for beginning of value" },
    { name: 'invalid UTF-8 inside a string passes', text: Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), want: undefined },
    { name: 'an array', text: '[]', want: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
    { name: 'a string', text: '"x"', want: 'json: cannot unmarshal string into Go value of type map[string]interface {}' },
    { name: 'a number', text: '-1.5e3', want: 'json: cannot unmarshal number into Go value of type map[string]interface {}' },
    { name: 'a bool', text: 'false', want: 'json: cannot unmarshal bool into Go value of type map[string]interface {}' },
    { name: 'nesting beyond Go’s limit', text: `{"a":${'['.repeat(10_000)}`, want: "invalid character '[' exceeded max depth" },
  ];
  for (const c of cases) test(c.name, () => assert.equal(goJsonObjectError(Buffer.from(c.text)), c.want));
});

describe('docker config secrets', () => {
  const secret = (type: string, data: Record<string, string>) =>
    objectBuilder('v1', 'Secret', `pull-${suffix()}`).namespace(`ns-${suffix()}`).set('type', type).set('data', data).defaulted();
  const good = JSON.stringify({ auths: { [`reg-${suffix()}.example.com`]: { auth: b64(`u-${suffix()}:p`) } } });
  const types = [
    { type: 'kubernetes.io/dockerconfigjson', key: '.dockerconfigjson', other: '.dockercfg' },
    { type: 'kubernetes.io/dockercfg', key: '.dockercfg', other: '.dockerconfigjson' },
  ];
  for (const t of types) {
    const cases: { name: string; data: Record<string, string>; want: string[] }[] = [
      { name: 'valid', data: { [t.key]: b64(good) }, want: [] },
      { name: 'null is valid JSON for a map', data: { [t.key]: b64('null') }, want: [] },
      { name: 'the key is required (the other type’s key does not do)', data: { [t.other]: b64(good) }, want: [`data[${t.key}]: Required value`] },
      { name: 'empty value', data: { [t.key]: '' }, want: [`data[${t.key}]: Invalid value: "<secret contents redacted>": unexpected end of JSON input`] },
      { name: 'malformed JSON', data: { [t.key]: b64('{"auths":') }, want: [`data[${t.key}]: Invalid value: "<secret contents redacted>": unexpected end of JSON input`] },
      { name: 'not an object', data: { [t.key]: b64('["x"]') }, want: [`data[${t.key}]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}`] },
      { name: 'garbage', data: { [t.key]: b64(`user=${suffix()}`) }, want: [`data[${t.key}]: Invalid value: "<secret contents redacted>": invalid character 'u' looking for beginning of value`] },
    ];
    for (const c of cases) test(`${t.type}: ${c.name}`, () => assert.deepEqual(causes(validateObject('Secret', secret(t.type, c.data))), c.want));
  }

  test('stringData counts (merged into data before validation)', () => {
    const s = objectBuilder('v1', 'Secret', `pull-${suffix()}`).namespace('team').set('type', 'kubernetes.io/dockerconfigjson').set('stringData', { '.dockerconfigjson': '{"auths":{' }).defaulted();
    assert.deepEqual(causes(validateObject('Secret', s)), ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input']);
  });

  test('an Opaque secret with the key is not checked', () => {
    assert.deepEqual(causes(validateObject('Secret', secret('Opaque', { '.dockerconfigjson': b64('not json') }))), []);
  });
});
