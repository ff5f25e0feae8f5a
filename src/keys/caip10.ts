import { getAddress } from "ethers";

/** A wallet named in a key's user ID by its CAIP-10 account id `eip155:<chainId>:<address>`. */
export interface WalletBinding {
  chainId: number;
  /** EIP-55 checksummed. */
  address: string;
}

/** CAIP-10 account id of an EVM address: `eip155:<chainId>:<checksummed address>`. */
export function caip10(chainId: number | bigint, address: string): string {
  const id = BigInt(chainId);
  if (id <= 0n) throw new Error(`chain id must be positive, got ${id}`);
  return `eip155:${id}:${getAddress(address)}`;
}

/** Parses a user ID that holds (or is) a CAIP-10 EVM account id; null if it holds none or it is invalid. */
export function parseCaip10(userID: string): WalletBinding | null {
  const m = /(?:^|[\s<(])eip155:([1-9][0-9]{0,19}):(0x[0-9a-fA-F]{40})(?=$|[\s>)])/.exec(userID);
  if (m === null) return null;
  try {
    return { chainId: Number(m[1]), address: getAddress(m[2]) };
  } catch {
    return null; // a mixed-case address with a wrong checksum
  }
}
