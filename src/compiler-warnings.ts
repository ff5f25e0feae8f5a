// Compiler warnings that are known and reviewed, in code we do not own: not printed, so that a person sees
// the warnings that matter (our own contracts' warnings and every error are always printed).

/** One entry of solc's standard JSON output `errors` (warnings included). */
export interface SolcDiagnostic {
  severity: string;
  errorCode?: string;
  message: string;
  formattedMessage?: string;
  sourceLocation?: { file: string; start?: number; end?: number };
}

/** A known warning: where it comes from (a path prefix) and how its message starts. */
interface KnownWarning {
  filePrefix: string;
  errorCode: string;
  messageStart: string;
  why: string;
}

export const KNOWN_DEPENDENCY_WARNINGS: readonly KnownWarning[] = [
  {
    filePrefix: "@openzeppelin/contracts/utils/TransientSlot.sol",
    errorCode: "2394",
    messageStart: "Transient storage as defined by EIP-1153",
    why: "ReentrancyGuardTransient clears its slot at the end of every call, which solc itself says is safe",
  },
];

/** True for a warning listed in KNOWN_DEPENDENCY_WARNINGS (never for an error, never for our own files). */
export function isKnownDependencyWarning(d: SolcDiagnostic): boolean {
  if (d.severity !== "warning") return false;
  const file = d.sourceLocation?.file ?? "";
  return KNOWN_DEPENDENCY_WARNINGS.some(
    (k) =>
      file.startsWith(k.filePrefix) && d.errorCode === k.errorCode && d.message.startsWith(k.messageStart),
  );
}

export function withoutKnownDependencyWarnings(errors: SolcDiagnostic[]): SolcDiagnostic[] {
  return errors.filter((d) => !isKnownDependencyWarning(d));
}
