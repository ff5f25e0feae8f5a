/**
 * Sending and reading chat messages through a Push Node (the logic of `msg:send` and `msg:read`).
 *
 * Sending: the sender's key must be one of its registered keys, active now; the content is encrypted to
 * the recipient's newest active key and to the sender's own key, or sent as plaintext when the recipient
 * has no active key (DESIGN section 4); the envelope is signed and posted, and the attestation the node
 * returns is checked (signer, digest, signature hash).
 *
 * Reading: every feed item of the conversation is checked: the attestation is the node's (EIP-712
 * signature under the deployment's domain) and is for this envelope, and `checkMessage` (standard,
 * sender key, encryption, OpenPGP signature, content hash) passes against the chain's key records; PGP
 * content is decrypted with the reader's key.
 */
import * as openpgp from "openpgp";
import { Contract, getAddress } from "ethers";
import type { Provider } from "ethers";
import {
  ContentType,
  DEFAULT_CHECK_PARAMS,
  Encryption,
  MESSAGE_VERSION,
  ZERO_BYTES32,
  checkMessage,
  composeEnvelope,
  contentHashOf,
  encryptContent,
  decryptContent,
  encodeEnvelope,
  messageDigest,
  recoverAttestationSigner,
  decodeSignedAttestation,
  signatureHashOf,
} from "../message";
import type {
  AttestationDomain,
  CheckParams,
  CheckResult,
  Envelope,
  Message,
  SignedAttestation,
} from "../message";
import { NodeClient } from "../node/api";
import type { SubmitResponse } from "../node/api";
import { fetchChainKeys, isActiveAt, keyViewOf } from "./chain-lookup";
import { composeFaultyEnvelope } from "./fault-injection";
import type { MessageFault } from "./fault-injection";
import type { ChainKey } from "./chain-lookup";

export class MessagingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MessagingError";
  }
}

export interface ChainContext {
  provider: Provider;
  chainId: bigint;
  keyRegistry: string;
  /** The Slashing proxy: the attestation domain's verifyingContract. */
  slashing: string;
  /** First block to search for events (the deployment block). */
  fromBlock: number;
}

async function fingerprintOf(bytes: Uint8Array): Promise<string | undefined> {
  try {
    return (await openpgp.readKey({ binaryKey: bytes })).getFingerprint();
  } catch {
    return undefined;
  }
}

/** The registered key of `owner` whose primary key is `privateKey`'s, or undefined. */
export async function registeredKeyOf(
  keys: ChainKey[],
  privateKey: openpgp.PrivateKey,
): Promise<ChainKey | undefined> {
  const fp = privateKey.getFingerprint();
  for (const k of keys) if (k.publicKey && (await fingerprintOf(k.publicKey)) === fp) return k;
  return undefined;
}

/** The time used for a new message: the later of the wall clock and the chain head's timestamp. */
export async function messageTime(provider: Provider): Promise<bigint> {
  const head = await provider.getBlock("latest");
  const wall = BigInt(Math.floor(Date.now() / 1000));
  const chain = BigInt(head?.timestamp ?? 0);
  return chain > wall ? chain : wall;
}

export interface SendInput {
  chain: ChainContext;
  from: string;
  to: string;
  content: Uint8Array;
  contentType?: ContentType;
  previous?: string;
  /** The sender's decrypted private key. */
  privateKey: openpgp.PrivateKey;
  /** keyHash of the sender's canonical public key (from its key file); default: matched by fingerprint. */
  senderKeyHash?: string;
  node: NodeClient;
  /** The node's signer address, when known: the returned attestation must be signed by it. */
  nodeAddress?: string;
  timestamp?: bigint;
  /** Testing only: compose a message with this fault (src/client/fault-injection.ts). */
  fault?: MessageFault;
}

export interface SendResult {
  envelope: Envelope;
  digest: string;
  encrypted: boolean;
  senderKey: ChainKey;
  recipientKey?: ChainKey;
  response: SubmitResponse;
  attestation: SignedAttestation;
  /** Who signed the attestation. */
  attestedBy: string;
}

/** The sender's and the recipient's keys for a message at `timestamp` (the sender's must be registered). */
async function messageKeys(
  chain: ChainContext,
  from: string,
  to: string,
  timestamp: bigint,
  sender: { keyHash?: string; privateKey?: openpgp.PrivateKey },
): Promise<{ senderKey: ChainKey; recipientKey?: ChainKey }> {
  const [senderKeys, recipientKeys] = await Promise.all([
    fetchChainKeys(chain.provider, chain.keyRegistry, from, chain.fromBlock),
    fetchChainKeys(chain.provider, chain.keyRegistry, to, chain.fromBlock),
  ]);
  const senderKey = sender.keyHash
    ? senderKeys.find((k) => k.keyHash === sender.keyHash?.toLowerCase() && k.publicKey !== undefined)
    : sender.privateKey
      ? await registeredKeyOf(senderKeys, sender.privateKey)
      : undefined;
  if (!senderKey)
    throw new MessagingError(
      `The key ${sender.keyHash ?? sender.privateKey?.getFingerprint()} is not registered for ${from}: register it first (key:register).`,
    );
  if (!isActiveAt(senderKey, timestamp))
    throw new MessagingError(`The key ${senderKey.keyHash} of ${from} is revoked: use an active key.`);
  const active = recipientKeys.filter((k) => isActiveAt(k, timestamp) && k.publicKey !== undefined);
  const recipientKey = active.sort((a, b) => (a.addedAt > b.addedAt ? -1 : a.addedAt < b.addedAt ? 1 : 0))[0];
  return { senderKey, recipientKey };
}

export async function sendMessage(input: SendInput): Promise<SendResult> {
  const { chain } = input;
  const from = getAddress(input.from);
  const to = getAddress(input.to);
  if (from === to) throw new MessagingError("The sender and the recipient are the same address.");
  const timestamp = input.timestamp ?? (await messageTime(chain.provider));
  const { senderKey, recipientKey } = await messageKeys(chain, from, to, timestamp, {
    keyHash: input.senderKeyHash,
    privateKey: input.privateKey,
  });
  const composeInput = {
    from,
    to,
    content: input.content,
    contentType: input.contentType ?? ContentType.Text,
    timestamp,
    previous: input.previous,
    senderPrivateKey: input.privateKey,
    senderPublicKey: senderKey.publicKey,
    recipientPublicKey: recipientKey?.publicKey,
  };
  const envelope =
    input.fault === undefined
      ? await composeEnvelope(composeInput)
      : await composeFaultyEnvelope(input.fault, composeInput);
  return submitEnvelope({
    chain,
    node: input.node,
    nodeAddress: input.nodeAddress,
    envelope,
    senderKey,
    recipientKey,
  });
}

export interface PrepareInput {
  chain: ChainContext;
  from: string;
  to: string;
  content: Uint8Array;
  contentType?: ContentType;
  previous?: string;
  /** keyHash of the sender's registered key that will sign (with an external tool). */
  senderKeyHash: string;
  timestamp?: bigint;
}

/**
 * A message ready to be signed by an external OpenPGP tool (docs/client-profile.md section 3): composed
 * (and encrypted) as sendMessage does, with an empty signature; sign `messageDigest(envelope)` and pass
 * the envelope with the signature to `submitEnvelope`.
 */
export async function prepareMessage(
  input: PrepareInput,
): Promise<{ envelope: Envelope; digest: string; senderKey: ChainKey; recipientKey?: ChainKey }> {
  const from = getAddress(input.from);
  const to = getAddress(input.to);
  if (from === to) throw new MessagingError("The sender and the recipient are the same address.");
  const timestamp = input.timestamp ?? (await messageTime(input.chain.provider));
  const { senderKey, recipientKey } = await messageKeys(input.chain, from, to, timestamp, {
    keyHash: input.senderKeyHash,
  });
  const senderPublic = senderKey.publicKey as Uint8Array;
  const encrypted = recipientKey?.publicKey !== undefined;
  const content = encrypted
    ? await encryptContent(input.content, recipientKey.publicKey as Uint8Array, senderPublic)
    : input.content;
  const message: Message = {
    version: MESSAGE_VERSION,
    from,
    to,
    timestamp,
    contentType: input.contentType ?? ContentType.Text,
    encryption: encrypted ? Encryption.PGP : Encryption.Plaintext,
    contentHash: contentHashOf(content),
    contentSize: content.length,
    senderKey: senderKey.keyHash,
    recipientKey: encrypted ? recipientKey.keyHash : ZERO_BYTES32,
    previous: (input.previous ?? ZERO_BYTES32).toLowerCase(),
  };
  return {
    envelope: { ...message, content, signature: new Uint8Array() },
    digest: messageDigest(message),
    senderKey,
    recipientKey,
  };
}

/**
 * Posts a signed envelope to the node and checks the attestation it returns (digest, signature hash and
 * size, signer). The sender's and recipient's keys default to the chain's records.
 */
export async function submitEnvelope(input: {
  chain: ChainContext;
  node: NodeClient;
  nodeAddress?: string;
  envelope: Envelope;
  senderKey?: ChainKey;
  recipientKey?: ChainKey;
}): Promise<SendResult> {
  const { chain, envelope } = input;
  let { senderKey, recipientKey } = input;
  if (senderKey === undefined) {
    const keys = await messageKeys(chain, envelope.from, envelope.to, envelope.timestamp, {
      keyHash: envelope.senderKey,
    });
    senderKey = keys.senderKey;
    recipientKey = envelope.encryption === Encryption.PGP ? keys.recipientKey : undefined;
  }
  const response = await input.node.submit(encodeEnvelope(envelope));
  const attestation = decodeSignedAttestation(response.attestation);
  const digest = messageDigest(envelope);
  if (attestation.digest !== digest || attestation.signatureHash !== signatureHashOf(envelope.signature))
    throw new MessagingError("The node returned an attestation of another message.");
  if (attestation.signatureSize !== envelope.signature.length)
    throw new MessagingError(
      `The node attested signatureSize ${attestation.signatureSize} for a signature of ` +
        `${envelope.signature.length} bytes (a provable BAD_SIGNATURE fault of the node).`,
    );
  const domain: AttestationDomain = { chainId: chain.chainId, verifyingContract: chain.slashing };
  const attestedBy = recoverAttestationSigner(attestation, domain);
  if (attestedBy === null) throw new MessagingError("The node's attestation signature is malformed.");
  if (input.nodeAddress && attestedBy !== getAddress(input.nodeAddress))
    throw new MessagingError(
      `The attestation is signed by ${attestedBy}, not by the node ${input.nodeAddress}.`,
    );
  return {
    envelope,
    digest,
    encrypted: envelope.encryption === Encryption.PGP,
    senderKey,
    recipientKey,
    response,
    attestation,
    attestedBy,
  };
}

export interface ReadInput {
  chain: ChainContext;
  node: NodeClient;
  /** Expected node signer; default: the `node` the feed names (checked against every attestation). */
  nodeAddress?: string;
  /** The reader. */
  me: string;
  /** The other party; default: every message to or from `me`. */
  other?: string;
  /** The reader's decrypted private key, to decrypt PGP content. */
  privateKey?: openpgp.PrivateKey;
  /** Feed position to start after (default 0). */
  after?: bigint;
  /** Validation parameters (default: Slashing.params() on chain, else the DESIGN defaults). */
  params?: Partial<CheckParams>;
  pageSize?: number;
}

export interface ReadEntry {
  position: bigint;
  envelope: Envelope;
  attestation: SignedAttestation;
  digest: string;
  /** Recovered attestation signer (null when malformed). */
  attestedBy: string | null;
  /** The attestation is by the node and for this envelope. */
  attestationOk: boolean;
  /** checkMessage's verdict (with the attestation when it is the node's); undefined when it could not run. */
  verdict?: CheckResult;
  /** Why the message could not be checked (missing key bytes...). */
  checkError?: string;
  /** Decrypted (or plaintext) content; undefined when it could not be read. */
  text?: Uint8Array;
  readError?: string;
}

const SLASHING_PARAMS_ABI = [
  "function params() view returns ((uint32 stateLag, uint32 maxContentSize, uint32 maxClockSkew, uint16 messageFaultSlashBps, uint16 equivocationSlashBps, uint16 reporterRewardBps))",
];

async function chainParams(chain: ChainContext): Promise<CheckParams> {
  try {
    const c = new Contract(chain.slashing, SLASHING_PARAMS_ABI, chain.provider);
    const p = (await c.params()) as { stateLag: bigint; maxContentSize: bigint; maxClockSkew: bigint };
    return { stateLag: p.stateLag, maxContentSize: Number(p.maxContentSize), maxClockSkew: p.maxClockSkew };
  } catch {
    return DEFAULT_CHECK_PARAMS;
  }
}

export async function readConversation(input: ReadInput): Promise<{ node: string; entries: ReadEntry[] }> {
  const me = getAddress(input.me);
  const other = input.other ? getAddress(input.other) : undefined;
  const params = { ...(await chainParams(input.chain)), ...input.params };
  const domain: AttestationDomain = { chainId: input.chain.chainId, verifyingContract: input.chain.slashing };
  const keysByOwner = new Map<string, ChainKey[]>();
  const keysOf = async (owner: string): Promise<ChainKey[]> => {
    let k = keysByOwner.get(owner);
    if (!k) {
      k = await fetchChainKeys(input.chain.provider, input.chain.keyRegistry, owner, input.chain.fromBlock);
      keysByOwner.set(owner, k);
    }
    return k;
  };
  const entries: ReadEntry[] = [];
  let after = input.after ?? 0n;
  let nodeAddress = input.nodeAddress ? getAddress(input.nodeAddress) : undefined;
  for (;;) {
    const page = await input.node.feed(after, input.pageSize);
    if (page.chainId !== input.chain.chainId)
      throw new MessagingError(`The node serves chain ${page.chainId}, not chain ${input.chain.chainId}.`);
    nodeAddress ??= getAddress(page.node);
    for (const item of page.items) {
      const e = item.envelope;
      const party = (a: string) => a === me || (other !== undefined && a === other);
      const mine = other === undefined ? e.from === me || e.to === me : party(e.from) && party(e.to);
      if (!mine) continue;
      const digest = messageDigest(e);
      const attestedBy = recoverAttestationSigner(item.attestation, domain);
      const attestationOk =
        attestedBy === nodeAddress &&
        item.attestation.digest === digest &&
        item.attestation.signatureHash === signatureHashOf(e.signature);
      const owners = e.from === e.to ? [e.from] : [e.from, e.to];
      const keys = keyViewOf((await Promise.all(owners.map(keysOf))).flat());
      let verdict: CheckResult | undefined;
      let checkError: string | undefined;
      try {
        verdict = attestationOk
          ? await checkMessage(e, item.attestation, { keys, params })
          : await checkMessage(e, undefined, { keys, params, now: e.timestamp });
      } catch (err) {
        // The chain lookup is incomplete (e.g. a key's KeyAdded event before fromBlock): no verdict.
        checkError = (err as Error).message;
      }
      const entry: ReadEntry = {
        position: item.position,
        envelope: e,
        attestation: item.attestation,
        digest,
        attestedBy,
        attestationOk,
        verdict,
        checkError,
      };
      if (e.encryption === Encryption.PGP) {
        if (!input.privateKey) entry.readError = "encrypted; no key given";
        else {
          try {
            entry.text = await decryptContent(e.content, input.privateKey);
          } catch (err) {
            entry.readError = `cannot decrypt: ${(err as Error).message}`;
          }
        }
      } else entry.text = e.content;
      entries.push(entry);
    }
    if (page.items.length === 0 || page.next <= after) break;
    after = page.next;
  }
  return { node: nodeAddress ?? "", entries };
}
