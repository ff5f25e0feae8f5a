/**
 * JSON string escaping exactly as `JSON.stringify` (ECMAScript 2019+, "well-formed JSON.stringify")
 * writes a string: the rule an on-chain rebuild of the SDK's preimage must follow byte for byte.
 *
 * - `"` -> `\"`, `\` -> `\\`;
 * - U+0008, U+0009, U+000A, U+000C, U+000D -> `\b`, `\t`, `\n`, `\f`, `\r`;
 * - every other code unit below U+0020 -> `\u00xx` (4 LOWERCASE hex digits);
 * - a lone surrogate (U+D800..U+DFFF not part of a pair) -> `\udxxx` (lowercase);
 * - everything else raw, then UTF-8: `/`, `<`, `>`, U+007F, U+2028, U+2029 and characters outside the
 *   BMP (a valid surrogate pair -> 4 UTF-8 bytes) are NOT escaped.
 */
export function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c < 0x20) {
      const short: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };
      out += short[c] ?? "\\u" + c.toString(16).padStart(4, "0");
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
      } else {
        out += "\\u" + c.toString(16);
      }
    } else out += s[i];
  }
  return out + '"';
}
