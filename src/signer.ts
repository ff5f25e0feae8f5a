// The account a task sends from: one of the network's configured accounts (the raw DEPLOYER_KEY on remote
// networks, Hardhat's test accounts locally), chosen by index or address, or an encrypted JSON keystore
// (--keystore <file>) whose passphrase is prompted on a TTY or read from KEYSTORE_PASSWORD.
import fs from "node:fs";
import { Wallet, getAddress, isAddress } from "ethers";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { DEPLOYER_KEY_VAR, KEYSTORE_PASSWORD_VAR, configValue } from "./networks";
import { TaskError } from "./tasks-util";

export interface SignerChoice {
  /** An index among the network's accounts ("0", "1", ...) or an address; default: the first (or the keystore). */
  from?: string;
  /** Path of an encrypted JSON keystore (Web3 secret storage, e.g. from `cast wallet new` or geth). */
  keystore?: string;
  /** Passphrase; default: KEYSTORE_PASSWORD, else a prompt on a TTY. */
  password?: string;
}

/** Reads a line from the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  const stderr = process.stderr;
  return new Promise<string>((resolve, reject) => {
    let input = "";
    stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      stderr.write("\n");
      if (err) reject(err);
      else resolve(input);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new TaskError("Cancelled at the passphrase prompt."));
        if (ch === "\u007f" || ch === "\b") input = input.slice(0, -1);
        else input += ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function keystorePassword(file: string, given?: string): Promise<string> {
  if (given !== undefined) return given;
  const fromVar = configValue(KEYSTORE_PASSWORD_VAR);
  if (fromVar !== undefined) return fromVar;
  if (!process.stdin.isTTY)
    throw new TaskError(
      `No passphrase for keystore ${file}: set the ${KEYSTORE_PASSWORD_VAR} environment variable or run in a terminal.`,
    );
  return promptHidden(`Passphrase for ${file}: `);
}

/** Decrypts a keystore file into a Wallet connected to hre's provider; one sentence on any failure. */
export async function keystoreSigner(
  hre: HardhatRuntimeEnvironment,
  file: string,
  password?: string,
): Promise<Wallet> {
  let json: string;
  try {
    json = fs.readFileSync(file, "utf8");
  } catch {
    throw new TaskError(`Cannot read keystore file ${file}.`);
  }
  let address: unknown;
  try {
    address = (JSON.parse(json) as { address?: unknown }).address;
  } catch {
    throw new TaskError(`Keystore file ${file} is not JSON.`);
  }
  if (address === undefined) throw new TaskError(`Keystore file ${file} is not an encrypted JSON keystore.`);
  const pass = await keystorePassword(file, password);
  let wallet: Wallet;
  try {
    const decrypted = await Wallet.fromEncryptedJson(json, pass);
    wallet = new Wallet(decrypted.privateKey);
  } catch (e) {
    const msg = (e as Error).message;
    if (/password|invalid/i.test(msg)) throw new TaskError(`Wrong passphrase for keystore ${file}.`);
    throw new TaskError(`Keystore file ${file} cannot be decrypted (${msg.split("\n")[0]}).`);
  }
  return wallet.connect(hre.ethers.provider);
}

/**
 * The signer a task sends from. With `keystore`, the decrypted keystore (and `from`, if given, must be its
 * address); otherwise the account `from` names among the network's configured accounts.
 * Every failure is one sentence (TaskError), raised before anything is sent.
 */
export async function signerFor(hre: HardhatRuntimeEnvironment, choice: SignerChoice = {}): Promise<Signer> {
  const { from, keystore } = choice;
  if (keystore !== undefined && keystore !== "") {
    const wallet = await keystoreSigner(hre, keystore, choice.password);
    if (from !== undefined && from !== "" && !(isAddress(from) && getAddress(from) === wallet.address))
      throw new TaskError(`--from ${from} is not the address of keystore ${keystore} (${wallet.address}).`);
    return wallet;
  }
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0)
    throw new TaskError(
      `Network "${hre.network.name}" has no account configured to send from: set ${DEPLOYER_KEY_VAR} ` +
        `(\`npx hardhat vars set ${DEPLOYER_KEY_VAR}\`) or pass --keystore <file>.`,
    );
  if (from === undefined || from === "") return signers[0];
  if (/^\d+$/.test(from)) {
    const i = Number(from);
    if (i >= signers.length)
      throw new TaskError(
        `--from ${from}: there are only ${signers.length} accounts (0..${signers.length - 1}).`,
      );
    return signers[i];
  }
  if (!isAddress(from)) throw new TaskError(`--from "${from}" is neither an account index nor an address.`);
  const found = signers.find((s) => s.address.toLowerCase() === from.toLowerCase());
  if (!found)
    throw new TaskError(`--from ${from} is not one of the accounts configured for "${hre.network.name}".`);
  return found;
}

/** Help text of the --keystore option, the same in every task. */
/** Help text of every task's --from: the one parser above takes an index or an address everywhere. */
export const FROM_HELP =
  "an index among the network's accounts (0, 1, ...) or an address (default: the first, or the --keystore account)";

export const KEYSTORE_HELP =
  "Encrypted JSON keystore file to send from instead of a configured account; passphrase prompted, or from KEYSTORE_PASSWORD";
