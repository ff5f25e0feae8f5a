import fs from "node:fs";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { TaskError, deploymentFromFile } from "../src/tasks-util";
import type { DeploymentFile } from "../src/deployments";

// Heavy modules (openpgp, the message library) are imported inside the actions so that loading the
// task files stays fast for every other task.

export const ENV_KEY_PASSPHRASE = "PUSH_KEY_PASSPHRASE";

const CONTENT_TYPES: Record<string, number> = { text: 0, image: 1, file: 2, reaction: 3, meta: 4 };

interface CommonArgs {
  node: string;
  key?: string;
  passphraseFile?: string;
  deployment?: string;
}

/** The content and content type of msg:send and msg:digest (--message or --file, --content-type, --previous). */
function messageInput(args: { message?: string; file?: string; contentType: string; previous?: string }): {
  content: Uint8Array;
  contentType: number;
} {
  if ((args.message === undefined) === (args.file === undefined))
    throw new TaskError("Pass exactly one of --message and --file.");
  const contentType = CONTENT_TYPES[args.contentType.toLowerCase()];
  if (contentType === undefined)
    throw new TaskError(
      `--content-type "${args.contentType}" is not one of ${Object.keys(CONTENT_TYPES).join(", ")}.`,
    );
  if (args.previous !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(args.previous))
    throw new TaskError("--previous must be a message digest (0x + 64 hex digits).");
  if (args.file === undefined)
    return { content: new TextEncoder().encode(args.message as string), contentType };
  try {
    return { content: new Uint8Array(fs.readFileSync(args.file)), contentType };
  } catch {
    throw new TaskError(`Cannot read ${args.file}.`);
  }
}

function need(d: DeploymentFile, name: string): string {
  const c = d.contracts[name];
  if (!c) throw new TaskError(`${name} is not deployed on network "${d.network}".`);
  return c.address;
}

/** A node given by URL, or by its signer address (endpoint read from NodeRegistry events). */
async function nodeOf(
  hre: HardhatRuntimeEnvironment,
  d: DeploymentFile,
  node: string,
): Promise<{ url: string; address?: string }> {
  if (/^https?:\/\//i.test(node)) return { url: node };
  if (!hre.ethers.isAddress(node))
    throw new TaskError(`--node "${node}" is neither an http(s) URL nor a node address.`);
  const { fetchNodeEndpoint } = await import("../src/client/chain-lookup");
  const address = hre.ethers.getAddress(node);
  const url = await fetchNodeEndpoint(hre.ethers.provider, need(d, "NodeRegistry"), address, d.deployBlock);
  if (!url) throw new TaskError(`Node ${address} is not registered in the NodeRegistry of "${d.network}".`);
  return { url, address };
}

/** Reads a key file of the key library (JSON or armored, passphrase-encrypted) and decrypts it. */
async function loadKey(file: string, passphraseFile: string | undefined) {
  const { readKeyFile, decryptKeyFile, KeyFileError } = await import("../src/keys");
  let passphrase: string | undefined;
  if (passphraseFile !== undefined) {
    try {
      passphrase = fs.readFileSync(passphraseFile, "utf8").replace(/\r?\n$/, "");
    } catch {
      throw new TaskError(`Cannot read the passphrase file ${passphraseFile}.`);
    }
  } else passphrase = process.env[ENV_KEY_PASSPHRASE];
  if (passphrase === undefined || passphrase === "")
    throw new TaskError(
      `The key file needs its passphrase: set ${ENV_KEY_PASSPHRASE} or pass --passphrase-file.`,
    );
  try {
    const keyFile = await readKeyFile(file);
    const key = await decryptKeyFile(keyFile, passphrase);
    return { key, keyHash: keyFile.keyHash, address: keyFile.address };
  } catch (e) {
    if (e instanceof KeyFileError) throw new TaskError(e.message);
    throw e;
  }
}

function address(
  hre: HardhatRuntimeEnvironment,
  name: string,
  v: string | undefined,
  fallback?: string,
): string {
  const a = v ?? fallback;
  if (a === undefined) throw new TaskError(`--${name} is required (the key file does not name an address).`);
  if (!hre.ethers.isAddress(a)) throw new TaskError(`--${name} "${a}" is not an Ethereum address.`);
  return hre.ethers.getAddress(a);
}

function explain(e: unknown): never {
  if (e instanceof TaskError) throw e;
  const name = (e as Error)?.name;
  if (name === "MessagingError" || name === "NodeApiError") throw new TaskError((e as Error).message);
  if (e instanceof TypeError && /fetch failed/.test(e.message))
    throw new TaskError(`Cannot reach the node: ${(e.cause as Error | undefined)?.message ?? e.message}.`);
  if (name === "TimeoutError") throw new TaskError("The node did not answer in time.");
  throw e;
}

task(
  "msg:send",
  "Sends a chat message through a Push Node: encrypts, signs with your key file, posts, checks the attestation",
)
  .addOptionalParam("to", "Recipient address (not with --envelope)")
  .addParam("node", "The node: its http(s) URL, or its signer address (endpoint read from the chain)")
  .addOptionalParam(
    "key",
    "Your key file (from key:generate); its key must be registered for --from (not with --signature)",
  )
  .addOptionalParam(
    "envelope",
    "With --signature: the unsigned message msg:digest wrote (its content, recipients and time are kept)",
  )
  .addOptionalParam(
    "signature",
    "A detached OpenPGP signature (armored or binary) of msg:digest's digest made with your own tool (gpg, sq, ...): sends --envelope with it",
  )
  .addOptionalParam("from", "Your address (default: the address recorded in the key file)")
  .addOptionalParam("message", "The text to send")
  .addOptionalParam("file", "Send the bytes of this file instead of --message")
  .addOptionalParam("contentType", "text, image, file, reaction or meta", "text", types.string)
  .addOptionalParam("previous", "Digest of the previous message of the thread (0x + 64 hex)")
  .addOptionalParam(
    "passphraseFile",
    `File whose first line is the key file's passphrase (default: the ${ENV_KEY_PASSPHRASE} environment variable)`,
  )
  .addOptionalParam("deployment", "Deployment file to use instead of deployments/<network>.json")
  .addOptionalParam(
    "fault",
    "Testing only: send a deliberately faulty message, MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION or BAD_SIGNATURE, to a node started with --accept (refused on chains 1 and 137; docs/testing-faults.md)",
  )
  .setAction(
    async (
      args: CommonArgs & {
        fault?: string;
        to?: string;
        key?: string;
        envelope?: string;
        signature?: string;
        from?: string;
        message?: string;
        file?: string;
        contentType: string;
        previous?: string;
      },
      hre,
    ) => {
      try {
        if (args.signature !== undefined || args.envelope !== undefined) return await sendSigned(hre, args);
        if (args.key === undefined)
          throw new TaskError("--key is required (or --envelope with --signature).");
        if (args.to === undefined) throw new TaskError("--to is required.");
        const { content, contentType } = messageInput(args);
        const faults = await import("../src/client/fault-injection");
        let fault: import("../src/client/fault-injection").MessageFault | undefined;
        try {
          if (args.fault !== undefined) {
            fault = faults.parseMessageFault(args.fault);
            faults.assertFaultySendAllowed((await hre.ethers.provider.getNetwork()).chainId, fault);
          }
        } catch (e) {
          if (e instanceof faults.FaultyMessageError) throw new TaskError(e.message);
          throw e;
        }
        const d = await deploymentFromFile(hre, args.deployment);
        const { key, keyHash, address: keyAddress } = await loadKey(args.key, args.passphraseFile);
        const from = address(hre, "from", args.from, keyAddress);
        const to = address(hre, "to", args.to);
        const target = await nodeOf(hre, d, args.node);
        const { sendMessage } = await import("../src/client/messaging");
        const { NodeClient } = await import("../src/node/api");
        let r;
        try {
          r = await sendMessage({
            chain: {
              provider: hre.ethers.provider,
              chainId: BigInt(d.chainId),
              keyRegistry: need(d, "KeyRegistry"),
              slashing: need(d, "Slashing"),
              fromBlock: d.deployBlock,
            },
            from,
            to,
            content,
            contentType,
            previous: args.previous?.toLowerCase(),
            privateKey: key,
            senderKeyHash: keyHash,
            node: new NodeClient(target.url),
            nodeAddress: target.address,
            fault,
          });
        } catch (e) {
          if (
            fault !== undefined &&
            (e as Error).name === "NodeApiError" &&
            (e as { status?: number }).status === 422
          )
            throw new TaskError(
              `${(e as Error).message} (the node refused the faulty message: start it with --accept ${fault}).`,
            );
          throw e;
        }
        if (fault !== undefined)
          console.log(
            `FAULT INJECTION: sent a ${fault} message (${faults.MESSAGE_FAULT_RECIPES[fault]}); from ${r.envelope.from}.`,
          );
        console.log(
          r.encrypted
            ? `Encrypted to ${to}'s key ${r.recipientKey?.keyHash} and to your key ${r.senderKey.keyHash}.`
            : `Sent as plaintext: ${to} has no active registered key.`,
        );
        console.log(
          `${r.response.duplicate ? "Already held by" : "Attested by"} node ${r.attestedBy} at ${target.url}: ` +
            `sequence ${r.attestation.sequence}, position ${r.response.position}, attestedAt ${r.attestation.attestedAt}.`,
        );
        console.log(`Digest ${r.digest}; content CID ${r.response.cid} (${r.envelope.contentSize} bytes).`);
        if (fault !== undefined)
          console.log(
            `The node accepted it as ${r.response.acceptedFault ?? "valid"}: a watcher (validator:run) proves it; ` +
              "validator:export writes the proof file for fault:prove.",
          );
        return { digest: r.digest, attestation: r.response.attestation, cid: r.response.cid };
      } catch (e) {
        explain(e);
      }
    },
  );

/** `msg:send --envelope <file> --signature <file>`: sends a message signed by an external tool. */
async function sendSigned(
  hre: HardhatRuntimeEnvironment,
  args: CommonArgs & {
    envelope?: string;
    signature?: string;
    to?: string;
    key?: string;
    fault?: string;
    message?: string;
    file?: string;
  },
) {
  if (args.envelope === undefined || args.signature === undefined)
    throw new TaskError(
      "--signature and --envelope go together: msg:digest writes the envelope whose digest you sign.",
    );
  for (const name of ["key", "to", "message", "file", "fault"] as const)
    if (args[name] !== undefined)
      throw new TaskError(`--${name} is not used with --signature (the envelope holds the message).`);
  const M = await import("../src/message");
  let envelope;
  try {
    envelope = M.parseEnvelope(fs.readFileSync(args.envelope, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new TaskError(`Cannot read ${args.envelope}.`);
    throw new TaskError(`${args.envelope} is not a message envelope: ${(e as Error).message}`);
  }
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(fs.readFileSync(args.signature));
  } catch {
    throw new TaskError(`Cannot read ${args.signature}.`);
  }
  let signature: Uint8Array;
  try {
    signature = await M.readDetachedSignature(raw, args.signature);
  } catch (e) {
    if (e instanceof M.NotASignatureError) throw new TaskError(e.message);
    throw e;
  }
  const d = await deploymentFromFile(hre, args.deployment);
  const chain = {
    provider: hre.ethers.provider,
    chainId: BigInt(d.chainId),
    keyRegistry: need(d, "KeyRegistry"),
    slashing: need(d, "Slashing"),
    fromBlock: d.deployBlock,
  };
  const { fetchChainKeys } = await import("../src/client/chain-lookup");
  const senderKey = (
    await fetchChainKeys(chain.provider, chain.keyRegistry, envelope.from, chain.fromBlock)
  ).find((k) => k.keyHash === envelope.senderKey.toLowerCase() && k.publicKey !== undefined);
  if (senderKey === undefined)
    throw new TaskError(`The key ${envelope.senderKey} is not registered for ${envelope.from}.`);
  const digest = M.messageDigest(envelope);
  const verdict = await M.verifyDigestSignature(digest, signature, senderKey.publicKey as Uint8Array);
  if (!verdict.ok)
    throw new TaskError(
      `The signature does not sign this message's digest ${digest} under the key ${envelope.senderKey}: ${verdict.reason}.`,
    );
  const target = await nodeOf(hre, d, args.node);
  const { submitEnvelope } = await import("../src/client/messaging");
  const { NodeClient } = await import("../src/node/api");
  const r = await submitEnvelope({
    chain,
    node: new NodeClient(target.url),
    nodeAddress: target.address,
    envelope: { ...envelope, signature },
  });
  console.log(
    `${r.response.duplicate ? "Already held by" : "Attested by"} node ${r.attestedBy} at ${target.url}: ` +
      `sequence ${r.attestation.sequence}, position ${r.response.position}, attestedAt ${r.attestation.attestedAt}.`,
  );
  console.log(`Digest ${r.digest}; content CID ${r.response.cid} (${r.envelope.contentSize} bytes).`);
  return { digest: r.digest, attestation: r.response.attestation, cid: r.response.cid };
}

task(
  "msg:digest",
  "Prepares a message for signing with your own OpenPGP tool: writes the unsigned envelope and prints the digest to sign (docs/client-profile.md section 3)",
)
  .addParam("to", "Recipient address")
  .addParam("from", "Your address")
  .addParam(
    "senderKey",
    "Your registered key: its keyHash (0x + 64 hex) or its public key file (armored or binary)",
  )
  .addParam("out", "File to write the unsigned envelope to (give it to msg:send --envelope)")
  .addOptionalParam("message", "The text to send")
  .addOptionalParam("file", "Send the bytes of this file instead of --message")
  .addOptionalParam("contentType", "text, image, file, reaction or meta", "text", types.string)
  .addOptionalParam("previous", "Digest of the previous message of the thread (0x + 64 hex)")
  .addOptionalParam("deployment", "Deployment file to use instead of deployments/<network>.json")
  .setAction(
    async (
      args: {
        to: string;
        from: string;
        senderKey: string;
        out: string;
        message?: string;
        file?: string;
        contentType: string;
        previous?: string;
        deployment?: string;
      },
      hre,
    ) => {
      try {
        const { content, contentType } = messageInput(args);
        let senderKeyHash: string;
        if (/^0x[0-9a-fA-F]{64}$/.test(args.senderKey)) senderKeyHash = args.senderKey.toLowerCase();
        else {
          const { canonicalPublicKey, KeyValidationError } = await import("../src/keys");
          let bytes: Uint8Array;
          try {
            bytes = new Uint8Array(fs.readFileSync(args.senderKey));
          } catch {
            throw new TaskError(
              `--sender-key is neither a keyHash nor a readable key file: ${args.senderKey}.`,
            );
          }
          try {
            senderKeyHash = (await canonicalPublicKey(bytes)).keyHash;
          } catch (e) {
            if (e instanceof KeyValidationError) throw new TaskError(`${args.senderKey}: ${e.message}`);
            throw e;
          }
        }
        const d = await deploymentFromFile(hre, args.deployment);
        const { prepareMessage } = await import("../src/client/messaging");
        const { stringifyEnvelope } = await import("../src/message");
        const r = await prepareMessage({
          chain: {
            provider: hre.ethers.provider,
            chainId: BigInt(d.chainId),
            keyRegistry: need(d, "KeyRegistry"),
            slashing: need(d, "Slashing"),
            fromBlock: d.deployBlock,
          },
          from: address(hre, "from", args.from),
          to: address(hre, "to", args.to),
          content,
          contentType,
          previous: args.previous?.toLowerCase(),
          senderKeyHash,
        });
        fs.writeFileSync(args.out, stringifyEnvelope(r.envelope) + "\n");
        const hex = r.digest.slice(2);
        console.log(
          `Digest ${r.digest} (timestamp ${r.envelope.timestamp}: send within the node's clock skew, 15 minutes).`,
        );
        console.log(`Unsigned envelope written to ${args.out}. Sign the 64 hex characters, for example:`);
        console.log(`  printf %s ${hex} > digest.txt && gpg --detach-sign -u <your key> digest.txt`);
        console.log(`then: msg:send --node <node> --envelope ${args.out} --signature digest.txt.sig`);
        return { digest: r.digest, envelope: args.out };
      } catch (e) {
        explain(e);
      }
    },
  );

task(
  "msg:read",
  "Reads a conversation from a Push Node's feed, verifying every signature and attestation, decrypting with your key file",
)
  .addParam("node", "The node: its http(s) URL, or its signer address (endpoint read from the chain)")
  .addOptionalParam("key", "Your key file (from key:generate), to decrypt")
  .addOptionalParam("me", "Your address (default: the address recorded in the key file)")
  .addOptionalParam("with", "The other party's address (default: every message to or from you)")
  .addOptionalParam("after", "Start after this feed position", "0", types.string)
  .addOptionalParam(
    "passphraseFile",
    `File whose first line is the key file's passphrase (default: the ${ENV_KEY_PASSPHRASE} environment variable)`,
  )
  .addOptionalParam("deployment", "Deployment file to use instead of deployments/<network>.json")
  .setAction(async (args: CommonArgs & { me?: string; with?: string; after: string }, hre) => {
    try {
      if (!/^(0|[1-9][0-9]{0,19})$/.test(args.after))
        throw new TaskError(`--after must be a feed position (a non-negative integer), got "${args.after}".`);
      const d = await deploymentFromFile(hre, args.deployment);
      const loaded = args.key !== undefined ? await loadKey(args.key, args.passphraseFile) : undefined;
      const me = address(hre, "me", args.me, loaded?.address);
      const other = args.with !== undefined ? address(hre, "with", args.with) : undefined;
      const target = await nodeOf(hre, d, args.node);
      const { readConversation } = await import("../src/client/messaging");
      const { NodeClient } = await import("../src/node/api");
      const { node, entries } = await readConversation({
        chain: {
          provider: hre.ethers.provider,
          chainId: BigInt(d.chainId),
          keyRegistry: need(d, "KeyRegistry"),
          slashing: need(d, "Slashing"),
          fromBlock: d.deployBlock,
        },
        node: new NodeClient(target.url),
        nodeAddress: target.address,
        me,
        other,
        privateKey: loaded?.key,
        after: BigInt(args.after),
      });
      console.log(
        `${entries.length} message(s) ${other ? `between ${me} and ${other}` : `to or from ${me}`} on node ${node} (${target.url}).`,
      );
      let problems = 0;
      for (const e of entries) {
        const when = new Date(Number(e.envelope.timestamp) * 1000).toISOString();
        const checks = [
          e.attestationOk
            ? "attestation ok"
            : `ATTESTATION NOT BY THE NODE (signer ${e.attestedBy ?? "unrecoverable"})`,
          e.verdict === undefined
            ? `NOT CHECKED: ${e.checkError}`
            : e.verdict.ok
              ? e.verdict.excused.length === 0
                ? "signature ok"
                : `signature ok; ${e.verdict.excused.map((f) => f.code).join(", ")} excused by the state lag`
              : `INVALID: ${e.verdict.code} (${e.verdict.rule}): ${e.verdict.reason}`,
        ];
        if (!e.attestationOk || !e.verdict?.ok) problems++;
        const body =
          e.text !== undefined
            ? e.envelope.contentType === 0
              ? JSON.stringify(new TextDecoder().decode(e.text))
              : `<${e.text.length} bytes, content type ${e.envelope.contentType}>`
            : `<${e.readError}>`;
        console.log(
          `#${e.position} seq ${e.attestation.sequence} ${when} ${e.envelope.from} -> ${e.envelope.to} ` +
            `[${e.envelope.encryption === 1 ? "pgp" : "plaintext"}; ${checks.join("; ")}] ${body}`,
        );
      }
      if (problems > 0) console.log(`${problems} message(s) failed verification.`);
      const { findEquivocations, equivocationWarning } = await import("../src/client/equivocation");
      for (const q of findEquivocations(entries)) console.warn(equivocationWarning(node, q));
      return entries.map((e) => ({
        position: e.position.toString(),
        digest: e.digest,
        from: e.envelope.from,
        to: e.envelope.to,
        attestationOk: e.attestationOk,
        valid: e.verdict?.ok === true,
        text: e.text !== undefined ? new TextDecoder().decode(e.text) : undefined,
      }));
    } catch (e) {
      explain(e);
    }
  });

/** The verdict msg:check returns (and prints as one line). */
export interface MsgCheckResult {
  /** The recognised format (a file that is neither, or both, is a TaskError with the sentence). */
  format: "envelope" | "push";
  ok: boolean;
  /** Fault class and rule (absent when valid or refused). */
  code?: string;
  rule?: string;
  /** The fault's or the refusal's sentence. */
  reason?: string;
  /** The owners whose keys were read from the KeyRegistry, and the time keys were judged at. */
  owners: string[];
  at: string;
}

task(
  "msg:check",
  "Validates a message file, an envelope or a Push Chat SDK message body (recognised by its fields), against the KeyRegistry: prints valid, or the fault's class and rule",
)
  .addParam("file", "The message: envelope JSON, or a Push SDK message body as the SDK POSTs it")
  .addOptionalParam("attestation", "A node's signed attestation of the envelope (JSON), checked with it")
  .addOptionalParam(
    "at",
    "Judge at this unix time (seconds): keys active then (Push), clock skew against it (envelope without attestation); default the latest block's time",
  )
  .addOptionalParam("deployment", "Deployment file to use instead of deployments/<network>.json")
  .setAction(
    async (
      args: { file: string; attestation?: string; at?: string; deployment?: string },
      hre,
    ): Promise<MsgCheckResult> => {
      const read = (file: string, what: string) => {
        try {
          return fs.readFileSync(file, "utf8");
        } catch {
          throw new TaskError(`Cannot read the ${what} file ${file}.`);
        }
      };
      const text = read(args.file, "message");
      const M = await import("../src/message");
      const recognised = M.recogniseMessage(text);
      if (recognised.format === null) throw new TaskError(`${args.file}: ${recognised.reason}`);
      let attestation: import("../src/message").Attestation | undefined;
      if (args.attestation !== undefined) {
        if (recognised.format !== "envelope")
          throw new TaskError("--attestation is for envelopes; this file is a Push SDK message body.");
        try {
          attestation = M.decodeSignedAttestation(JSON.parse(read(args.attestation, "attestation")));
        } catch (e) {
          throw new TaskError(`${args.attestation} is not a signed attestation: ${(e as Error).message}`);
        }
      }
      if (args.at !== undefined && !/^(0|[1-9][0-9]{0,19})$/.test(args.at))
        throw new TaskError(`--at must be a unix time in seconds, got "${args.at}".`);
      const d = await deploymentFromFile(hre, args.deployment);
      const at =
        args.at !== undefined
          ? BigInt(args.at)
          : BigInt(
              (await hre.ethers.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000),
            );
      // The parties, as far as the message names them (a malformed one is the validator's to report).
      const doc = recognised.doc;
      const named =
        recognised.format === "envelope"
          ? [doc.from, doc.to]
          : [doc.fromDID, doc.toDID].map((did) => (typeof did === "string" ? M.addressOfDid(did) : null));
      const owners = [
        ...new Set(
          named
            .filter((a): a is string => typeof a === "string" && hre.ethers.isAddress(a))
            .map((a) => hre.ethers.getAddress(a)),
        ),
      ];
      const { fetchChainKeys, keyViewOf } = await import("../src/client/chain-lookup");
      const keys = [];
      for (const o of owners)
        keys.push(...(await fetchChainKeys(hre.ethers.provider, need(d, "KeyRegistry"), o, d.deployBlock)));
      const view = keyViewOf(keys);
      const r = await M.validateAnyMessage(text, {
        envelope: { keys: view, now: at },
        attestation,
        push: { keys: M.pushKeyLookupOf(view, at), now: new Date(Number(at) * 1000) },
      });
      if (!r.ok && r.refused) throw new TaskError(`${args.file}: ${r.reason}`);
      console.log(`${args.file}: ${M.describeAnyVerdict(r)}`);
      if (r.ok) return { format: r.format, ok: true, owners, at: at.toString() };
      return {
        format: r.format,
        ok: false,
        code: r.code,
        rule: r.rule,
        reason: r.reason,
        owners,
        at: at.toString(),
      };
    },
  );
