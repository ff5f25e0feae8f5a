// Push Chat message fault proofs (issue 13, docs/push-format.md): PushProofs, a plain stateless contract bound to
// the Slashing proxy (constructor argument), which gets Slashing's PUSH_PROVER_ROLE in the wiring
// (grantSlasherRoles). Deployed only when its artifact is in this checkout and Slashing exists.
import type { DeployStep } from "../types";

export const pushProofsStep: DeployStep = {
  name: "PushProofs",
  produces: ["PushProofs"],
  async applies(ctx) {
    if (!(await ctx.hre.artifacts.artifactExists("PushProofs"))) return false;
    return ctx.contracts.Slashing !== undefined;
  },
  async deploy(ctx) {
    const slashing = ctx.contracts.Slashing.address;
    const p = await ctx.hre.ethers.deployContract("PushProofs", [slashing], ctx.signer);
    await p.waitForDeployment();
    return { contracts: { PushProofs: { address: await p.getAddress(), constructorArgs: [slashing] } } };
  },
};
