import fs from "node:fs";
import path from "node:path";

/** One deployed contract: the proxy users talk to and the implementation behind it (same for non-proxies). */
export interface DeployedContract {
  address: string;
  implementation?: string;
  /** Constructor arguments of the implementation (or of the contract itself), for deploy:verify. */
  constructorArgs?: unknown[];
}

/** The shape of `deployments/<network>.json`, written by `deploy:protocol` and read by every other task. */
export interface DeploymentFile {
  network: string;
  chainId: number;
  deployBlock: number;
  /** Hash of block `deployBlock`: tells a restarted local chain (same chainId, same addresses) apart. */
  deployBlockHash?: string;
  deployedAt: string;
  deployer: string;
  contracts: Record<string, DeployedContract>;
  parameters: Record<string, string | number | boolean>;
}

export const DEPLOYMENTS_DIR = path.join(__dirname, "..", "deployments");

export function deploymentPath(network: string, dir = DEPLOYMENTS_DIR): string {
  if (!/^[a-z0-9_-]+$/i.test(network)) throw new Error(`"${network}" is not a valid network name.`);
  return path.join(dir, `${network}.json`);
}

/** Reads the deployment of `network`; `undefined` when there is none yet. */
export function readDeployment(network: string, dir = DEPLOYMENTS_DIR): DeploymentFile | undefined {
  const file = deploymentPath(network, dir);
  if (!fs.existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}).`);
  }
  const d = parsed as DeploymentFile;
  if (
    typeof d !== "object" ||
    d === null ||
    typeof d.chainId !== "number" ||
    typeof d.contracts !== "object"
  ) {
    throw new Error(`${file} is not a deployment file (needs chainId and contracts).`);
  }
  return d;
}

/**
 * Reads the deployment of `network` and checks it belongs to the chain the provider is on.
 * Throws one clear sentence when there is no deployment, or when it is for another chain.
 */
export function requireDeployment(network: string, chainId: number, dir = DEPLOYMENTS_DIR): DeploymentFile {
  const d = readDeployment(network, dir);
  if (!d) {
    throw new Error(
      `No deployment for network "${network}": run \`npx hardhat deploy:protocol --network ${network}\` first.`,
    );
  }
  if (d.chainId !== chainId) {
    throw new Error(
      `deployments/${network}.json is for chainId ${d.chainId}, but the connected chain is ${chainId}: wrong network or stale file.`,
    );
  }
  return d;
}

/** Address of a contract in a deployment, or one clear sentence when it is not deployed there. */
export function contractAddress(d: DeploymentFile, name: string): string {
  const c = d.contracts[name];
  if (!c)
    throw new Error(`${name} is not deployed on network "${d.network}" (deployments/${d.network}.json).`);
  return c.address;
}

/** Writes atomically (temp file + rename) so a crash never leaves a half-written deployment file. */
export function writeDeployment(d: DeploymentFile, dir = DEPLOYMENTS_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = deploymentPath(d.network, dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(d, null, 2) + "\n");
  fs.renameSync(tmp, file);
  return file;
}
