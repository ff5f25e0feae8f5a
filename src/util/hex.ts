/**
 * 0x-prefixed lowercase hex of bytes, through Buffer (native): the same text as ethers' `hexlify` for a
 * Uint8Array, without building the string one character at a time (the node hex-encodes every attested
 * Push message, kilobytes each).
 */
export function hex0x(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
