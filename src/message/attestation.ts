import { getAddress, getBytes, keccak256, recoverAddress, toUtf8Bytes, TypedDataEncoder } from "ethers";
import type { Signer, TypedDataDomain, TypedDataField } from "ethers";
import { eip712Preimage, encodeStaticWords } from "./abi-words";
import { keccakBytes } from "./keccak-bytes";
import { hex0x } from "../util/hex";
import type { Attestation, AttestationDomain, SignedAttestation } from "./types";

/**
 * EIP-712 attestations (DESIGN section 4, fixed): domain {name: "Push Nodes", version: "1", chainId,
 * verifyingContract: the slashing contract}; type
 * `Attestation(bytes32 digest,bytes32 signatureHash,uint32 signatureSize,uint64 sequence,uint64 attestedAt)`.
 */

export const ATTESTATION_TYPE =
  "Attestation(bytes32 digest,bytes32 signatureHash,uint32 signatureSize,uint64 sequence,uint64 attestedAt)";
export const ATTESTATION_TYPEHASH = keccak256(toUtf8Bytes(ATTESTATION_TYPE));
export const NODES_DOMAIN_NAME = "Push Nodes";
export const NODES_DOMAIN_VERSION = "1";

export const ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  Attestation: [
    { name: "digest", type: "bytes32" },
    { name: "signatureHash", type: "bytes32" },
    { name: "signatureSize", type: "uint32" },
    { name: "sequence", type: "uint64" },
    { name: "attestedAt", type: "uint64" },
  ],
};

/** The ethers domain object for attestations on one deployment. */
export function attestationDomain(d: AttestationDomain): TypedDataDomain {
  return {
    name: NODES_DOMAIN_NAME,
    version: NODES_DOMAIN_VERSION,
    chainId: d.chainId,
    verifyingContract: getAddress(d.verifyingContract),
  };
}

/** `signatureHash = keccak256(OpenPGP signature packet bytes)`. */
export function signatureHashOf(signature: Uint8Array): string {
  // Memoised per byte array (with a copy of the bytes, so a mutated array is hashed again), for the same
  // reason as messageDigest: the validator asks twice per message.
  const memo = signatureHashes.get(signature);
  if (memo !== undefined && Buffer.compare(memo.bytes, signature) === 0) return memo.hash;
  const hash = keccak256(signature);
  signatureHashes.set(signature, { bytes: Buffer.from(signature), hash });
  return hash;
}

const signatureHashes = new WeakMap<Uint8Array, { bytes: Buffer; hash: string }>();

const separators = new Map<string, string>();

/** EIP-712 domain separator of the attestation domain (memoised per chain and contract). */
export function attestationDomainSeparator(d: AttestationDomain): string {
  const id = `${d.chainId}/${d.verifyingContract.toLowerCase()}`;
  let sep = separators.get(id);
  if (sep === undefined) {
    sep = TypedDataEncoder.hashDomain(attestationDomain(d));
    if (separators.size > 64) separators.clear();
    separators.set(id, sep);
  }
  return sep;
}

/** hashStruct(Attestation), with plain ABI encoding as Solidity computes it (word by word). */
export function attestationStructHash(a: Attestation): string {
  return hex0x(attestationStructHashBytes(a));
}

function attestationStructHashBytes(a: Attestation): Uint8Array {
  return keccakBytes(
    encodeStaticWords([
      { type: "bytes32", value: ATTESTATION_TYPEHASH },
      { type: "bytes32", value: a.digest },
      { type: "bytes32", value: a.signatureHash },
      { type: "uint", bits: 32, value: a.signatureSize },
      { type: "uint", bits: 64, value: a.sequence },
      { type: "uint", bits: 64, value: a.attestedAt },
    ]),
  );
}

/** The EIP-712 digest a node signs for an attestation (`structHash`: its hashStruct, when already known). */
export function attestationDigest(a: Attestation, d: AttestationDomain, structHash?: string): string {
  return hex0x(
    keccakBytes(eip712Preimage(attestationDomainSeparator(d), structHash ?? attestationStructHashBytes(a))),
  );
}

function plain(a: Attestation): Attestation {
  return {
    digest: a.digest,
    signatureHash: a.signatureHash,
    signatureSize: a.signatureSize,
    sequence: a.sequence,
    attestedAt: a.attestedAt,
  };
}

/** Signs an attestation with a node's signer (any ethers Signer: Wallet, Hardhat account, ...). */
export async function signAttestation(
  signer: Signer,
  a: Attestation,
  d: AttestationDomain,
): Promise<SignedAttestation> {
  const signature = await signer.signTypedData(attestationDomain(d), ATTESTATION_TYPES, plain(a));
  return { ...plain(a), signature: signature.toLowerCase() };
}

/**
 * The address that signed an attestation, or null when the signature is not a well-formed 65-byte
 * secp256k1 signature (never throws).
 */
export function recoverAttestationSigner(a: SignedAttestation, d: AttestationDomain): string | null {
  try {
    const sig = getBytes(a.signature);
    if (sig.length !== 65) return null;
    return recoverAddress(attestationDigest(a, d), a.signature);
  } catch {
    return null;
  }
}

export interface EquivocationFault {
  code: "EQUIVOCATION";
  signer: string;
  sequence: bigint;
  reason: string;
}

/** True when both attestations sign the same struct (an equal pair is not equivocation). */
export function sameAttestation(a: Attestation, b: Attestation): boolean {
  return (
    a.digest.toLowerCase() === b.digest.toLowerCase() &&
    a.signatureHash.toLowerCase() === b.signatureHash.toLowerCase() &&
    a.signatureSize === b.signatureSize &&
    a.sequence === b.sequence &&
    a.attestedAt === b.attestedAt
  );
}

/**
 * EQUIVOCATION (DESIGN section 5): two attestations by the same signer, on the same deployment, with the
 * same `sequence` and different contents. Returns the fault, or null when the pair is no proof (different
 * signers or sequences, an unrecoverable signature, or the same attestation twice).
 */
export function detectEquivocation(
  a: SignedAttestation,
  b: SignedAttestation,
  d: AttestationDomain,
): EquivocationFault | null {
  if (a.sequence !== b.sequence || sameAttestation(a, b)) return null;
  const signerA = recoverAttestationSigner(a, d);
  const signerB = recoverAttestationSigner(b, d);
  if (signerA === null || signerB === null || signerA !== signerB) return null;
  const what = a.digest.toLowerCase() !== b.digest.toLowerCase() ? "messages" : "attestations";
  return {
    code: "EQUIVOCATION",
    signer: signerA,
    sequence: a.sequence,
    reason: `${signerA} signed two different ${what} with sequence ${a.sequence}`,
  };
}

export interface NonMonotonicFault {
  code: "NON_MONOTONIC";
  signer: string;
  /** The attestation with the lower sequence (and the later attestedAt). */
  earlier: { sequence: bigint; attestedAt: bigint };
  /** The attestation with the higher sequence (and the earlier attestedAt). */
  later: { sequence: bigint; attestedAt: bigint };
  reason: string;
}

/**
 * attestedAt must never decrease as the sequence grows in a node's feed: two attestations by the same
 * signer, on the same deployment, where the higher sequence carries the earlier attestedAt, are a fault
 * (EQUIVOCATION class: the node signed two statements about its feed that cannot both be true). Returns
 * the fault (whatever the order of `a` and `b`), or null when the pair is no proof.
 */
export function detectNonMonotonic(
  a: SignedAttestation,
  b: SignedAttestation,
  d: AttestationDomain,
): NonMonotonicFault | null {
  if (a.sequence === b.sequence) return null;
  const [lo, hi] = a.sequence < b.sequence ? [a, b] : [b, a];
  if (hi.attestedAt >= lo.attestedAt) return null;
  const signerA = recoverAttestationSigner(lo, d);
  const signerB = recoverAttestationSigner(hi, d);
  if (signerA === null || signerB === null || signerA !== signerB) return null;
  return {
    code: "NON_MONOTONIC",
    signer: signerA,
    earlier: { sequence: lo.sequence, attestedAt: lo.attestedAt },
    later: { sequence: hi.sequence, attestedAt: hi.attestedAt },
    reason:
      `${signerA} attested sequence ${hi.sequence} at ${hi.attestedAt}, before sequence ${lo.sequence} ` +
      `at ${lo.attestedAt}`,
  };
}
