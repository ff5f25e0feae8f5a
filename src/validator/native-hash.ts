/**
 * keccak256 through the native `keccak` binding (a dependency of Hardhat, so installed wherever the
 * validator runs): ethers lets its implementation be replaced, and every keccak the validator computes
 * (message and attestation digests, signature and key hashes, address checksums) becomes several times
 * cheaper. The results are the same bytes; without the binding nothing changes.
 */
import { keccak256 } from "ethers";

type KeccakFactory = (algorithm: "keccak256") => {
  update(data: Buffer): { digest(): Buffer };
};

let installed: boolean | undefined;

/** Installs the native keccak256 into ethers once per thread; returns whether it is in use. */
export function useNativeKeccak(): boolean {
  if (installed !== undefined) return installed;
  try {
    const create = require("keccak/bindings") as KeccakFactory;
    const probe = new Uint8Array([1, 2, 3]);
    const expected = keccak256(probe);
    const native = (data: Uint8Array): Uint8Array => {
      // The binding takes Buffers only; a Buffer view over the same memory costs nothing.
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      return new Uint8Array(create("keccak256").update(buf).digest());
    };
    if ("0x" + Buffer.from(native(probe)).toString("hex") !== expected)
      throw new Error("native keccak differs");
    keccak256.register(native);
    installed = true;
  } catch {
    installed = false;
  }
  return installed;
}
