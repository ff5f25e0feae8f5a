/**
 * Validator settings that depend on the network, and parsing of the task's flags.
 */
import { HDNodeWallet, Mnemonic, getAddress } from "ethers";

/**
 * Confirmation depth per chain: well inside the 10-minute default state lag (DESIGN section 5), so a key
 * change is in the index long before the lag runs out, yet deep enough that ordinary reorgs never reach it.
 */
export const DEFAULT_CONFIRMATIONS: ReadonlyMap<bigint, { blocks: number; why: string }> = new Map([
  [1n, { blocks: 12, why: "Ethereum: 12 blocks, about 2.4 minutes" }],
  [11155111n, { blocks: 6, why: "Sepolia: 6 blocks, about 72 seconds" }],
  [137n, { blocks: 32, why: "Polygon PoS: 32 blocks, about 64 seconds" }],
  [80002n, { blocks: 16, why: "Amoy: 16 blocks, about 32 seconds" }],
  [31337n, { blocks: 0, why: "local Hardhat chain (automine, no reorgs): 0 blocks" }],
]);

/** The default for an unknown chain. */
export const FALLBACK_CONFIRMATIONS = 12;

export function defaultConfirmations(chainId: bigint): number {
  return DEFAULT_CONFIRMATIONS.get(chainId)?.blocks ?? FALLBACK_CONFIRMATIONS;
}

/** Chains where `--account` (well-known development keys) is allowed. */
export const DEV_CHAINS: ReadonlySet<bigint> = new Set([31337n, 1337n]);

/** Hardhat's default development mnemonic (its accounts are public knowledge). */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The private key of development account `index` of Hardhat's default mnemonic. */
export function devAccountKey(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 1000)
    throw new Error(`--account ${index} is not an account index (0..1000).`);
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), `m/44'/60'/0'/0/${index}`)
    .privateKey;
}

/** Splits a comma (or whitespace) separated list, dropping empty entries. */
export function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** A non-negative integer flag, or one sentence naming the flag. */
export function parseIntFlag(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined || value === "") return fallback;
  if (!/^[0-9]+$/.test(value.trim()) || Number(value) < min)
    throw new Error(`--${name} "${value}" is not an integer >= ${min}.`);
  return Number(value);
}

export function parseAddresses(name: string, value: string | undefined): string[] | undefined {
  const list = splitList(value);
  if (list.length === 0) return undefined;
  return list.map((a) => {
    try {
      return getAddress(a);
    } catch {
      throw new Error(`--${name}: "${a}" is not an address.`);
    }
  });
}
