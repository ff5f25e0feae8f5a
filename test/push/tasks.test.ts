// deploy:protocol deploys the PushProfileGateway and gives it the KeyRegistry's GATEWAY_ROLE before the
// hand-over; key:import-push-profile submits an SDK profile file through it from any account.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import type { DeploymentFile } from "../../src/deployments";
import { expectRefused, runTask } from "../tasks/helpers";
import { sdkUser } from "./sdk";
import type { SdkUser } from "./sdk";

describe("PushProfileGateway: deployment and key:import-push-profile", () => {
  let alice: SdkUser;
  let bob: SdkUser;
  let dir: string;

  before(async () => {
    alice = await sdkUser();
    bob = await sdkUser();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "push-profile-"));
  });

  function profileFile(name: string, content: unknown): string {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  }

  it("deploys the gateway with the registry's GATEWAY_ROLE, imports a profile, refuses a forged one", async () => {
    const { result: d } = await runTask<DeploymentFile>("deploy:protocol", { fresh: true });
    const gateway = d.contracts.PushProfileGateway;
    expect(gateway.constructorArgs).to.deep.equal([d.contracts.KeyRegistry.address]);
    const registry = await hre.ethers.getContractAt("KeyRegistry", d.contracts.KeyRegistry.address);
    expect(await registry.hasRole(hre.ethers.id("GATEWAY_ROLE"), gateway.address)).to.be.true;
    // The hand-over happened after the grant: the deployer administers nothing.
    const [deployer, relayer] = await hre.ethers.getSigners();
    expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), deployer.address)).to.be.false;
    // A second run sends nothing.
    const again = await runTask<DeploymentFile>("deploy:protocol", {});
    expect(again.out).to.include("Nothing new to deploy");

    // The SDK's POST body, sent by an account that is not the wallet.
    const { result, out } = await runTask<{ wallet: string; keyHash: string }>("key:import-push-profile", {
      profile: profileFile("alice", { ...alice.profile, origin: undefined }),
      from: relayer.address,
    });
    expect(result.wallet).to.equal(alice.wallet.address);
    expect(out).to.include(`Registered key ${result.keyHash} for ${alice.wallet.address}`);
    expect(await registry.activeKeyCount(alice.wallet.address)).to.equal(1);

    // A user record (wallets instead of caip10) works too; twice is the registry's error, decoded.
    const record = { ...bob.profile, wallets: bob.profile.caip10, caip10: undefined };
    await runTask("key:import-push-profile", { profile: profileFile("bob", record) });
    const twice = await runTask("key:import-push-profile", { profile: profileFile("bob", record) }).then(
      () => "",
      (e: Error) => e.message,
    );
    expect(twice).to.match(/^registerPushProfile failed: KeyRegistry: key already active \(owner=0x/);

    // Forged, malformed and keyless profiles are refused before anything is sent.
    const forged = { ...bob.profile, verificationProof: alice.profile.verificationProof };
    await expectRefused(
      "key:import-push-profile",
      { profile: profileFile("forged", forged) },
      `not by its wallet ${bob.wallet.address}`,
      [deployer.address],
    );
    await expectRefused(
      "key:import-push-profile",
      { profile: profileFile("scw", { ...bob.profile, caip10: `scw:${bob.profile.caip10}` }) },
      "only wallet profiles register",
    );
    await expectRefused(
      "key:import-push-profile",
      { profile: profileFile("keyless", { ...bob.profile, publicKey: "" }) },
      'no "publicKey" string',
    );
    await expectRefused(
      "key:import-push-profile",
      { profile: path.join(dir, "missing.json") },
      "Cannot read",
    );
  });
});
