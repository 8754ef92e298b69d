/**
 * A query boolean as Kubernetes converts one (apimachinery's Convert_Slice_string_To_bool): absent
 * is false; `0` or any casing of `false` is false; every other value, the empty string included, is
 * true. So Python's `watch=True` and a bare `?follow=` both mean true, and no value is refused.
 * Shared by the API server and the node agent's kubelet endpoint, which decode their query
 * parameters with the same codec in Kubernetes.
 */
export function queryBool(value: string | null): boolean {
  if (value === null) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}
