/**
 * The node's signature of a 32-byte digest (its attestations), as a 65-byte r || s || v hex string (v 27 or
 * 28, low s): what `SigningKey.sign(digest).serialized` gives, and what the Slashing contract recovers.
 *
 * ethers signs in pure JS (noble curves, RFC 6979 with a pure-JS HMAC): about half a millisecond per
 * attestation. The native libsecp256k1 binding of the `secp256k1` package (a direct dependency, also used by
 * the validator's recovery) signs with the same deterministic nonce (RFC 6979, HMAC-SHA256) and a low s, so
 * its signatures are the same bytes; it is used when it loads and agrees with ethers on probe digests,
 * otherwise ethers signs.
 */
import { SigningKey, getBytes, keccak256, toUtf8Bytes } from "ethers";

interface NativeSigner {
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
}

export interface DigestSigner {
  /** Which implementation signs. */
  readonly backend: "native" | "ethers";
  /** r || s || v of the 32-byte `digest` (0x-prefixed hex), lowercase hex. */
  sign(digest: string): string;
}

function loadNative(): NativeSigner | undefined {
  try {
    // The binding only (never the package's pure-JS `elliptic` fallback).
    return require("secp256k1/bindings") as NativeSigner;
  } catch {
    return undefined;
  }
}

/** The ethers signer of `key`. */
export function ethersDigestSigner(key: SigningKey): DigestSigner {
  return { backend: "ethers", sign: (digest) => key.sign(digest).serialized.toLowerCase() };
}

/**
 * The fastest signer of `key` available here whose signatures are the bytes ethers gives (checked on probe
 * digests when made).
 */
export function digestSigner(key: SigningKey, options: { native?: boolean } = {}): DigestSigner {
  const fallback = ethersDigestSigner(key);
  const lib = options.native === false ? undefined : loadNative();
  if (!lib) return fallback;
  const secret = getBytes(key.privateKey);
  const native: DigestSigner = {
    backend: "native",
    sign: (digest) => {
      const { signature, recid } = lib.ecdsaSign(Buffer.from(getBytes(digest)), secret);
      return "0x" + Buffer.from(signature).toString("hex") + (27 + recid).toString(16);
    },
  };
  try {
    for (const probe of ["", "push node attestation probe", "\u00ff".repeat(70)]) {
      const d = keccak256(toUtf8Bytes(probe));
      if (native.sign(d) !== fallback.sign(d)) return fallback;
    }
  } catch {
    return fallback;
  }
  return native;
}
