/**
 * Key tasks for users and apps: generate an OpenPGP key bound to a wallet, register it (yourself or through
 * a relayer with an EIP-712 request), revoke it, and show an address's keys. Every key is validated against
 * the strict profile before any transaction is sent.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";
import type { KeyRegistry } from "../typechain-types";
import { TaskError, loadDeployment, sendTx } from "../src/tasks-util";
import { FROM_HELP, KEYSTORE_HELP, signerFor as sharedSignerFor } from "../src/signer";
import { contractAddress } from "../src/deployments";
import { KEY_ALGORITHM_CHOICES, generateWalletKey, type KeyAlgorithmChoice } from "../src/keys/generate";
import { KeyFileError, KeyValidationError } from "../src/keys/errors";
import { parseKeyFile, writeKeyFile } from "../src/keys/keyfile";
import { canonicalPublicKey, publicKeyHex } from "../src/keys/canonical";
import { validatePublicKey, type ValidatedKey } from "../src/keys/validate";
import {
  KeyRequestError,
  KeyStateError,
  checkCanAdd,
  checkCanRevoke,
  checkKeyRequest,
  fetchKeys,
  parseKeyRequest,
  signKeyRequest,
  verifyKeyRequestSignature,
  type KeyRequest,
  type RegisteredKey,
} from "../src/keys/registry";

const PASSPHRASE_ENV = "PUSH_KEY_PASSPHRASE";
const MIN_PASSPHRASE = 8;

// ------------------------------------------------------------------------------------------ helpers

/** Turns the library's typed errors into TaskError (one sentence, no stack). */
function asTaskError(e: unknown): unknown {
  if (
    e instanceof KeyValidationError ||
    e instanceof KeyFileError ||
    e instanceof KeyRequestError ||
    e instanceof KeyStateError
  ) {
    return new TaskError(e.message);
  }
  return e;
}

async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw asTaskError(e);
  }
}

/** The account a key:* task signs or sends from: the parser every task shares (an index or an address). */
function signerFor(
  hre: HardhatRuntimeEnvironment,
  from: string | undefined,
  keystore?: string,
): Promise<Signer> {
  return sharedSignerFor(hre, { from, keystore });
}

interface RegistryHandle {
  registry: KeyRegistry;
  address: string;
  deployBlock: number;
}

/** The KeyRegistry from --registry, else from deployments/<network>.json. */
async function registryFor(
  hre: HardhatRuntimeEnvironment,
  override: string | undefined,
  runner?: Signer,
): Promise<RegistryHandle> {
  let address: string;
  let deployBlock = 0;
  if (override !== undefined && override !== "") {
    if (!hre.ethers.isAddress(override))
      throw new TaskError(`--registry "${override}" is not an Ethereum address.`);
    address = hre.ethers.getAddress(override);
  } else {
    const d = await loadDeployment(hre);
    try {
      address = contractAddress(d, "KeyRegistry");
    } catch (e) {
      throw new TaskError((e as Error).message);
    }
    deployBlock = d.deployBlock;
  }
  if ((await hre.ethers.provider.getCode(address)) === "0x") {
    throw new TaskError(`There is no contract at ${address} on "${hre.network.name}".`);
  }
  const registry = (await hre.ethers.getContractAt("KeyRegistry", address, runner)) as unknown as KeyRegistry;
  return { registry, address, deployBlock };
}

/**
 * Reads the public key to register from a file: a key file written by key:generate (JSON or armored private
 * key: its public part is used), an armored public key, 0x hex or binary.
 */
async function readPublicKeyFile(file: string): Promise<Uint8Array | string> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    throw new TaskError(`Cannot read the key file ${file}.`);
  }
  const head = bytes.subarray(0, 64).toString("latin1").trimStart();
  if (head.startsWith("{") || head.startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----")) {
    return (await parseKeyFile(bytes.toString("utf8"), file)).publicKey;
  }
  return head.startsWith("-----BEGIN") || head.startsWith("0x")
    ? bytes.toString("utf8")
    : new Uint8Array(bytes);
}

async function validatedKeyFrom(file: string): Promise<ValidatedKey> {
  return validatePublicKey(await readPublicKeyFile(file));
}

async function keyHashFrom(
  hre: HardhatRuntimeEnvironment,
  args: { keyHash?: string; key?: string },
): Promise<string> {
  if (args.keyHash) {
    if (!hre.ethers.isHexString(args.keyHash, 32)) {
      throw new TaskError(`--key-hash "${args.keyHash}" is not a 32-byte 0x hex keyHash.`);
    }
    return args.keyHash.toLowerCase();
  }
  if (args.key) {
    return (await canonicalPublicKey(await readPublicKeyFile(args.key))).keyHash;
  }
  throw new TaskError("Give the key to act on with --key-hash or --key.");
}

async function passphraseFrom(file: string | undefined): Promise<string> {
  let passphrase: string | undefined;
  if (file) {
    try {
      passphrase = (await fs.readFile(file, "utf8")).replace(/\r?\n$/, "");
    } catch {
      throw new TaskError(`Cannot read the passphrase file ${file}.`);
    }
  } else {
    passphrase = process.env[PASSPHRASE_ENV];
  }
  if (passphrase === undefined || passphrase === "") {
    throw new TaskError(
      `A passphrase is needed to encrypt the private key: set ${PASSPHRASE_ENV} or pass --passphrase-file.`,
    );
  }
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new TaskError(`The passphrase is shorter than ${MIN_PASSPHRASE} characters.`);
  }
  return passphrase;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** 40 hex digits in groups of four, as GnuPG prints fingerprints. */
export function formatFingerprint(fp: string): string {
  return fp.toUpperCase().replace(/(.{4})(?!$)/g, "$1 ");
}

function printKey(v: ValidatedKey): void {
  console.log(`  keyHash      ${v.keyHash}`);
  console.log(`  fingerprint  ${formatFingerprint(v.fingerprint)}`);
  console.log(`  algorithm    ${v.algorithm} (${v.algorithmName})`);
  console.log(`  user IDs     ${v.userIDs.join(" | ")}`);
  console.log(`  size         ${v.bytes.length} bytes`);
  if (v.expiresAt) console.log(`  expires      ${v.expiresAt.toISOString()}`);
  for (const w of v.warnings) console.log(`  warning: ${w}`);
}

/**
 * The owner a key names for this chain (its CAIP-10 user ID, which key:generate writes), when it is one of
 * the network's accounts; undefined when the key names no wallet on this chain. Refuses with one sentence
 * when it names another wallet or several.
 */
async function ownerNamedByKey(hre: HardhatRuntimeEnvironment, v: ValidatedKey): Promise<string | undefined> {
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const named = [...new Set(v.wallets.filter((w) => w.chainId === chainId).map((w) => w.address))];
  if (named.length === 0) return undefined;
  if (named.length > 1)
    throw new TaskError(
      `The key names several wallets on chain ${chainId} (${named.join(", ")}): pass --from to say which one owns it; nothing was sent.`,
    );
  const [owner] = named;
  const accounts = (await hre.ethers.getSigners()).map((s) => s.address);
  if (!accounts.includes(owner))
    throw new TaskError(
      `The key belongs to ${owner}, which is not an account configured for "${hre.network.name}": send from it with --keystore, or pass --from to register the key for another owner; nothing was sent.`,
    );
  return owner;
}

/** Warns when the key names wallets in CAIP-10 user IDs but not this owner on this chain. */
function warnIfOtherWallet(v: ValidatedKey, owner: string, chainId: bigint): void {
  if (v.wallets.length === 0) return;
  if (v.wallets.some((w) => w.address === owner && BigInt(w.chainId) === chainId)) return;
  console.log(
    `  note: the key's user IDs name ${v.wallets.map((w) => `eip155:${w.chainId}:${w.address}`).join(", ")}, ` +
      `not eip155:${chainId}:${owner}; it will be registered for ${owner} anyway.`,
  );
}

// ------------------------------------------------------------------------------------------ tasks

export interface GenerateResult {
  file: string;
  keyHash: string;
  fingerprint: string;
  algorithm: number;
  userID: string;
}

task(
  "key:generate",
  "Generates an OpenPGP key bound to a wallet and writes it, passphrase-encrypted, to a key file",
)
  .addOptionalParam(
    "address",
    "Wallet the key belongs to, put in the user ID as CAIP-10 (default: the first account)",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "chainId",
    "Chain id for the CAIP-10 user ID (default: the network's)",
    undefined,
    types.int,
  )
  .addOptionalParam(
    "algorithm",
    `Key type: ${KEY_ALGORITHM_CHOICES.join(", ")} (every type signs messages whose faults are provable on chain)`,
    "p256",
    types.string,
  )
  .addOptionalParam(
    "out",
    "Key file to write; .asc writes the armored private key alone, anything else JSON (default: .data/keys/<address>-<key id>.json)",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "passphraseFile",
    `File whose first line is the passphrase (default: the ${PASSPHRASE_ENV} environment variable)`,
    undefined,
    types.string,
  )
  .addOptionalParam("expiresDays", "Days until the key expires (default: never)", undefined, types.int)
  .addFlag("force", "Overwrite an existing key file")
  .setAction(
    async (
      args: {
        address?: string;
        chainId?: number;
        algorithm: string;
        out?: string;
        passphraseFile?: string;
        expiresDays?: number;
        force: boolean;
      },
      hre,
    ): Promise<GenerateResult> =>
      guarded(async () => {
        if (!(KEY_ALGORITHM_CHOICES as readonly string[]).includes(args.algorithm)) {
          throw new TaskError(
            `--algorithm "${args.algorithm}" is not one of ${KEY_ALGORITHM_CHOICES.join(", ")}.`,
          );
        }
        let address: string;
        if (args.address) {
          if (!hre.ethers.isAddress(args.address)) {
            throw new TaskError(`--address "${args.address}" is not an Ethereum address.`);
          }
          address = hre.ethers.getAddress(args.address);
        } else {
          address = await (await signerFor(hre, undefined)).getAddress();
        }
        const chainId =
          args.chainId ??
          hre.network.config.chainId ??
          Number((await hre.ethers.provider.getNetwork()).chainId);
        if (args.expiresDays !== undefined && args.expiresDays <= 0) {
          throw new TaskError("--expires-days must be a positive number of days.");
        }
        const passphrase = await passphraseFrom(args.passphraseFile);
        const key = await generateWalletKey({
          address,
          chainId,
          algorithm: args.algorithm as KeyAlgorithmChoice,
          passphrase,
          ...(args.expiresDays !== undefined ? { keyExpirationTime: args.expiresDays * 86_400 } : {}),
        });
        const file =
          args.out ??
          path.join(".data", "keys", `${address}-${key.fingerprint.slice(-16).toUpperCase()}.json`);
        await writeKeyFile(file, key.privateKey, { address, chainId, overwrite: args.force });
        console.log(`Generated an OpenPGP key (${key.algorithmName}) for ${key.userID}`);
        console.log(`  key file     ${file} (private key encrypted with the passphrase)`);
        console.log(`  keyHash      ${key.keyHash}`);
        console.log(`  fingerprint  ${formatFingerprint(key.fingerprint)}`);
        console.log(`  algorithm    ${key.algorithm} (${key.algorithmName})`);
        console.log(
          `Register it (for ${address}, the wallet in the key) with: npx hardhat key:register --key ${file} --network ${hre.network.name}`,
        );
        return {
          file,
          keyHash: key.keyHash,
          fingerprint: key.fingerprint,
          algorithm: key.algorithm,
          userID: key.userID,
        };
      }),
  );

export interface TxResult {
  owner: string;
  keyHash: string;
  txHash: string;
  gasUsed: bigint;
}

task(
  "key:register",
  "Registers one of your OpenPGP public keys in the KeyRegistry (addKey), after validating it",
)
  .addParam(
    "key",
    "Key file from key:generate, or a public key file (armored, binary or 0x hex)",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "from",
    `Account that owns the key and sends the transaction (default: the wallet the key names for this chain, else the first account): ${FROM_HELP}`,
  )
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .addOptionalParam("registry", "KeyRegistry address (default: from deployments/<network>.json)")
  .setAction(
    async (
      args: { key: string; from?: string; keystore?: string; registry?: string },
      hre,
    ): Promise<TxResult> =>
      guarded(async () => {
        const key = await validatedKeyFrom(args.key);
        const told = (args.from !== undefined && args.from !== "") || (args.keystore ?? "") !== "";
        const from = told ? args.from : await ownerNamedByKey(hre, key);
        const signer = await signerFor(hre, from, args.keystore);
        const owner = await signer.getAddress();
        const { registry } = await registryFor(hre, args.registry, signer);
        const { chainId } = await hre.ethers.provider.getNetwork();
        console.log(`Registering for ${owner}:`);
        printKey(key);
        warnIfOtherWallet(key, owner, chainId);
        await checkCanAdd(registry, owner, key.keyHash);
        const tx = await sendTx(
          "addKey",
          () => registry.addKey(key.bytes),
          [registry.interface],
          ["KeyRegistry"],
        );
        return { owner, keyHash: key.keyHash, txHash: tx.hash, gasUsed: tx.gasUsed };
      }),
  );

export interface SignRequestResult {
  file: string;
  request: KeyRequest;
}

task(
  "key:sign-request",
  "As the owner, signs an EIP-712 request to add (or, with --revoke, revoke) a key that any account can relay; writes it to a JSON file",
)
  .addOptionalParam("key", "Key file or public key file (add: the key to add; revoke: the key to revoke)")
  .addOptionalParam("keyHash", "keyHash to revoke (with --revoke, instead of --key)")
  .addFlag("revoke", "Sign a RevokeKey request instead of an AddKey request")
  .addOptionalParam("from", `Owner account that signs: ${FROM_HELP}`)
  .addOptionalParam(
    "owner",
    "Contract wallet (ERC-1271) that owns the key, when --from is a signer it accepts (default: --from itself)",
  )
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .addOptionalParam("registry", "KeyRegistry address (default: from deployments/<network>.json)")
  .addOptionalParam("validFor", "Seconds the request stays valid, from the latest block", 86_400, types.int)
  .addOptionalParam(
    "nonce",
    "Nonce to sign (default: the owner's next nonce on chain); requests must be relayed in nonce order",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "out",
    "Request file to write (default: .data/requests/<add|revoke>-<owner>-<nonce>.json)",
    undefined,
    types.string,
  )
  .addFlag("force", "Overwrite an existing request file")
  .setAction(
    async (
      args: {
        key?: string;
        keyHash?: string;
        revoke: boolean;
        from?: string;
        keystore?: string;
        owner?: string;
        registry?: string;
        validFor: number;
        nonce?: string;
        out?: string;
        force: boolean;
      },
      hre,
    ): Promise<SignRequestResult> =>
      guarded(async () => {
        if (args.validFor <= 0) throw new TaskError("--valid-for must be a positive number of seconds.");
        if (!args.revoke && args.keyHash)
          throw new TaskError("--key-hash is for --revoke; to add a key give --key.");
        const signer = await signerFor(hre, args.from, args.keystore);
        const signerAddress = await signer.getAddress();
        let owner = signerAddress;
        if (args.owner) {
          if (!hre.ethers.isAddress(args.owner))
            throw new TaskError(`--owner "${args.owner}" is not an Ethereum address.`);
          owner = hre.ethers.getAddress(args.owner);
          if (owner !== signerAddress && (await hre.ethers.provider.getCode(owner)) === "0x") {
            throw new TaskError(
              `--owner ${owner} has no code: only a contract wallet (ERC-1271) can own a key through another signer.`,
            );
          }
        }
        const { registry, address } = await registryFor(hre, args.registry);
        const { chainId } = await hre.ethers.provider.getNetwork();

        let publicKey: Uint8Array | undefined;
        let keyHash: string;
        if (args.revoke) {
          keyHash = await keyHashFrom(hre, args);
          await checkCanRevoke(registry, owner, keyHash);
        } else {
          if (!args.key) throw new TaskError("Give the key to add with --key.");
          const key = await validatedKeyFrom(args.key);
          console.log(`Key to add for ${owner}:`);
          printKey(key);
          warnIfOtherWallet(key, owner, chainId);
          await checkCanAdd(registry, owner, key.keyHash);
          publicKey = key.bytes;
          keyHash = key.keyHash;
        }
        const onChainNonce = await registry.nonces(owner);
        let nonce = onChainNonce;
        if (args.nonce !== undefined) {
          if (!/^\d+$/.test(args.nonce))
            throw new TaskError(`--nonce "${args.nonce}" is not a whole number.`);
          nonce = BigInt(args.nonce);
          if (nonce < onChainNonce) {
            throw new TaskError(
              `--nonce ${nonce} is already used: ${owner}'s next nonce is ${onChainNonce}.`,
            );
          }
        }
        const latest = await hre.ethers.provider.getBlock("latest");
        const deadline = (latest?.timestamp ?? Math.floor(Date.now() / 1000)) + args.validFor;
        const request = await signKeyRequest(signer, {
          kind: args.revoke ? "revoke" : "add",
          owner,
          chainId,
          contract: address,
          ...(publicKey !== undefined ? { publicKey } : { keyHash }),
          nonce,
          deadline: BigInt(deadline),
        });
        if (!(await verifyKeyRequestSignature(request, hre.ethers.provider))) {
          throw new TaskError(
            `The wallet ${owner} does not accept ${signerAddress}'s signature (ERC-1271); no request was written.`,
          );
        }
        const file =
          args.out ?? path.join(".data", "requests", `${request.kind}-${owner}-${request.nonce}.json`);
        await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
        try {
          await fs.writeFile(file, JSON.stringify(request, null, 2) + "\n", {
            flag: args.force ? "w" : "wx",
          });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EEXIST") {
            throw new TaskError(`${file} already exists; choose another --out or pass --force.`);
          }
          throw e;
        }
        console.log(
          `Signed the ${request.kind === "add" ? "AddKey" : "RevokeKey"} request of ${owner}` +
            (owner !== signerAddress ? ` (ERC-1271 wallet, signed by ${signerAddress})` : ""),
        );
        console.log(`  request file ${file}`);
        console.log(`  keyHash      ${request.keyHash}`);
        console.log(`  nonce        ${request.nonce}`);
        console.log(`  deadline     ${request.deadline} (${iso(request.deadline)})`);
        console.log(`  chain        ${request.chainId}, KeyRegistry ${request.contract}`);
        console.log(
          `Anyone can submit it with: npx hardhat key:relay --request ${file} --network ${hre.network.name}`,
        );
        return { file, request };
      }),
  );

task(
  "key:relay",
  "Submits an owner's signed key request (addKeyFor / revokeKeyFor) from any account, after checking it",
)
  .addParam("request", "Request file written by key:sign-request", undefined, types.string)
  .addOptionalParam("from", `Relaying account that pays the gas: ${FROM_HELP}`)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .addOptionalParam("registry", "KeyRegistry address (default: from deployments/<network>.json)")
  .setAction(
    async (
      args: { request: string; from?: string; keystore?: string; registry?: string },
      hre,
    ): Promise<TxResult> =>
      guarded(async () => {
        let text: string;
        try {
          text = await fs.readFile(args.request, "utf8");
        } catch {
          throw new TaskError(`Cannot read the request file ${args.request}.`);
        }
        const request = parseKeyRequest(text);
        const signer = await signerFor(hre, args.from, args.keystore);
        const { registry } = await registryFor(hre, args.registry, signer);
        let publicKey: Uint8Array | undefined;
        if (request.kind === "add") {
          const key = await validatePublicKey(request.publicKey!);
          if (publicKeyHex(key.bytes) !== request.publicKey) {
            throw new TaskError(
              "The request's public key is not in canonical form; ask the owner to sign it again.",
            );
          }
          publicKey = key.bytes;
          console.log(`Relaying an AddKey request of ${request.owner}:`);
          printKey(key);
        } else {
          console.log(`Relaying a RevokeKey request of ${request.owner} for ${request.keyHash}`);
        }
        await checkKeyRequest(request, registry);
        const deadline = BigInt(request.deadline);
        let tx;
        if (request.kind === "add") {
          await checkCanAdd(registry, request.owner, request.keyHash);
          tx = await sendTx(
            "addKeyFor",
            () => registry.addKeyFor(request.owner, publicKey!, deadline, request.signature),
            [registry.interface],
            ["KeyRegistry"],
          );
        } else {
          await checkCanRevoke(registry, request.owner, request.keyHash);
          tx = await sendTx(
            "revokeKeyFor",
            () => registry.revokeKeyFor(request.owner, request.keyHash, deadline, request.signature),
            [registry.interface],
            ["KeyRegistry"],
          );
        }
        return { owner: request.owner, keyHash: request.keyHash, txHash: tx.hash, gasUsed: tx.gasUsed };
      }),
  );

task(
  "key:revoke",
  "Revokes one of your keys in the KeyRegistry (revokeKey); it is inactive from this block on, forever",
)
  .addOptionalParam("keyHash", "keyHash of the key to revoke")
  .addOptionalParam("key", "Key file or public key file of the key to revoke (instead of --key-hash)")
  .addOptionalParam("from", `Account that owns the key and sends the transaction: ${FROM_HELP}`)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .addOptionalParam("registry", "KeyRegistry address (default: from deployments/<network>.json)")
  .setAction(
    async (
      args: { keyHash?: string; key?: string; from?: string; keystore?: string; registry?: string },
      hre,
    ): Promise<TxResult> =>
      guarded(async () => {
        const keyHash = await keyHashFrom(hre, args);
        const signer = await signerFor(hre, args.from, args.keystore);
        const owner = await signer.getAddress();
        const { registry } = await registryFor(hre, args.registry, signer);
        await checkCanRevoke(registry, owner, keyHash);
        console.log(`Revoking ${owner}'s key ${keyHash}`);
        const tx = await sendTx(
          "revokeKey",
          () => registry.revokeKey(keyHash),
          [registry.interface],
          ["KeyRegistry"],
        );
        return { owner, keyHash, txHash: tx.hash, gasUsed: tx.gasUsed };
      }),
  );

task(
  "key:cancel-request",
  "Cancels your next unused request nonce (useNonce): a signed request carrying it becomes void",
)
  .addOptionalParam("from", `Owner account: ${FROM_HELP}`)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .addOptionalParam("registry", "KeyRegistry address (default: from deployments/<network>.json)")
  .setAction(
    async (
      args: { from?: string; keystore?: string; registry?: string },
      hre,
    ): Promise<{ owner: string; nonce: bigint; txHash: string }> =>
      guarded(async () => {
        const signer = await signerFor(hre, args.from, args.keystore);
        const owner = await signer.getAddress();
        const { registry } = await registryFor(hre, args.registry, signer);
        const nonce = await registry.nonces(owner);
        console.log(`Cancelling nonce ${nonce} of ${owner}`);
        const tx = await sendTx("useNonce", () => registry.useNonce(), [registry.interface], ["KeyRegistry"]);
        return { owner, nonce, txHash: tx.hash };
      }),
  );

task(
  "key:show",
  "Shows an address's registered keys: status, times, algorithm, fingerprint; key bytes checked against keyHash",
)
  .addOptionalParam("address", "Owner whose keys to show (default: the first account)")
  .addOptionalParam("registry", "KeyRegistry address (default: from deployments/<network>.json)")
  .addOptionalParam(
    "fromBlock",
    "First block to search for KeyAdded events (default: the deployment block)",
    undefined,
    types.int,
  )
  .addFlag("json", "Print JSON instead of text")
  .setAction(
    async (
      args: { address?: string; registry?: string; fromBlock?: number; json: boolean },
      hre,
    ): Promise<RegisteredKey[]> =>
      guarded(async () => {
        let owner: string;
        if (args.address) {
          if (!hre.ethers.isAddress(args.address)) {
            throw new TaskError(`--address "${args.address}" is not an Ethereum address.`);
          }
          owner = hre.ethers.getAddress(args.address);
        } else {
          owner = await (await signerFor(hre, undefined)).getAddress();
        }
        const { registry, address, deployBlock } = await registryFor(hre, args.registry);
        const keys = await fetchKeys(registry, owner, { fromBlock: args.fromBlock ?? deployBlock });
        if (args.json) {
          console.log(
            JSON.stringify(
              keys.map((k) => ({ ...k, publicKey: k.publicKey ? publicKeyHex(k.publicKey) : undefined })),
              null,
              2,
            ),
          );
          return keys;
        }
        const active = keys.filter((k) => k.active).length;
        console.log(`${owner} has ${keys.length} key(s) in the KeyRegistry at ${address}, ${active} active`);
        for (const [i, k] of keys.entries()) {
          const status = k.active ? "active" : "revoked";
          console.log(`#${i} ${k.keyHash} ${status}`);
          console.log(`  algorithm    ${k.algorithm} (${k.algorithmName})`);
          console.log(`  added        ${iso(k.addedAt)}${k.addedInTx ? ` (tx ${k.addedInTx})` : ""}`);
          if (!k.active) console.log(`  revoked      ${iso(k.revokedAt)}`);
          if (k.publicKey === undefined) {
            console.log(
              `  key bytes    KeyAdded event not found from block ${args.fromBlock ?? deployBlock}`,
            );
          } else {
            console.log(
              `  key bytes    ${k.publicKey.length} bytes, ${k.hashMatches ? "keccak256 matches keyHash" : "DO NOT MATCH keyHash"}`,
            );
          }
          if (k.fingerprint) console.log(`  fingerprint  ${formatFingerprint(k.fingerprint)}`);
          if (k.userIDs) console.log(`  user IDs     ${k.userIDs.join(" | ")}`);
        }
        return keys;
      }),
  );

// ------------------------------------------------------------------ key:import-push-profile (issue 13)

/** The five fields of a Push Chat SDK profile as `POST /v2/users/` carries them (or a user record). */
interface PushProfileFields {
  caip10: string;
  did: string;
  publicKey: string;
  encryptedPrivateKey: string;
  verificationProof: string;
}

/** Reads a profile file: the SDK's POST body, or the user record of `GET /v2/users/` (`wallets` for `caip10`). */
async function readPushProfile(file: string): Promise<PushProfileFields> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, "utf8"));
  } catch {
    throw new TaskError(
      `Cannot read ${file} as JSON: give the profile the Push Chat SDK posted to /v2/users/.`,
    );
  }
  const o = (parsed ?? {}) as Record<string, unknown>;
  const caip10 = o.caip10 ?? (typeof o.wallets === "string" ? o.wallets.split(",")[0] : undefined);
  const fields = { caip10, did: o.did, publicKey: o.publicKey, encryptedPrivateKey: o.encryptedPrivateKey };
  for (const [name, v] of Object.entries({ ...fields, verificationProof: o.verificationProof })) {
    if (typeof v !== "string" || v === "")
      throw new TaskError(`${file} has no "${name}" string: it is not a Push profile with keys.`);
  }
  return {
    ...(fields as Omit<PushProfileFields, "verificationProof">),
    verificationProof: o.verificationProof as string,
  };
}

task(
  "key:import-push-profile",
  "Registers the OpenPGP key of a Push Chat SDK profile for its wallet through the PushProfileGateway (any account pays)",
)
  .addParam(
    "profile",
    "JSON file: the profile the SDK posted to /v2/users/ (or its user record)",
    undefined,
    types.string,
  )
  .addOptionalParam("from", `Account that sends the transaction and pays the gas: ${FROM_HELP}`)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .addOptionalParam("gateway", "PushProfileGateway address (default: from deployments/<network>.json)")
  .setAction(
    async (
      args: { profile: string; from?: string; keystore?: string; gateway?: string },
      hre,
    ): Promise<{ wallet: string; keyHash: string; txHash: string; gasUsed: bigint }> =>
      guarded(async () => {
        const p = await readPushProfile(args.profile);
        // The checks the gateway makes first, off chain, for a clear sentence before any transaction.
        const m = /^eip155:(0x[0-9a-fA-F]{40})$/.exec(p.caip10);
        if (!m)
          throw new TaskError(
            `caip10 "${p.caip10}" is not eip155:0x<address>: only wallet profiles register.`,
          );
        if (p.did !== p.caip10) throw new TaskError(`did "${p.did}" differs from caip10 "${p.caip10}".`);
        const wallet = hre.ethers.getAddress(m[1].toLowerCase());
        const proof = /^eip191v2:(0x[0-9a-fA-F]{130})$/.exec(p.verificationProof);
        if (!proof) throw new TaskError(`verificationProof is not "eip191v2:0x<65-byte signature>".`);
        const preimage = JSON.stringify({
          caip10: p.caip10,
          did: p.did,
          publicKey: p.publicKey,
          encryptedPrivateKey: p.encryptedPrivateKey,
        });
        const hex = hre.ethers.sha256(hre.ethers.toUtf8Bytes(preimage)).slice(2);
        let signer: string;
        try {
          signer = hre.ethers.verifyMessage(hex, proof[1]);
        } catch {
          throw new TaskError("verificationProof's signature is malformed.");
        }
        if (signer !== wallet)
          throw new TaskError(
            `The profile is signed by ${signer}, not by its wallet ${wallet}: it would revert.`,
          );

        let address = args.gateway;
        if (address === undefined || address === "") {
          const d = await loadDeployment(hre);
          try {
            address = contractAddress(d, "PushProfileGateway");
          } catch (e) {
            throw new TaskError((e as Error).message);
          }
        } else if (!hre.ethers.isAddress(address)) {
          throw new TaskError(`--gateway "${address}" is not an Ethereum address.`);
        }
        if ((await hre.ethers.provider.getCode(address)) === "0x")
          throw new TaskError(`There is no contract at ${address} on "${hre.network.name}".`);
        const sender = await signerFor(hre, args.from, args.keystore);
        const gateway = await hre.ethers.getContractAt("PushProfileGateway", address, sender);
        const registryInterface = (await hre.ethers.getContractFactory("KeyRegistry")).interface;
        console.log(`Registering the Push profile key of ${wallet} through the gateway ${address}`);
        const tx = await sendTx(
          "registerPushProfile",
          () =>
            gateway.getFunction("registerPushProfile")(
              p.caip10,
              p.did,
              p.publicKey,
              p.encryptedPrivateKey,
              p.verificationProof,
            ),
          [gateway.interface, registryInterface],
          ["PushProfileGateway", "KeyRegistry"],
        );
        const receipt = await hre.ethers.provider.getTransactionReceipt(tx.hash);
        const event = receipt?.logs
          .map((l) => {
            try {
              return gateway.interface.parseLog(l);
            } catch {
              return null;
            }
          })
          .find((e) => e?.name === "PushProfileRegistered");
        const keyHash = event ? (event.args[1] as string) : "";
        console.log(`Registered key ${keyHash} for ${wallet} (tx ${tx.hash}, ${tx.gasUsed} gas)`);
        return { wallet, keyHash, txHash: tx.hash, gasUsed: tx.gasUsed };
      }),
  );
