import type { ContractTransactionResponse, Interface } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { HardhatPluginError } from "hardhat/plugins";
import { explainError } from "./errors";
import { requireDeployment } from "./deployments";
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

/** The deployment of the network hre is connected to, checked against the chain's real chainId. */
export async function loadDeployment(hre: HardhatRuntimeEnvironment): Promise<DeploymentFile> {
  const { chainId } = await hre.ethers.provider.getNetwork();
  try {
    return requireDeployment(hre.network.name, Number(chainId));
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
}

/** Parses an address parameter or throws one sentence naming the parameter. */
export function requireAddress(hre: HardhatRuntimeEnvironment, name: string, value: string): string {
  if (!hre.ethers.isAddress(value)) throw new TaskError(`--${name} "${value}" is not an Ethereum address.`);
  return hre.ethers.getAddress(value);
}
