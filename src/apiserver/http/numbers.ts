/** Integers in query strings and resource versions, parsed as Go's strconv does (BigInt, so a
 * value past 2^53 is neither rounded nor accepted when it overflows 64 bits). */
import { BadRequestError } from '../../api/errors.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(s, 10, 64): an optional sign and decimal digits only; 400 otherwise,
 * worded as Go's error. */
export function parseInt64(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new BadRequestError(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n < INT64_MIN || n > INT64_MAX) throw new BadRequestError(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
  return n;
}

/** Go's strconv.ParseUint(s, 10, 64) as an error text, or the value. */
export function parseUint64(s: string): bigint | string {
  if (!/^[0-9]+$/.test(s)) return `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`;
  const n = BigInt(s);
  if (n > UINT64_MAX) return `strconv.ParseUint: parsing ${goQuote(s)}: value out of range`;
  return n;
}

/** Go's %q for the strings a client can send: JSON quoting is the same for printable text. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
