// WTF-8: how a JavaScript string (which may hold lone surrogates) travels as bytes to the Push JSON libraries.
// UTF-8 for every code point, and a lone surrogate U+D800..U+DFFF as its 3-byte form (ED A0..BF 80..BF).

/** The WTF-8 bytes of `s`: UTF-8, with each lone surrogate written as a 3-byte sequence. */
export function wtf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}
