// The remote networks and where their RPC URLs and keys come from: Hardhat configuration variables
// (`npx hardhat vars set SEPOLIA_RPC_URL`) or the environment, never the repository. hardhat.config.ts builds
// its `networks` from here; a network whose URL is missing gets a placeholder URL (so the config loads) and
// a provider that refuses every request with one sentence, before anything is sent.
import { vars } from "hardhat/config";

export interface RemoteNetwork {
  name: string;
  chainId: number;
  /** Configuration variable holding the JSON-RPC URL. */
  urlVar: string;
  /** Block explorer (for deploy:verify); the Etherscan v2 API covers all of them with one key. */
  explorer: string;
}

export const REMOTE_NETWORKS: readonly RemoteNetwork[] = [
  { name: "sepolia", chainId: 11155111, urlVar: "SEPOLIA_RPC_URL", explorer: "https://sepolia.etherscan.io" },
  { name: "amoy", chainId: 80002, urlVar: "AMOY_RPC_URL", explorer: "https://amoy.polygonscan.com" },
  { name: "mainnet", chainId: 1, urlVar: "MAINNET_RPC_URL", explorer: "https://etherscan.io" },
  { name: "polygon", chainId: 137, urlVar: "POLYGON_RPC_URL", explorer: "https://polygonscan.com" },
];

/** Raw private key of the deploying / sending account (alternative: --keystore <file>). */
export const DEPLOYER_KEY_VAR = "DEPLOYER_KEY";
/** Etherscan API key (v2: one key for Ethereum and Polygon and their testnets). */
export const ETHERSCAN_KEY_VAR = "ETHERSCAN_API_KEY";
/** Passphrase of the --keystore file when no TTY can prompt for it. */
export const KEYSTORE_PASSWORD_VAR = "KEYSTORE_PASSWORD";

/** The environment variable, else the Hardhat configuration variable, else undefined. Never throws. */
export function configValue(name: string): string | undefined {
  const env = process.env[name];
  if (env !== undefined && env !== "") return env;
  try {
    if (vars.has(name)) {
      const v = vars.get(name);
      return v === "" ? undefined : v;
    }
  } catch {
    /* no vars store readable: treat as unset */
  }
  return undefined;
}

/** Placeholder URL of a network whose RPC URL is not configured (never contacted: see missingRpcSentence). */
export function placeholderUrl(network: string): string {
  return `http://rpc-url-not-configured.invalid/${network}`;
}

/** The sentence a task gets when it uses a network whose RPC URL is not configured. */
export function missingRpcSentence(n: RemoteNetwork): string {
  return (
    `Network "${n.name}" has no RPC URL: set it with \`npx hardhat vars set ${n.urlVar}\` ` +
    `or the ${n.urlVar} environment variable.`
  );
}

export function remoteNetwork(name: string): RemoteNetwork | undefined {
  return REMOTE_NETWORKS.find((n) => n.name === name);
}
