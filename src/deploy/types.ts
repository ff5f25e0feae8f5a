import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeployParams } from "./params";
import type { DeployedContract, DeploymentFile } from "../deployments";

export type DeployParameters = DeploymentFile["parameters"];

/** What a step sees: the chain, the roles, and every contract deployed before it (this run or earlier). */
export interface DeployContext {
  readonly hre: HardhatRuntimeEnvironment;
  /** Address of the account that sends the deployment transactions. */
  readonly deployer: string;
  /** The account that sends them (a configured account or a decrypted keystore). */
  readonly signer: Signer;
  /** deployments/params/<network>.json, validated, with the command-line overrides applied. */
  readonly params: DeployParams;
  readonly local: boolean;
  readonly shortTimeBounds: boolean;
  /** Governance and guardian addresses given to every contract's `initialize`. The governor is the
   *  deployer while deploying: the hand-over at the end gives its roles to the timelock. */
  readonly roles: { governor: string; guardian: string };
  /** Options given to the deploy, for steps that need them (e.g. an existing token address). */
  readonly options: ProtocolOptions;
  readonly contracts: Readonly<Record<string, DeployedContract>>;
  readonly parameters: Readonly<DeployParameters>;
  readonly log: (line: string) => void;
}

/** Contracts (and parameters worth recording) a step deployed. */
export interface StepResult {
  contracts: Record<string, DeployedContract>;
  parameters?: DeployParameters;
}

export interface DeployStep {
  /** Printed in the log. */
  readonly name: string;
  /** Keys of `contracts` this step writes; the step is skipped when all of them are already deployed. */
  readonly produces: readonly string[];
  /** False when the step does not apply here (e.g. its contract is not in this checkout yet). */
  applies(ctx: DeployContext): Promise<boolean>;
  /** Throws one sentence when an already recorded deployment conflicts with the options. */
  checkExisting?(ctx: DeployContext): Promise<void>;
  deploy(ctx: DeployContext): Promise<StepResult>;
}

export interface ProtocolOptions {
  /** Overrides the params file's timelock proposer (the governance multisig). */
  proposer?: string;
  /** Overrides the params file's guardian. */
  guardian?: string;
  /** Overrides the params file's shortTimeBounds (never true on chainId 1 or 137). Fixed forever. */
  shortTimeBounds?: boolean;
  /** Overrides the params file's PUSH token address. */
  token?: string;
  /** Params file to use instead of deployments/params/<network>.json. */
  paramsFile?: string;
  /** Lets a params file for another chain (mainnet, Polygon) deploy onto the embedded hardhat network. */
  rehearsal?: boolean;
  /** Ignore an existing deployments file and deploy everything anew. */
  fresh?: boolean;
  /** Directory of the deployments files (tests use a temporary one); params files are read from <dir>/params. */
  dir?: string;
  /** Account that deploys (default: the network's first account). */
  signer?: Signer;
  log?: (line: string) => void;
}

export interface ProtocolDeployResult {
  deployment: DeploymentFile;
  file: string;
  /** Names of the steps that deployed something in this run (empty: nothing new). */
  deployedSteps: string[];
}

/** Thrown with a one-sentence message for the user. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}
