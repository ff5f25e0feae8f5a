/** The CRC-24 of RFC 4880 section 6.1, bit by bit as the RFC writes it: the reference for faster forms. */
export function referenceCrc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of data) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}
