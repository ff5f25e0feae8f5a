import type { ContractTransactionResponse, Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { HardhatPluginError } from "hardhat/plugins";
import { explainError } from "./errors";
import { readDeployment, requireDeployment } from "./deployments";
import { isLocalNetwork } from "./deploy/network";
import { staleReason } from "./deploy/stale";
import type { DeploymentFile } from "./deployments";

/** Outcome of a sent transaction, as tasks print it. */
export interface SentTx {
  hash: string;
  gasUsed: bigint;
  blockNumber: number;
}

/**
 * An error whose message is already one sentence for the user. It is a HardhatPluginError so that the
 * Hardhat command line prints the sentence alone, without a stack trace.
 */
export class TaskError extends HardhatPluginError {
  constructor(message: string) {
    super("push-nodes", message);
    Object.setPrototypeOf(this, TaskError.prototype);
    this.name = "TaskError";
  }
}

/**
 * Sends a transaction and waits for its receipt, turning a revert (at estimation or on chain) into a
 * TaskError with the decoded custom error. `what` names the action for the printed line.
 */
export async function sendTx(
  what: string,
  send: () => Promise<ContractTransactionResponse>,
  interfaces: Interface[],
  contractNames: string[] = [],
  log: (line: string) => void = console.log,
): Promise<SentTx> {
  let tx: ContractTransactionResponse;
  try {
    tx = await send();
  } catch (e) {
    throw new TaskError(`${what} failed: ${explainError(e, interfaces, contractNames)}`);
  }
  let receipt;
  try {
    receipt = await tx.wait();
  } catch (e) {
    throw new TaskError(`${what} failed in tx ${tx.hash}: ${explainError(e, interfaces, contractNames)}`);
  }
  if (!receipt || receipt.status !== 1) throw new TaskError(`${what} failed: tx ${tx.hash} reverted.`);
  log(`${what}: tx ${receipt.hash} (block ${receipt.blockNumber}, gas used ${receipt.gasUsed})`);
  return { hash: receipt.hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber };
}

/**
 * What to say on the embedded `hardhat` network, which starts empty in every command and forgets everything
 * when the command exits: a deployment made there is gone by the next command.
 */
export const EMBEDDED_NETWORK_ADVICE =
  'the embedded "hardhat" network (used when --network is not given) starts empty in every command and forgets everything when it exits: start `npx hardhat node` in another terminal and pass --network localhost to every command (or try `npm run demo`)';

/**
 * The deployment file at `file` (a path given with --deployment), checked against the connected chain; without
 * a path, the network's own deployments/<network>.json ({@link loadDeployment}).
 */
export async function deploymentFromFile(
  hre: HardhatRuntimeEnvironment,
  file: string | undefined,
): Promise<DeploymentFile> {
  if (file === undefined) return loadDeployment(hre);
  const { readDeploymentFile, ConfigError } = await import("./node/config");
  let d: DeploymentFile;
  try {
    d = readDeploymentFile(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new TaskError(e.message);
    throw e;
  }
  const { chainId } = await hre.ethers.provider.getNetwork();
  if (BigInt(d.chainId) !== chainId)
    throw new TaskError(`${file} is for chainId ${d.chainId}, but the connected chain is ${chainId}.`);
  return d;
}

/**
 * The deployment of the network hre is connected to, checked against the chain's real chainId and, on local
 * chains (which restart empty), against the chain itself: a stale file is one sentence, not a call that
 * fails to decode.
 */
export async function loadDeployment(hre: HardhatRuntimeEnvironment): Promise<DeploymentFile> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  const network = hre.network.name;
  let d: DeploymentFile;
  try {
    d = requireDeployment(network, Number(chainId));
  } catch (e) {
    if (network === "hardhat" && readDeployment(network) === undefined)
      throw new TaskError(`No deployment: ${EMBEDDED_NETWORK_ADVICE}.`);
    throw new TaskError((e as Error).message);
  }
  if (isLocalNetwork(hre)) {
    const reason = await staleReason(hre, d);
    if (reason !== undefined) {
      const advice =
        network === "hardhat"
          ? ` (${EMBEDDED_NETWORK_ADVICE})`
          : ` (\`npx hardhat deploy:protocol --network ${network}\`)`;
      throw new TaskError(
        `deployments/${network}.json does not match the chain (${reason}): the chain was reset; run deploy:protocol again${advice}.`,
      );
    }
  }
  return d;
}

/** Parses an address parameter or throws one sentence naming the parameter. */
export function requireAddress(hre: HardhatRuntimeEnvironment, name: string, value: string): string {
  if (!hre.ethers.isAddress(value)) throw new TaskError(`--${name} "${value}" is not an Ethereum address.`);
  return hre.ethers.getAddress(value);
}
