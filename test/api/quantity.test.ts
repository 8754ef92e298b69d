/** Quantities: parsing, canonical strings, values, arithmetic, errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Quantity, QuantityError, canonicalQuantity, quantityFormatError, quantityOf } from '../../src/api/quantity.js';

describe('canonical form', () => {
  const cases: [string, string][] = [
    ['100m', '100m'],
    ['0.1', '100m'],
    ['0.5', '500m'],
    ['1', '1'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['2000', '2k'],
    ['1500', '1500'],
    ['1500000', '1500k'],
    ['1.25', '1250m'],
    ['0.0001', '100u'],
    ['1n', '1n'],
    ['0.0000000001', '1n'],
    ['200Mi', '200Mi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['512Ki', '512Ki'],
    ['1000Ki', '1000Ki'],
    ['100', '100'],
    ['0.5Ki', '512'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['2E6', '2e6'],
    ['5G', '5G'],
    ['1E', '1E'],
    ['-1', '-1'],
    ['-250m', '-250m'],
    ['+3', '3'],
    ['0', '0'],
    ['0Gi', '0'],
    ['.5', '500m'],
  ];
  for (const [input, want] of cases) test(`${input} → ${want}`, () => assert.equal(Quantity.parse(input).toString(), want));
});

describe('values', () => {
  test('cpu in millicores, rounding up', () => {
    assert.equal(Quantity.parse('100m').milliValue(), 100);
    assert.equal(Quantity.parse('2').milliValue(), 2000);
    assert.equal(Quantity.parse('1u').milliValue(), 1);
    assert.equal(Quantity.parse('0.25').milliValue(), 250);
  });
  test('memory in bytes', () => {
    assert.equal(Quantity.parse('200Mi').value(), 200 * 1024 * 1024);
    assert.equal(Quantity.parse('1G').value(), 1e9);
    assert.equal(Quantity.parse('1.5').value(), 2);
    assert.equal(Quantity.parse('128974848').value(), 128974848);
  });
  test('as a float', () => assert.equal(Quantity.parse('1500m').toNumber(), 1.5));
  test('comparison across formats', () => {
    assert.equal(Quantity.parse('1Gi').cmp(Quantity.parse('1073741824')), 0);
    assert.equal(Quantity.parse('1k').cmp(Quantity.parse('1Ki')), -1);
    assert.equal(Quantity.parse('2').cmp(Quantity.parse('1500m')), 1);
  });
  test('sums are exact', () => {
    let total = Quantity.parse('0');
    for (let i = 0; i < 10; i++) total = total.add(Quantity.parse('100m'));
    assert.equal(total.toString(), '1');
    assert.equal(Quantity.parse('1Gi').sub(Quantity.parse('512Mi')).toString(), '512Mi');
  });
  test('round up to milli', () => {
    assert.equal(Quantity.parse('0.0001').roundUp(-3).toString(), '1m');
    assert.equal(Quantity.parse('1.0001').roundUp(-3).toString(), '1001m');
  });
  test('constructors', () => {
    assert.equal(Quantity.fromMilli(250).toString(), '250m');
    assert.equal(Quantity.fromValue(2 * 1024 ** 3, 'BinarySI').toString(), '2Gi');
    assert.equal(Quantity.fromValue(3000).toString(), '3k');
  });
  test('JSON', () => assert.equal(JSON.stringify({ cpu: Quantity.parse('0.5') }), '{"cpu":"500m"}'));
});

describe('malformed', () => {
  for (const bad of ['', 'abc', '1.2.3', '1Qi', '1e', 'Mi', '--1', '1 Gi', '1ki']) {
    test(JSON.stringify(bad), () => {
      assert.throws(() => Quantity.parse(bad), QuantityError);
      assert.equal(Quantity.tryParse(bad), undefined);
    });
  }
  test('the format message is Kubernetes’', () => {
    assert.throws(() => Quantity.parse('abc'), { message: quantityFormatError });
  });
  test('canonicalQuantity leaves junk alone', () => {
    assert.equal(canonicalQuantity('junk'), 'junk');
    assert.equal(canonicalQuantity('1024Ki'), '1Mi');
  });
  test('numbers from JSON', () => {
    assert.equal(quantityOf(2)?.toString(), '2');
    assert.equal(quantityOf(0.5)?.toString(), '500m');
    assert.equal(quantityOf(true), undefined);
  });
});
