/**
 * keccak256 from bytes to bytes, for code that hashes many small buffers (the EIP-712 struct hashes of an
 * attestation): ethers' `keccak256` takes and returns hex strings, and converting 32-byte words to hex and
 * back cost more than the hashing. The native sponge is used once `setKeccakBytes` installed it
 * (src/validator/native-hash.ts, after checking it against ethers); otherwise ethers hashes.
 */
import { getBytes, keccak256 } from "ethers";

let impl: ((data: Uint8Array) => Uint8Array) | undefined;

/** Installs a bytes-to-bytes keccak256 (already checked to give ethers' results). */
export function setKeccakBytes(fn: (data: Uint8Array) => Uint8Array): void {
  impl = fn;
}

/** keccak256(data) as 32 bytes. */
export function keccakBytes(data: Uint8Array): Uint8Array {
  return impl !== undefined ? impl(data) : getBytes(keccak256(data));
}
