import { expect } from "chai";
import { ethers } from "hardhat";

describe("TestPush", () => {
  it("mints, has 18 decimals and permit", async () => {
    const [owner, spender] = await ethers.getSigners();
    const token = await ethers.deployContract("TestPush");
    expect(await token.decimals()).to.equal(18n);
    await token.mint(owner.address, ethers.parseEther("10"));
    expect(await token.balanceOf(owner.address)).to.equal(ethers.parseEther("10"));

    const { chainId } = await ethers.provider.getNetwork();
    const deadline = (await ethers.provider.getBlock("latest"))!.timestamp + 3600;
    const value = ethers.parseEther("3");
    const sig = await owner.signTypedData(
      { name: "Test Push", version: "1", chainId, verifyingContract: await token.getAddress() },
      {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      { owner: owner.address, spender: spender.address, value, nonce: 0n, deadline },
    );
    const { v, r, s } = ethers.Signature.from(sig);
    await token.permit(owner.address, spender.address, value, deadline, v, r, s);
    expect(await token.allowance(owner.address, spender.address)).to.equal(value);
  });

  it("refuses an oversized mint with a named error", async () => {
    const [owner] = await ethers.getSigners();
    const token = await ethers.deployContract("TestPush");
    const max = await token.MAX_MINT();
    await expect(token.mint(owner.address, max + 1n))
      .to.be.revertedWithCustomError(token, "TestPushMintTooLarge")
      .withArgs(max + 1n, max);
  });
});
