/** Times as the Kubernetes API writes them. */

/** metav1.Time: RFC 3339 at seconds precision (`2026-01-02T03:04:05Z`). */
export function kubeTime(at: Date | number = Date.now()): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: RFC 3339 with microseconds (`2026-01-02T03:04:05.123000Z`), as leases use. */
export function microTime(at: Date | number = Date.now()): string {
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
