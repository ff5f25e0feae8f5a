/**
 * Fault injection for tests and demos (`node:serve --accept <class>[,<class>...]`): the node accepts one
 * or more classes of invalid message, so that watchers can catch them and get it slashed.
 *
 * - MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION, BAD_SIGNATURE: the node accepts (attests, stores,
 *   serves) a message when the first fault `checkMessage` reports (its documented precedence) has that
 *   code; a message whose first fault is of another class is refused as usual. Schema errors (a body that
 *   is not an envelope at all) are always refused: they cannot be attested. The same classes apply to Push
 *   Chat SDK messages posted to the Push Chat API (`validatePushMessage`'s first fault): the message is
 *   stored, attested and served (src/pushchat/fault-meta.ts says which keys its header names); a body that
 *   does not decode, or whose sender has no key at all, is refused.
 * - EQUIVOCATION: messages are validated normally, but every accepted message at an even feed position
 *   (2, 4, 6, ...) is attested with the sequence of the message just before it instead of a new one. Feed
 *   positions 1, 2, 3, 4, ... then carry sequences 1, 1, 2, 2, ...: each pair is two different
 *   attestations (different messages) signed by the node with the same sequence, a provable EQUIVOCATION.
 *   Push feed items take part in the same sequence.
 *
 * It is refused on Ethereum mainnet and Polygon PoS (chain ids 1 and 137).
 */
export const FAULT_CLASSES = [
  "MALFORMED",
  "UNAUTHORIZED_SENDER",
  "WRONG_ENCRYPTION",
  "BAD_SIGNATURE",
  "EQUIVOCATION",
] as const;

export type FaultClass = (typeof FAULT_CLASSES)[number];

/** Chains where fault injection is refused. */
export const FAULT_INJECTION_FORBIDDEN: ReadonlyMap<bigint, string> = new Map([
  [1n, "Ethereum mainnet"],
  [137n, "Polygon PoS"],
]);

export class FaultInjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultInjectionError";
  }
}

/** Parses a fault class name (case-insensitive, "-" or "_"); throws one sentence otherwise. */
export function parseFaultClass(value: string): FaultClass {
  const v = value.trim().toUpperCase().replace(/-/g, "_");
  const found = FAULT_CLASSES.find((c) => c === v);
  if (!found)
    throw new FaultInjectionError(
      `--accept "${value}" is not a fault class; use one of ${FAULT_CLASSES.join(", ")}.`,
    );
  return found;
}

/** Parses a comma-separated list of fault classes (at least one, duplicates dropped). */
export function parseFaultClasses(value: string): FaultClass[] {
  const parts = value
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0)
    throw new FaultInjectionError(
      `--accept "${value}" names no fault class; use ${FAULT_CLASSES.join(", ")}.`,
    );
  return [...new Set(parts.map(parseFaultClass))];
}

/** The classes a node option names (one class, a list, or none), as a list. */
export function faultClassList(accept: FaultClass | readonly FaultClass[] | undefined): FaultClass[] {
  if (accept === undefined) return [];
  return typeof accept === "string" ? [accept] : [...accept];
}

/** Throws when fault injection is asked for on a chain where it is forbidden. */
export function assertFaultInjectionAllowed(
  chainId: bigint,
  accept: FaultClass | readonly FaultClass[] | undefined,
): void {
  const classes = faultClassList(accept);
  if (classes.length === 0) return;
  const name = FAULT_INJECTION_FORBIDDEN.get(chainId);
  if (name !== undefined)
    throw new FaultInjectionError(
      `Refusing --accept ${classes.join(",")} on ${name} (chainId ${chainId}): fault injection makes the node ` +
        `attest invalid messages and get its stake slashed; it is for local networks and testnets only.`,
    );
}
