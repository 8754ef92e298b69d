/**
 * Go's strconv.Quote (what `%q` prints in Kubernetes' messages): printable characters as they are,
 * `\a \b \f \n \r \t \v` by name, other ASCII controls as `\xNN`, other unprintable characters
 * (U+2028, U+00A0, U+FEFF, …) as `\uNNNN` or `\UNNNNNNNN`. JSON.stringify leaves most of those raw,
 * so an invisible character in a bad value would stay invisible in the error.
 */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const NAMED: Readonly<Record<number, string>> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'; // a lone surrogate: not UTF-8, Go sees U+FFFD
    else if (PRINTABLE.test(ch)) out += ch;
    else if (NAMED[cp] !== undefined) out += NAMED[cp];
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}
