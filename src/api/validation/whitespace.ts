/**
 * Go's strings.TrimSpace, which Kubernetes uses to refuse values with leading or trailing
 * whitespace: it trims what unicode.IsSpace calls space (ASCII \t \n \v \f \r and space, U+0085,
 * U+00A0 and the Z categories: U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
 * JavaScript's trim() differs: it also trims U+FEFF, and not U+0085.
 */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const OUTER = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

export function goTrimSpace(s: string): string {
  return s.replace(OUTER, '');
}

/** Whether `s` starts or ends with what Go counts as whitespace. */
export function hasOuterSpace(s: string): boolean {
  return goTrimSpace(s).length !== s.length;
}
