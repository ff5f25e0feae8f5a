/**
 * Deliberately faulty messages, for testers (`msg:send --fault <class>` to a node started with
 * `node:serve --accept <class>`): each class is composed so that its first fault in `checkMessage`'s
 * precedence is that class and is provable on chain at once (no key record decides it, so the state lag
 * never excuses it). docs/testing-faults.md.
 *
 * - MALFORMED: content type 9 (there are five, 0 to 4): MALFORMED (CONTENT_TYPE).
 * - UNAUTHORIZED_SENDER: signed with your key, but `from` is a fresh random address for which the key was
 *   never registered: UNAUTHORIZED_SENDER (SENDER_KEY_INACTIVE).
 * - WRONG_ENCRYPTION: encrypted to your own key, named as the recipient's key, which is not a key of the
 *   recipient: WRONG_ENCRYPTION (RECIPIENT_KEY_INACTIVE).
 * - BAD_SIGNATURE: a valid envelope whose signature has its last byte flipped (the OpenPGP packet keeps
 *   its shape, the arithmetic fails): BAD_SIGNATURE (SIGNATURE); provable on chain for P-256 and RSA keys
 *   (key:generate's default is P-256), an Ed25519 key's goes to gov:dispute.
 *
 * Refused on Ethereum mainnet and Polygon PoS (chain ids 1 and 137), like `--accept`.
 */
import { Wallet } from "ethers";
import { composeEnvelope } from "../message";
import type { ComposeInput, ContentType, Envelope } from "../message";
import { FAULT_INJECTION_FORBIDDEN } from "../node/faults";

export const MESSAGE_FAULTS = [
  "MALFORMED",
  "UNAUTHORIZED_SENDER",
  "WRONG_ENCRYPTION",
  "BAD_SIGNATURE",
] as const;
export type MessageFault = (typeof MESSAGE_FAULTS)[number];

/** What each fault does to the message, for the sender's output. */
export const MESSAGE_FAULT_RECIPES: Record<MessageFault, string> = {
  MALFORMED: "content type 9 (not a content type)",
  UNAUTHORIZED_SENDER: "`from` is a random address your key is not registered for",
  WRONG_ENCRYPTION: "encrypted to your own key, named as the recipient's key",
  BAD_SIGNATURE: "the OpenPGP signature's last byte flipped",
};

/** The content type no message may have (MALFORMED). */
export const INVALID_CONTENT_TYPE = 9;

export class FaultyMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultyMessageError";
  }
}

/** Parses `--fault` (case-insensitive, "-" or "_"); one sentence otherwise. */
export function parseMessageFault(value: string): MessageFault {
  const v = value.trim().toUpperCase().replace(/-/g, "_");
  const found = MESSAGE_FAULTS.find((f) => f === v);
  if (found === undefined)
    throw new FaultyMessageError(
      `--fault "${value}" is not a message fault; use one of ${MESSAGE_FAULTS.join(", ")} ` +
        `(EQUIVOCATION is the node's fault: start it with --accept EQUIVOCATION and send two messages).`,
    );
  return found;
}

/** Throws one sentence on chains where fault injection is refused (1 and 137). */
export function assertFaultySendAllowed(chainId: bigint, fault: MessageFault): void {
  const name = FAULT_INJECTION_FORBIDDEN.get(chainId);
  if (name !== undefined)
    throw new FaultyMessageError(
      `Refusing --fault ${fault} on ${name} (chainId ${chainId}): a faulty message is for testing nodes ` +
        "started with --accept on local networks and testnets only.",
    );
}

/** Composes the envelope of `input` with the fault `fault` (see the file comment). */
export async function composeFaultyEnvelope(fault: MessageFault, input: ComposeInput): Promise<Envelope> {
  switch (fault) {
    case "MALFORMED":
      return composeEnvelope({ ...input, contentType: INVALID_CONTENT_TYPE as ContentType });
    case "UNAUTHORIZED_SENDER":
      return composeEnvelope({ ...input, from: Wallet.createRandom().address });
    case "WRONG_ENCRYPTION":
      return composeEnvelope({
        ...input,
        recipientPublicKey: input.senderPublicKey ?? input.senderPrivateKey.toPublic().write(),
      });
    case "BAD_SIGNATURE": {
      const e = await composeEnvelope(input);
      const signature = Uint8Array.from(e.signature);
      signature[signature.length - 1] ^= 0x01;
      return { ...e, signature };
    }
  }
}
