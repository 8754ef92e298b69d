/** The value the durability writer stores under key number i, so the test can recompute it. */
export function durabilityValue(i: number): string {
  return JSON.stringify({ kind: 'ConfigMap', i, data: { pad: 'd'.repeat(64 + (i % 200)) } });
}
