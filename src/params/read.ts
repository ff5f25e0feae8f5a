import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ParamSpec } from "./spec";

/** Reads a parameter's current value from its contract at `address` (contract units, like parseParamValue). */
export async function readParam(
  hre: HardhatRuntimeEnvironment,
  spec: ParamSpec,
  address: string,
): Promise<bigint[]> {
  const c = await hre.ethers.getContractAt(spec.contract, address);
  const result: unknown = await c.getFunction(spec.read.signature)(...spec.read.args);
  const r = result as Record<string, unknown>;
  if (spec.unit === "ratio")
    return [BigInt(r.quorumNumerator as bigint), BigInt(r.quorumDenominator as bigint)];
  if (spec.read.field) return [BigInt(r[spec.read.field] as bigint)];
  return [BigInt(result as bigint)];
}

export function sameValue(a: bigint[], b: bigint[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
