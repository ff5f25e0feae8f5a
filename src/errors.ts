import { Interface, isError } from "ethers";
import type { ErrorDescription } from "ethers";

/** Finds revert data (0x...) anywhere in an ethers / Hardhat error object. */
export function revertData(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (e === null || typeof e !== "object" || seen.has(e)) return undefined;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(o.data)) return o.data;
    for (const k of ["error", "info", "cause", "data", "revert"]) {
      const found = visit(o[k]);
      if (found) return found;
    }
    return undefined;
  };
  return visit(err);
}

/** Splits a custom error name into words: `NodeRegistryStakeBelowMinimum` -> `stake below minimum`. */
function words(name: string, prefixes: string[]): string {
  let n = name;
  for (const p of prefixes) if (n.startsWith(p) && n.length > p.length) n = n.slice(p.length);
  return n
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .toLowerCase();
}

function formatArg(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map(formatArg).join(", ")}]`;
  return String(v);
}

/** Describes a decoded custom error as a sentence: `NodeRegistry: unknown node (node=0xabc...).` */
export function describeCustomError(desc: ErrorDescription, contractNames: string[] = []): string {
  const owner = contractNames.find((c) => desc.name.startsWith(c));
  const args = desc.fragment.inputs.map(
    (input, i) => `${input.name || `arg${i}`}=${formatArg(desc.args[i])}`,
  );
  const text = words(desc.name, contractNames);
  return `${owner ? owner + ": " : ""}${text}${args.length ? ` (${args.join(", ")})` : ""}.`;
}

/**
 * Turns anything a transaction or call threw into one readable sentence. Custom errors are decoded
 * with the given interfaces (pass every contract the call may reach); well-known OpenZeppelin errors
 * and plain reverts are described too.
 */
export function explainError(err: unknown, interfaces: Interface[], contractNames: string[] = []): string {
  const data = revertData(err);
  if (data) {
    const std = new Interface(["error Error(string)", "error Panic(uint256)"]);
    try {
      const desc = std.parseError(data);
      if (desc?.name === "Error") {
        const reason = String(desc.args[0]);
        const refusal = tokenRefusalOfReason(reason);
        if (refusal === "balance")
          return `The token refused the transfer: the sender's balance is too low ("${reason}").`;
        if (refusal === "allowance")
          return `The token refused the transfer: the allowance is too low, approval or permit missing ("${reason}").`;
        return `Reverted: ${reason}.`;
      }
      if (desc?.name === "Panic") return `Reverted with panic code ${formatArg(desc.args[0])}.`;
    } catch {
      /* not a standard error */
    }
    for (const iface of interfaces) {
      let desc: ErrorDescription | null = null;
      try {
        desc = iface.parseError(data);
      } catch {
        desc = null;
      }
      if (desc && desc.name !== "Error" && desc.name !== "Panic")
        return describeCustomError(desc, contractNames);
    }
    return `Reverted with unknown error data ${data.slice(0, 10)}.`;
  }
  if (isError(err, "INSUFFICIENT_FUNDS"))
    return "The sending account cannot pay for gas (insufficient funds).";
  if (isError(err, "NETWORK_ERROR")) return "Cannot reach the network's JSON-RPC endpoint.";
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0];
}

/** What a token's string revert (OpenZeppelin 3/4, Compound-style PUSH, Polygon's child ERC-20) means. */
export type TokenRefusal = "allowance" | "balance";

/** Classifies a token's revert string; undefined when it is neither a balance nor an allowance refusal. */
export function tokenRefusalOfReason(reason: string): TokenRefusal | undefined {
  if (/allowance/i.test(reason)) return "allowance";
  if (/exceeds balance|insufficient balance/i.test(reason)) return "balance";
  return undefined;
}

/** The token refusal inside an error (a revert with a reason string), if any. */
export function tokenRefusal(err: unknown): TokenRefusal | undefined {
  const data = revertData(err);
  if (!data) return undefined;
  try {
    const desc = new Interface(["error Error(string)"]).parseError(data);
    return desc?.name === "Error" ? tokenRefusalOfReason(String(desc.args[0])) : undefined;
  } catch {
    return undefined;
  }
}
