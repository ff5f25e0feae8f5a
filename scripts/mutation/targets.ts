/** The files mutation testing mutates, and the tests that cover each (run with `--bail`). */
export interface Target {
  file: string;
  tests: string[];
}

const VERIFIER_TESTS = [
  "test/slashing/verifier-vectors.test.ts",
  "test/keys/OpenPgpKey.test.ts",
  "test/keys/KeyProfile.regressions.test.ts",
  "test/keys/KeyProfile.differential.test.ts",
  "test/slashing/differential.test.ts",
  "test/keys/VerifierGas.test.ts",
  "test/verifier/ClientProfile.test.ts",
  "test/clients/verdicts.test.ts",
  "test/verifier/OpenPgpSignature.branches.test.ts",
  "test/verifier/OpenPgpVerifier.branches.test.ts",
  "test/keys/OpenPgpKey.branches.test.ts",
];

export const TARGETS: Target[] = [
  { file: "contracts/libraries/OpenPgpSignature.sol", tests: VERIFIER_TESTS },
  { file: "contracts/libraries/OpenPgpKey.sol", tests: [...VERIFIER_TESTS, "test/keys/KeyRegistry.test.ts"] },
  {
    file: "contracts/Slashing.sol",
    tests: [
      "test/slashing/proofs.test.ts",
      "test/slashing/security.test.ts",
      "test/slashing/shared-ledger.test.ts",
      "test/slashing/state-lag.differential.test.ts",
      "test/slashing/governance.test.ts",
      "test/slashing/Slashing.mutants.test.ts",
      "test/slashing/Slashing.branches.test.ts",
    ],
  },
  {
    file: "contracts/SlashingCourt.sol",
    tests: [
      "test/slashing/court.test.ts",
      "test/slashing/court-findings.test.ts",
      "test/slashing/shared-ledger.test.ts",
      "test/slashing/court-scale.test.ts",
      "test/slashing/SlashingCourt.mutants.test.ts",
      "test/slashing/SlashingCourt.branches.test.ts",
      "test/slashing/SlashingCourt.reentrancy.test.ts",
    ],
  },
];
