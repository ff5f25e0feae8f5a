/**
 * Who signed an attestation, as the Slashing contract sees it (OpenZeppelin ECDSA.tryRecover): a 65-byte
 * r || s || v signature with v 27 or 28 and a low s; anything else signs for nobody (null).
 *
 * secp256k1 public-key recovery in pure JS (ethers / noble) costs several times an OpenPGP P-256
 * verification, so the native libsecp256k1 binding of the `secp256k1` package (5.x, a direct dependency)
 * is used when it loads; otherwise ethers' recovery. Both give the same answers (the tests in
 * test/validator/validate.test.ts). It must be 5.x: the 4.x binding kept one static JavaScript reference
 * for all threads, and validation worker threads starting and stopping corrupted the process's heap.
 */
import { computeAddress, recoverAddress } from "ethers";
import { attestationDigest } from "../message";
import type { AttestationDomain, SignedAttestation } from "../message";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
}

let native: NativeSecp256k1 | null | undefined;

function loadNative(): NativeSecp256k1 | null {
  if (native === undefined) {
    try {
      // The binding only (never the package's pure-JS `elliptic` fallback, slower than ethers).
      native = require("secp256k1/bindings") as NativeSecp256k1;
    } catch {
      native = null;
    }
  }
  return native;
}

/** Which implementation recovers signers in this process. */
export function recoveryBackend(): "native" | "ethers" {
  return loadNative() ? "native" : "ethers";
}

/** For tests: force the ethers implementation (true) or go back to the default (false). */
export function forceEthersRecovery(force: boolean): void {
  native = force ? null : undefined;
}

const addressOfKey = new Map<string, string>();

/**
 * The address that signed the 32-byte `hash` with the 65-byte `signature` under the contract's rules,
 * or null (malformed, high s, v not 27/28, no valid point). Never throws.
 */
export function recoverSigner(hash: string, signature: string): string | null {
  if (!HEX_65.test(signature) || !HEX_32.test(hash)) return null;
  const sig = Buffer.from(signature.slice(2), "hex");
  const v = sig[64];
  if (v !== 27 && v !== 28) return null;
  const r = sig.subarray(0, 32);
  const s = sig.subarray(32, 64);
  // 0 < r < n and 0 < s <= n/2 (OpenZeppelin refuses high s; compared as 32-byte big-endian numbers).
  if (r.equals(ZERO_32) || Buffer.compare(r, N_BYTES) >= 0) return null;
  if (s.equals(ZERO_32) || Buffer.compare(s, HALF_N_BYTES) > 0) return null;
  const lib = loadNative();
  if (lib) {
    let pub: Uint8Array;
    try {
      pub = lib.ecdsaRecover(sig.subarray(0, 64), v - 27, Buffer.from(hash.slice(2), "hex"), false);
    } catch {
      return null;
    }
    const id = Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString("hex");
    let address = addressOfKey.get(id);
    if (address === undefined) {
      address = computeAddress("0x" + id);
      if (addressOfKey.size >= 4096) addressOfKey.clear();
      addressOfKey.set(id, address);
    }
    return address;
  }
  try {
    return recoverAddress(hash, signature);
  } catch {
    return null;
  }
}

const HEX_65 = /^0x[0-9a-fA-F]{130}$/;
const HEX_32 = /^0x[0-9a-fA-F]{64}$/;
const ZERO_32 = Buffer.alloc(32);
const N_BYTES = Buffer.from(SECP256K1_N.toString(16).padStart(64, "0"), "hex");
const HALF_N_BYTES = Buffer.from(HALF_N.toString(16).padStart(64, "0"), "hex");

/**
 * The signer of an attestation in `domain`, or null (see {@link recoverSigner}). `structHash` is the
 * attestation's hashStruct when the caller already has it.
 */
export function attestationSigner(
  a: SignedAttestation,
  domain: AttestationDomain,
  structHash?: string,
): string | null {
  let hash: string;
  try {
    hash = attestationDigest(a, domain, structHash);
  } catch {
    return null;
  }
  return recoverSigner(hash, a.signature);
}
