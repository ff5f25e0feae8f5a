/**
 * keccak256 through the native sponge of the `keccak` package (a dependency of Hardhat, so installed
 * wherever the validator runs): ethers lets its implementation be replaced, and every keccak the validator
 * computes (message and attestation digests, signature and key hashes, address checksums) becomes several
 * times cheaper. The package's own API wraps each hash in a Node stream; one reused sponge state avoids
 * that. The results are the same bytes (checked here on a probe, and in the tests); without the native
 * add-on nothing changes.
 */
import path from "node:path";
import { keccak256 } from "ethers";
import { setKeccakBytes } from "../message/keccak-bytes";

interface KeccakState {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  absorbLastFewBits(bits: number): void;
  squeeze(length: number): Buffer;
}

let installed: boolean | undefined;

/** keccak256 of `data` with the native sponge, or undefined when the add-on is not available. */
export function nativeKeccak256(): ((data: Uint8Array) => Uint8Array) | undefined {
  try {
    const dir = path.dirname(require.resolve("keccak/package.json"));
    const load = require(require.resolve("node-gyp-build", { paths: [dir] })) as (d: string) => unknown;
    const State = load(dir) as new () => KeccakState;
    if (typeof State !== "function") return undefined;
    const state = new State();
    return (data: Uint8Array): Uint8Array => {
      state.initialize(1088, 512);
      state.absorb(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      state.absorbLastFewBits(0x01);
      return new Uint8Array(state.squeeze(32));
    };
  } catch {
    return undefined;
  }
}

/** Installs the native keccak256 into ethers once per thread; returns whether it is in use. */
export function useNativeKeccak(): boolean {
  if (installed !== undefined) return installed;
  installed = false;
  const native = nativeKeccak256();
  if (!native) return false;
  const probes = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(200).fill(7)];
  for (const p of probes) if ("0x" + Buffer.from(native(p)).toString("hex") !== keccak256(p)) return false;
  keccak256.register(native);
  setKeccakBytes(native);
  installed = true;
  return true;
}
