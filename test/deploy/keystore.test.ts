import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Wallet, encryptKeystoreJson } from "ethers";
import type { DeploymentFile } from "../../src/deployments";
import { signerFor } from "../../src/signer";
import { expectRefused, runTask } from "../tasks/helpers";

describe("--keystore", () => {
  const password = "correct horse battery staple";
  let file: string;
  let wallet: Wallet;

  before(async () => {
    wallet = Wallet.createRandom() as unknown as Wallet;
    // A light scrypt keeps the test fast; real keystores use the default cost.
    const json = await encryptKeystoreJson(
      { address: wallet.address, privateKey: wallet.privateKey },
      password,
      { scrypt: { N: 1 << 10 } },
    );
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ks-")), "key.json");
    fs.writeFileSync(file, json);
    const [funder] = await hre.ethers.getSigners();
    await (await funder.sendTransaction({ to: wallet.address, value: hre.ethers.parseEther("10") })).wait();
  });

  afterEach(() => delete process.env.KEYSTORE_PASSWORD);

  it("signs task transactions with the keystore's key (passphrase from KEYSTORE_PASSWORD)", async () => {
    await runTask<DeploymentFile>("deploy:protocol", { fresh: true });
    process.env.KEYSTORE_PASSWORD = password;
    const signer = await signerFor(hre, { keystore: file });
    expect(await signer.getAddress()).to.equal(wallet.address);
    const { out } = await runTask("token:mint", { to: wallet.address, amount: "5", keystore: file });
    expect(out).to.include("mint 5 test PUSH");
    expect(await hre.ethers.provider.getTransactionCount(wallet.address)).to.equal(1);
  });

  it("deploys from a keystore", async () => {
    process.env.KEYSTORE_PASSWORD = password;
    const { result } = await runTask<DeploymentFile>("deploy:protocol", { fresh: true, keystore: file });
    expect(result.deployer).to.equal(wallet.address);
  });

  it("refuses a wrong passphrase or an unreadable file in one sentence, sending nothing", async () => {
    process.env.KEYSTORE_PASSWORD = "wrong";
    await expectRefused(
      "token:mint",
      { to: wallet.address, amount: "1", keystore: file },
      `Wrong passphrase for keystore ${file}.`,
      [wallet.address],
    );
    await expectRefused(
      "token:mint",
      { to: wallet.address, amount: "1", keystore: "/nonexistent.json" },
      "Cannot read keystore file /nonexistent.json.",
    );
  });
});
