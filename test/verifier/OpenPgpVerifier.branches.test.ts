// OpenPgpVerifier branches the verifier suites do not reach (docs/coverage.md): the constructor's zero address.
import { expect } from "chai";
import { ethers } from "hardhat";

describe("OpenPgpVerifier branches", function () {
  it("the constructor refuses a zero Ed25519 verifier, and takes any other address", async function () {
    const factory = await ethers.getContractFactory("OpenPgpVerifier");
    await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(
      factory,
      "OpenPgpVerifierZeroAddress",
    );
    const ed = await ethers.deployContract("Ed25519Verifier");
    const verifier = await factory.deploy(await ed.getAddress());
    expect(await verifier.ED25519()).to.equal(await ed.getAddress());
  });
});
