import { formatUnits, parseUnits } from "ethers";

/** PUSH (and the test token) has 18 decimals. */
export const PUSH_DECIMALS = 18;

/** Largest amount the contracts accept: stakes are stored as uint96. */
export const MAX_PUSH_WEI = (1n << 96n) - 1n;

/**
 * Parses an amount given in PUSH ("1500", "0.25", "100,000") into wei.
 * Throws one clear sentence on anything else (negative, empty, too many decimals, over uint96).
 */
export function parsePush(input: string): bigint {
  const text = input.trim().replace(/[,_]/g, "");
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new Error(`"${input}" is not an amount of PUSH (expected a number such as 1500 or 0.25).`);
  }
  const [, decimals = ""] = text.split(".");
  if (decimals.length > PUSH_DECIMALS) {
    throw new Error(`"${input}" has more than ${PUSH_DECIMALS} decimals.`);
  }
  const wei = parseUnits(text, PUSH_DECIMALS);
  if (wei > MAX_PUSH_WEI) throw new Error(`"${input}" PUSH is more than the contracts can hold (uint96).`);
  return wei;
}

/** Formats wei as PUSH with thousands separators, trimming trailing zeros: 1500000000000000000000n -> "1,500". */
export function formatPush(wei: bigint): string {
  const negative = wei < 0n;
  const [whole, frac = ""] = formatUnits(negative ? -wei : wei, PUSH_DECIMALS).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const trimmed = frac.replace(/0+$/, "");
  return `${negative ? "-" : ""}${grouped}${trimmed ? "." + trimmed : ""}`;
}
