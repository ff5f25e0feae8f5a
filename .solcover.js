// solidity-coverage settings for `npm run coverage` (docs/coverage.md). hardhat.config.ts compiles the instrumented
// build of the files that include OpenPgpSignature through the IR pipeline (the legacy pipeline runs out of stack
// slots once the probes are in); configureYulOptimizer turns on the stack-to-memory mover there.
module.exports = {
  // Test helpers (harnesses, mock tokens, upgrade targets) are not measured.
  skipFiles: ["test/"],
  configureYulOptimizer: true,
};
