import { AbiCoder, keccak256, toUtf8Bytes, TypedDataEncoder } from "ethers";
import type { TypedDataDomain, TypedDataField } from "ethers";
import { eip712Preimage, encodeStaticWords } from "./abi-words";
import type { Message } from "./types";

/**
 * EIP-712 digest of a Message (DESIGN section 4, fixed): domain {name: "Push Chat", version: "1"}, with no
 * chainId and no verifyingContract, so a message is valid on every chain.
 *
 *   digest = keccak256(0x19 0x01 || CHAT_DOMAIN_SEPARATOR || hashStruct(Message))
 *   hashStruct(Message) = keccak256(abi.encode(MESSAGE_TYPEHASH, version, from, to, timestamp, ...))
 *
 * Computed here with plain ABI encoding (what Solidity does), word by word (abi-words.ts); the tests
 * check it against ethers' TypedDataEncoder.
 */

export const MESSAGE_TYPE =
  "Message(uint8 version,address from,address to,uint64 timestamp,uint8 contentType,uint8 encryption," +
  "bytes32 contentHash,uint32 contentSize,bytes32 senderKey,bytes32 recipientKey,bytes32 previous)";
export const MESSAGE_TYPEHASH = keccak256(toUtf8Bytes(MESSAGE_TYPE));

export const CHAT_DOMAIN: TypedDataDomain = { name: "Push Chat", version: "1" };
export const CHAT_DOMAIN_TYPE = "EIP712Domain(string name,string version)";
export const CHAT_DOMAIN_SEPARATOR = keccak256(
  AbiCoder.defaultAbiCoder().encode(
    ["bytes32", "bytes32", "bytes32"],
    [
      keccak256(toUtf8Bytes(CHAT_DOMAIN_TYPE)),
      keccak256(toUtf8Bytes("Push Chat")),
      keccak256(toUtf8Bytes("1")),
    ],
  ),
);

/** The ethers `types` object for Message (for TypedDataEncoder or signTypedData). */
export const MESSAGE_TYPES: Record<string, TypedDataField[]> = {
  Message: [
    { name: "version", type: "uint8" },
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "timestamp", type: "uint64" },
    { name: "contentType", type: "uint8" },
    { name: "encryption", type: "uint8" },
    { name: "contentHash", type: "bytes32" },
    { name: "contentSize", type: "uint32" },
    { name: "senderKey", type: "bytes32" },
    { name: "recipientKey", type: "bytes32" },
    { name: "previous", type: "bytes32" },
  ],
};

/** hashStruct(Message): keccak256(abi.encode(MESSAGE_TYPEHASH, fields...)), encoded word by word. */
export function messageStructHash(m: Message): string {
  return keccak256(
    encodeStaticWords([
      { type: "bytes32", value: MESSAGE_TYPEHASH },
      { type: "uint", bits: 8, value: m.version },
      { type: "address", value: m.from },
      { type: "address", value: m.to },
      { type: "uint", bits: 64, value: m.timestamp },
      { type: "uint", bits: 8, value: m.contentType },
      { type: "uint", bits: 8, value: m.encryption },
      { type: "bytes32", value: m.contentHash },
      { type: "uint", bits: 32, value: m.contentSize },
      { type: "bytes32", value: m.senderKey },
      { type: "bytes32", value: m.recipientKey },
      { type: "bytes32", value: m.previous },
    ]),
  );
}

/** The EIP-712 digest of a Message: the 32 bytes the sender's OpenPGP key signs. 0x hex. */
export function messageDigest(m: Message): string {
  // checkMessage (and a node or validator around it) asks for the same message's digest several times,
  // with other messages' work in between when many are validated at once: each message object keeps its
  // last answer, reused only while every field is still equal (compared by value, so a mutated object
  // gets a fresh digest).
  const memo = memos.get(m);
  if (memo !== undefined && sameFields(memo.m, m)) return memo.digest;
  const digest = keccak256(eip712Preimage(CHAT_DOMAIN_SEPARATOR, messageStructHash(m)));
  memos.set(m, { m: snapshot(m), digest });
  return digest;
}

const memos = new WeakMap<Message, { m: Message; digest: string }>();

function snapshot(m: Message): Message {
  return {
    version: m.version,
    from: m.from,
    to: m.to,
    timestamp: m.timestamp,
    contentType: m.contentType,
    encryption: m.encryption,
    contentHash: m.contentHash,
    contentSize: m.contentSize,
    senderKey: m.senderKey,
    recipientKey: m.recipientKey,
    previous: m.previous,
  };
}

function sameFields(a: Message, b: Message): boolean {
  return (
    a.version === b.version &&
    a.from === b.from &&
    a.to === b.to &&
    a.timestamp === b.timestamp &&
    a.contentType === b.contentType &&
    a.encryption === b.encryption &&
    a.contentHash === b.contentHash &&
    a.contentSize === b.contentSize &&
    a.senderKey === b.senderKey &&
    a.recipientKey === b.recipientKey &&
    a.previous === b.previous
  );
}

/** The same digest through ethers' generic encoder (used by tests as an independent computation). */
export function messageDigestViaEthers(m: Message): string {
  return TypedDataEncoder.hash(CHAT_DOMAIN, MESSAGE_TYPES, { ...m });
}
