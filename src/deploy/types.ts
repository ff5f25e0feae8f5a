import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeployedContract, DeploymentFile } from "../deployments";

export type DeployParameters = DeploymentFile["parameters"];

/** What a step sees: the chain, the roles, and every contract deployed before it (this run or earlier). */
export interface DeployContext {
  readonly hre: HardhatRuntimeEnvironment;
  /** Address of the account that sends the deployment transactions. */
  readonly deployer: string;
  readonly local: boolean;
  readonly shortTimeBounds: boolean;
  /** Governance and guardian addresses given to every contract's `initialize`. A step may change them
   *  for later steps (a timelock step sets `governor` to the timelock). */
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
  /** Defaults to the deployer on local networks; required elsewhere. */
  governor?: string;
  /** Defaults to the deployer on local networks; required elsewhere. */
  guardian?: string;
  /** Defaults to true on local networks, false elsewhere. Fixed forever at initialize. */
  shortTimeBounds?: boolean;
  /** Address of an existing PUSH token; on local networks a TestPush is deployed when absent. */
  token?: string;
  /** Ignore an existing deployments file and deploy everything anew. */
  fresh?: boolean;
  /** Directory of the deployments files (tests use a temporary one). */
  dir?: string;
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
