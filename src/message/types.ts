/**
 * The message and attestation types of the wire standard (DESIGN section 4, fixed).
 *
 * Number representation, chosen once for every module that shares these types:
 * - uint8 and uint32 fields are JS `number`s (always exact);
 * - uint64 fields (`timestamp`, `sequence`, `attestedAt`) are `bigint`s, so that every value the typed
 *   struct can carry (up to 2^64 - 1) round-trips exactly, including out-of-range values a faulty node
 *   may attest and a watcher must reproduce. In JSON they are decimal strings (see envelope.ts);
 * - addresses are 0x strings, EIP-55 checksummed after decoding;
 * - bytes32 values are 0x strings of 64 lowercase hex digits;
 * - byte strings (content, OpenPGP signature) are `Uint8Array`s in TS and base64 in JSON.
 *
 * Decoded values are only range-checked (what the typed struct can hold): a version 2 message or an
 * unknown content type decodes fine and is reported as MALFORMED by `checkMessage`, because nodes and
 * watchers must be able to represent (and prove) exactly such faults.
 */

/** `contentType` values (uint8). */
export enum ContentType {
  Text = 0,
  Image = 1,
  File = 2,
  Reaction = 3,
  Meta = 4,
}

/** `encryption` values (uint8). */
export enum Encryption {
  Plaintext = 0,
  PGP = 1,
}

/** The only message version the standard defines. */
export const MESSAGE_VERSION = 1;

export const ZERO_BYTES32 = "0x0000000000000000000000000000000000000000000000000000000000000000";
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export const UINT8_MAX = 0xff;
export const UINT32_MAX = 0xffff_ffff;
export const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Largest OpenPGP signature (bytes) a valid message may carry: the Slashing contract's MAX_SIGNATURE_SIZE.
 * A node refuses a larger one (MALFORMED); an attestation committing to a larger `signatureSize` is a
 * MALFORMED fault the contract proves without the signature being revealed.
 */
export const MAX_SIGNATURE_SIZE = 4096;

/** The typed Message that is hashed with EIP-712 (domain "Push Chat" v1, no chainId). */
export interface Message {
  /** uint8; 1 is the only valid value. */
  version: number;
  /** address of the sender. */
  from: string;
  /** address of the recipient. */
  to: string;
  /** uint64, seconds since the epoch. */
  timestamp: bigint;
  /** uint8, see `ContentType`. */
  contentType: number;
  /** uint8, see `Encryption`. */
  encryption: number;
  /** bytes32: sha256 of the content bytes (as sent: the ciphertext when encrypted). */
  contentHash: string;
  /** uint32: length of the content bytes. */
  contentSize: number;
  /** bytes32: keyHash of the sender's registered key that signed. */
  senderKey: string;
  /** bytes32: keyHash of the recipient key the content is encrypted to; zero if plaintext. */
  recipientKey: string;
  /** bytes32: digest of the previous message of the thread, or zero. */
  previous: string;
}

/** A message as transported: the Message fields, the content bytes and the OpenPGP signature packet. */
export interface Envelope extends Message {
  content: Uint8Array;
  /** The raw OpenPGP signature packet bytes (the strict profile: exactly one v4 signature packet). */
  signature: Uint8Array;
}

/** The typed Attestation a node signs (EIP-712 domain "Push Nodes" v1, chainId, slashing contract). */
export interface Attestation {
  /** bytes32: the EIP-712 digest of the Message. */
  digest: string;
  /** bytes32: keccak256 of the OpenPGP signature packet bytes. */
  signatureHash: string;
  /** uint32: byte length of the OpenPGP signature; at most MAX_SIGNATURE_SIZE for a valid message. */
  signatureSize: number;
  /** uint64: position in the node's feed, counting up by one. */
  sequence: bigint;
  /** uint64: seconds since the epoch, when the node accepted the message. */
  attestedAt: bigint;
}

/** An attestation with the node signer's 65-byte EIP-712 signature (0x hex, r || s || v). */
export interface SignedAttestation extends Attestation {
  signature: string;
}

/** The attestation's EIP-712 domain: bound to the chain and slashing contract where the node is staked. */
export interface AttestationDomain {
  chainId: bigint;
  verifyingContract: string;
}
