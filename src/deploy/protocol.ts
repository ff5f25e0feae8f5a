// Deploys the whole protocol as an ordered list of steps, each producing named contracts, and records
// them in deployments/<network>.json after every step, so an interrupted deploy resumes where it stopped
// and a complete one deploys nothing new. Adding a contract = one file in ./steps + one line in STEPS.
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { DEPLOYMENTS_DIR, deploymentPath, readDeployment, writeDeployment } from "../deployments";
import type { DeploymentFile } from "../deployments";
import { isLocalNetwork } from "./network";
import { staleReason } from "./stale";
export { staleReason } from "./stale";
import { tokenStep } from "./steps/token";
import { keyRegistryStep } from "./steps/key-registry";
import { stakingStep } from "./steps/staking";
import { TIMELOCK, timelockStep } from "./steps/timelock";
import { slashingStep } from "./steps/slashing";
import { verifierStep } from "./steps/verifier";
import { pushProofsStep } from "./steps/push-proofs";
import { grantGatewayRole, pushProfileGatewayStep } from "./steps/push-profile-gateway";
import { loadParams, PRODUCTION_CHAIN_IDS } from "./params";
import type { DeployParams } from "./params";
import { applySlashingParams, grantSlasherRoles, handOver, linkFaultWindow } from "./wiring";
import { DeployError } from "./types";
import type {
  DeployParameters,
  DeployContext,
  DeployStep,
  ProtocolOptions,
  ProtocolDeployResult,
} from "./types";

export * from "./types";

/** In deployment order: a step may use the contracts of the steps before it. */
export const STEPS: readonly DeployStep[] = [
  tokenStep,
  timelockStep,
  stakingStep,
  verifierStep,
  keyRegistryStep,
  slashingStep,
  pushProofsStep,
  pushProfileGatewayStep,
];

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function resolveRole(
  hre: HardhatRuntimeEnvironment,
  name: "proposer" | "guardian",
  given: string | undefined,
  recorded: string | number | boolean | undefined,
  fromFile: string,
  deployer: string,
): string {
  let addr: string | undefined = given;
  if (addr !== undefined && !hre.ethers.isAddress(addr))
    throw new DeployError(`--${name} "${addr}" is not an Ethereum address.`);
  if (addr !== undefined) addr = hre.ethers.getAddress(addr);
  if (typeof recorded === "string") {
    if (addr !== undefined && !sameAddress(addr, recorded))
      throw new DeployError(
        `The existing deployment on "${hre.network.name}" has ${name} ${recorded}, not ${addr}: pass --fresh to deploy anew.`,
      );
    return recorded;
  }
  if (addr !== undefined) return addr;
  return fromFile === "deployer" ? deployer : fromFile;
}

/** Deploys (or resumes deploying) every contract of STEPS and writes deployments/<network>.json. */
export async function deployProtocol(
  hre: HardhatRuntimeEnvironment,
  options: ProtocolOptions = {},
): Promise<ProtocolDeployResult> {
  const log = options.log ?? console.log;
  const dir = options.dir ?? DEPLOYMENTS_DIR;
  const network = hre.network.name;
  const local = isLocalNetwork(hre);
  if (options.rehearsal && network !== "hardhat")
    throw new DeployError(
      `--rehearsal deploys onto the embedded hardhat network only, not "${network}": nothing was sent.`,
    );
  const file = deploymentPath(network, dir);
  const shown = path.relative(process.cwd(), file) || file;
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  // Parameters first: a missing or wrong file stops everything before an account is even needed.
  const fileParams = loadParams(network, chainId, {
    file: options.paramsFile,
    rehearsal: options.rehearsal,
    local,
  });
  const production = PRODUCTION_CHAIN_IDS.includes(fileParams.chainId);
  let signer = options.signer;
  if (!signer) {
    const signers = await hre.ethers.getSigners();
    if (signers.length === 0)
      throw new DeployError(
        `No account to deploy from on network "${network}": set DEPLOYER_KEY (\`npx hardhat vars set DEPLOYER_KEY\`) or pass --keystore <file>.`,
      );
    signer = signers[0];
  }
  const deployer = await signer.getAddress();

  let existing: DeploymentFile | undefined;
  try {
    existing = options.fresh ? undefined : readDeployment(network, dir);
  } catch (e) {
    throw new DeployError((e as Error).message);
  }
  if (existing && existing.chainId !== chainId) {
    if (!local)
      throw new DeployError(
        `${shown} is for chainId ${existing.chainId}, but the connected chain is ${chainId}: wrong network, or move the file away.`,
      );
    log(`${shown} is for chainId ${existing.chainId}, not ${chainId}: deploying anew.`);
    existing = undefined;
  }
  if (existing) {
    const reason = await staleReason(hre, existing);
    if (reason) {
      if (!local)
        throw new DeployError(
          `${shown} does not match the chain (${reason}): check the network, or pass --fresh to deploy anew.`,
        );
      log(`${shown} is stale (${reason}): deploying anew.`);
      existing = undefined;
    }
  }

  const params: DeployParameters = { ...(existing?.parameters ?? {}) };
  const shortRecorded = params.shortTimeBounds;
  if (
    typeof shortRecorded === "boolean" &&
    options.shortTimeBounds !== undefined &&
    options.shortTimeBounds !== shortRecorded
  )
    throw new DeployError(
      `The existing deployment on "${network}" has shortTimeBounds=${shortRecorded}: pass --fresh to deploy anew.`,
    );
  const shortTimeBounds =
    typeof shortRecorded === "boolean"
      ? shortRecorded
      : (options.shortTimeBounds ?? fileParams.shortTimeBounds);
  if (production && shortTimeBounds)
    throw new DeployError(`Short time bounds are not allowed on chainId ${fileParams.chainId}.`);
  const deployParams: DeployParams = {
    ...fileParams,
    shortTimeBounds,
    proposer: resolveRole(hre, "proposer", options.proposer, params.proposer, fileParams.proposer, deployer),
    guardian: resolveRole(hre, "guardian", options.guardian, params.guardian, fileParams.guardian, deployer),
  };
  // The deployer governs while deploying; handOver() gives everything to the timelock at the end.
  const roles = { governor: deployer, guardian: deployParams.guardian };
  Object.assign(params, {
    paramsFile: path.relative(process.cwd(), fileParams.file) || fileParams.file,
    ...(options.rehearsal ? { rehearsalOfChainId: fileParams.chainId } : {}),
    proposer: deployParams.proposer,
    guardian: roles.guardian,
    shortTimeBounds,
  });

  const startBlock = (await hre.ethers.provider.getBlockNumber()) + 1;
  const deployment: DeploymentFile = existing ?? {
    network,
    chainId,
    deployBlock: startBlock,
    deployedAt: new Date().toISOString(),
    deployer,
    contracts: {},
    parameters: params,
  };
  deployment.parameters = params;
  const ctx: DeployContext = {
    hre,
    deployer,
    signer,
    params: deployParams,
    local,
    shortTimeBounds,
    roles,
    options,
    contracts: deployment.contracts,
    parameters: params,
    log,
  };

  if (existing) log(`Resuming from ${shown} (deploy block ${existing.deployBlock}).`);
  const deployedSteps: string[] = [];
  for (const step of STEPS) {
    if (!(await step.applies(ctx))) {
      log(`- ${step.name}: not in this checkout, skipped.`);
      continue;
    }
    if (step.produces.every((n) => deployment.contracts[n] !== undefined)) {
      if (step.checkExisting) await step.checkExisting(ctx);
      log(`- ${step.name}: already deployed, kept.`);
      continue;
    }
    log(`- ${step.name}: deploying...`);
    const result = await step.deploy(ctx);
    Object.assign(deployment.contracts, result.contracts);
    Object.assign(params, result.parameters ?? {});
    for (const [name, c] of Object.entries(result.contracts))
      log(`    ${name} at ${c.address}${c.implementation ? ` (implementation ${c.implementation})` : ""}`);
    if (!deployment.deployBlockHash) {
      const block = await hre.ethers.provider.getBlock(deployment.deployBlock);
      if (block?.hash) deployment.deployBlockHash = block.hash;
    }
    writeDeployment(deployment, dir);
    deployedSteps.push(step.name);
  }
  // Wiring and hand-over: idempotent, each sends only what is missing.
  const wired =
    (await applySlashingParams(ctx)) +
    (await grantSlasherRoles(ctx)) +
    (await linkFaultWindow(ctx)) +
    (await grantGatewayRole(ctx)) +
    (await handOver(ctx));
  params.governor = deployment.contracts[TIMELOCK].address;
  if (wired > 0 || deployedSteps.length > 0) {
    writeDeployment(deployment, dir);
    log(
      `Governance: the timelock ${params.governor} (min delay ${params.timelockMinDelaySeconds} s, proposer ${params.proposer}) holds every governor and admin role; guardian ${roles.guardian}.`,
    );
  }
  if (deployedSteps.length === 0 && wired === 0) {
    log(`Nothing new to deploy: every contract in ${shown} is on chain ${chainId}.`);
  } else {
    log(`Wrote ${shown}.`);
  }
  return { deployment, file, deployedSteps };
}
