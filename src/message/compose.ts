import type * as openpgp from "openpgp";
import { getAddress, getBytes } from "ethers";
import { contentHashOf, encryptContent } from "./content";
import { messageDigest } from "./digest";
import { keyHashOf } from "./pgp-key";
import { signDigest } from "./pgp-sign";
import type { SignDigestOptions } from "./pgp-sign";
import { ContentType, Encryption, MESSAGE_VERSION, ZERO_BYTES32 } from "./types";
import type { Envelope, Message } from "./types";

export interface ComposeInput {
  from: string;
  to: string;
  /** The plaintext content. */
  content: Uint8Array;
  contentType?: ContentType;
  /** Seconds; default now. */
  timestamp?: bigint;
  /** Digest of the previous message of the thread; default zero. */
  previous?: string;
  /** The sender's decrypted private key; its primary key signs. */
  senderPrivateKey: openpgp.PrivateKey;
  /** The sender's registered (canonical) public key bytes; default `senderPrivateKey.toPublic().write()`. */
  senderPublicKey?: Uint8Array;
  /** The recipient's registered public key bytes; absent means plaintext (recipient without a key). */
  recipientPublicKey?: Uint8Array;
  signOptions?: SignDigestOptions;
}

/**
 * Builds a complete envelope the way a client does: encrypts to the recipient and the sender (or keeps
 * the content plaintext when the recipient has no key), fills the Message, signs its digest.
 */
export async function composeEnvelope(input: ComposeInput): Promise<Envelope> {
  const senderPublic = input.senderPublicKey ?? input.senderPrivateKey.toPublic().write();
  const encrypted = input.recipientPublicKey !== undefined;
  const content = encrypted
    ? await encryptContent(input.content, input.recipientPublicKey as Uint8Array, senderPublic)
    : input.content;
  const message: Message = {
    version: MESSAGE_VERSION,
    from: getAddress(input.from),
    to: getAddress(input.to),
    timestamp: input.timestamp ?? BigInt(Math.floor(Date.now() / 1000)),
    contentType: input.contentType ?? ContentType.Text,
    encryption: encrypted ? Encryption.PGP : Encryption.Plaintext,
    contentHash: contentHashOf(content),
    contentSize: content.length,
    senderKey: keyHashOf(senderPublic),
    recipientKey: encrypted ? keyHashOf(input.recipientPublicKey as Uint8Array) : ZERO_BYTES32,
    previous: (input.previous ?? ZERO_BYTES32).toLowerCase(),
  };
  const signature = await signDigest(
    getBytes(messageDigest(message)),
    input.senderPrivateKey,
    input.signOptions,
  );
  return { ...message, content, signature };
}
