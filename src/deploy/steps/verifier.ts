// The OpenPGP key and signature profile (docs/client-profile.md): the stateless Ed25519Verifier and the
// OpenPgpVerifier that calls it, both plain contracts. Deployed before the KeyRegistry, whose implementation
// takes the verifier as constructor argument (the Slashing implementation takes the same one).
import type { DeployStep } from "../types";

export const VERIFIER_CONTRACTS = ["Ed25519Verifier", "OpenPgpVerifier"] as const;

export const verifierStep: DeployStep = {
  name: "OpenPgpVerifier (+ Ed25519Verifier)",
  produces: [...VERIFIER_CONTRACTS],
  async applies(ctx) {
    for (const name of VERIFIER_CONTRACTS) if (!(await ctx.hre.artifacts.artifactExists(name))) return false;
    return true;
  },
  async deploy(ctx) {
    let ed25519 = ctx.contracts.Ed25519Verifier?.address;
    const contracts: Record<string, { address: string; constructorArgs: unknown[] }> = {};
    if (!ed25519) {
      const ed = await ctx.hre.ethers.deployContract("Ed25519Verifier", ctx.signer);
      await ed.waitForDeployment();
      ed25519 = await ed.getAddress();
      contracts.Ed25519Verifier = { address: ed25519, constructorArgs: [] };
    }
    const v = await ctx.hre.ethers.deployContract("OpenPgpVerifier", [ed25519], ctx.signer);
    await v.waitForDeployment();
    contracts.OpenPgpVerifier = { address: await v.getAddress(), constructorArgs: [ed25519] };
    return { contracts };
  },
};
