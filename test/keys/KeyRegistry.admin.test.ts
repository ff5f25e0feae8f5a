// KeyRegistry: initialisation, roles, pause, UUPS upgrades and the storage-layout check.
import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { KeyRegistry, KeyRegistryV2 } from "../../typechain-types";
import { FAR_DEADLINE, deployRegistry, domainOf, generate, keyHashOf, signRequest } from "./helpers";

describe("KeyRegistry: administration", () => {
  let p256: Uint8Array;
  let p256b: Uint8Array;

  before(async () => {
    p256 = (await generate("p256")).publicKey;
    p256b = (await generate("p256")).publicKey;
  });

  it("initialize grants the roles; it runs once; zero addresses are refused", async () => {
    const { registry, governor, guardian, relayer } = await loadFixture(deployRegistry);
    const [g, gu] = [await governor.getAddress(), await guardian.getAddress()];
    const [ADMIN, GOVERNOR, GUARDIAN] = await Promise.all([
      registry.DEFAULT_ADMIN_ROLE(),
      registry.GOVERNOR_ROLE(),
      registry.GUARDIAN_ROLE(),
    ]);
    expect(GOVERNOR).to.equal(ethers.id("GOVERNOR_ROLE"));
    expect(GUARDIAN).to.equal(ethers.id("GUARDIAN_ROLE"));
    expect(await registry.hasRole(ADMIN, g)).to.equal(true);
    expect(await registry.hasRole(GOVERNOR, g)).to.equal(true);
    expect(await registry.hasRole(GUARDIAN, gu)).to.equal(true);
    expect(await registry.hasRole(GOVERNOR, gu)).to.equal(false);
    expect(await registry.hasRole(GUARDIAN, g)).to.equal(false);
    await expect(registry.initialize(g, gu)).to.be.revertedWithCustomError(registry, "InvalidInitialization");

    const factory = await ethers.getContractFactory("KeyRegistry");
    const r = await relayer.getAddress();
    for (const args of [
      [ethers.ZeroAddress, r],
      [r, ethers.ZeroAddress],
    ]) {
      await expect(
        upgrades.deployProxy(factory, args, { kind: "uups", constructorArgs: [await registry.VERIFIER()] }),
      ).to.be.revertedWithCustomError(registry, "KeyRegistryZeroAddress");
    }
  });

  it("the implementation behind the proxy cannot be initialised", async () => {
    const { address } = await loadFixture(deployRegistry);
    const impl = await ethers.getContractAt(
      "KeyRegistry",
      await upgrades.erc1967.getImplementationAddress(address),
    );
    const [someone] = await ethers.getSigners();
    await expect(impl.initialize(someone.address, someone.address)).to.be.revertedWithCustomError(
      impl,
      "InvalidInitialization",
    );
  });

  describe("pause", () => {
    it("the guardian pauses additions only: revokeKey and revokeKeyFor work while paused (regression: a compromised key stays revocable)", async () => {
      const { registry, guardian, relayer, users } = await loadFixture(deployRegistry);
      const [alice, bob] = users;
      const a = await alice.getAddress();
      const b = await bob.getAddress();
      const domain = await domainOf(registry);
      await registry.connect(alice).addKey(p256);
      await registry.connect(bob).addKey(p256b);
      await expect(registry.connect(guardian).pause())
        .to.emit(registry, "Paused")
        .withArgs(await guardian.getAddress());

      const hash = keyHashOf(p256);
      const addSig = await signRequest(alice, domain, {
        kind: "AddKey",
        owner: a,
        keyHash: keyHashOf(p256b),
        nonce: 0n,
        deadline: FAR_DEADLINE,
      });
      const revokeSig = await signRequest(alice, domain, {
        kind: "RevokeKey",
        owner: a,
        keyHash: hash,
        nonce: 0n,
        deadline: FAR_DEADLINE,
      });
      const paused = "EnforcedPause";
      await expect(registry.connect(alice).addKey(p256b)).to.be.revertedWithCustomError(registry, paused);
      await expect(
        registry.connect(relayer).addKeyFor(a, p256b, FAR_DEADLINE, addSig),
      ).to.be.revertedWithCustomError(registry, paused);
      expect(await registry.keyCount(a)).to.equal(1n);

      // Revocations go through, relayed and direct.
      await expect(registry.connect(relayer).revokeKeyFor(a, hash, FAR_DEADLINE, revokeSig))
        .to.emit(registry, "KeyRevoked")
        .withArgs(a, hash);
      expect((await registry.keyOf(a, hash)).revokedAt).to.equal(BigInt(await time.latest()));
      await expect(registry.connect(bob).revokeKey(keyHashOf(p256b)))
        .to.emit(registry, "KeyRevoked")
        .withArgs(b, keyHashOf(p256b));
      expect(await registry.activeKeyCount(a)).to.equal(0n);
      expect(await registry.activeKeyCount(b)).to.equal(0n);
      expect(await registry.paused()).to.equal(true);
      await expect(registry.connect(alice).useNonce()).to.emit(registry, "NonceCancelled").withArgs(a, 1n);
    });

    it("only the guardian pauses and only the governor unpauses", async () => {
      const { registry, governor, guardian, relayer } = await loadFixture(deployRegistry);
      const GOVERNOR = await registry.GOVERNOR_ROLE();
      const GUARDIAN = await registry.GUARDIAN_ROLE();
      await expect(registry.connect(relayer).pause())
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(await relayer.getAddress(), GUARDIAN);
      await registry.connect(guardian).pause();
      await expect(registry.connect(guardian).unpause())
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(await guardian.getAddress(), GOVERNOR);
      await expect(registry.connect(relayer).unpause()).to.be.revertedWithCustomError(
        registry,
        "AccessControlUnauthorizedAccount",
      );
      await expect(registry.connect(governor).unpause()).to.emit(registry, "Unpaused");
      expect(await registry.paused()).to.equal(false);
      await expect(registry.connect(relayer).addKey(p256)).to.emit(registry, "KeyAdded");
    });
  });

  describe("upgrades", () => {
    it("only the governor upgrades; records and nonces survive the upgrade", async () => {
      const { registry, address, governor, guardian, relayer, users } = await loadFixture(deployRegistry);
      const [alice] = users;
      const a = await alice.getAddress();
      await registry.connect(alice).addKey(p256);
      await registry.connect(alice).useNonce();
      const before = await registry.keyOf(a, keyHashOf(p256));

      const v2Factory = await ethers.getContractFactory("KeyRegistryV2");
      const constructorArgs = [await registry.VERIFIER()];
      const v2Impl = (await upgrades.prepareUpgrade(address, v2Factory, {
        kind: "uups",
        constructorArgs,
      })) as string;
      for (const who of [guardian, relayer, alice]) {
        await expect(registry.connect(who).upgradeToAndCall(v2Impl, "0x"))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(await who.getAddress(), await registry.GOVERNOR_ROLE());
      }

      const upgraded = (await upgrades.upgradeProxy(address, v2Factory.connect(governor), {
        kind: "uups",
        constructorArgs,
      })) as unknown as KeyRegistryV2;
      expect(await upgrades.erc1967.getImplementationAddress(address)).to.equal(v2Impl);
      expect(await upgraded.version()).to.equal("2");
      expect(await upgraded.keyOf(a, keyHashOf(p256))).to.deep.equal(before);
      expect(await upgraded.nonces(a)).to.equal(1n);
      expect(await upgraded.keyCount(a)).to.equal(1n);
      const again = upgraded as unknown as KeyRegistry;
      await expect(again.connect(alice).addKey(p256)).to.be.revertedWithCustomError(
        again,
        "KeyRegistryKeyAlreadyActive",
      );
    });

    it("keeps its state at the ERC-7201 location of push.storage.KeyRegistry", async () => {
      const { registry, address, users } = await loadFixture(deployRegistry);
      const [alice] = users;
      const a = await alice.getAddress();
      await registry.connect(alice).addKey(p256);
      await registry.connect(alice).useNonce();
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const ns = BigInt(ethers.id("push.storage.KeyRegistry")) - 1n;
      const base = BigInt(ethers.keccak256(coder.encode(["uint256"], [ns]))) & ~0xffn;
      // first field: owners[owner] = {uint32 count, uint32 active, uint192 nonce}, packed from the low bits
      const ownerSlot = ethers.keccak256(coder.encode(["address", "uint256"], [a, base]));
      const packed = BigInt(await ethers.provider.getStorage(address, ownerSlot));
      expect(packed).to.equal(1n | (1n << 32n) | (1n << 64n));
    });

    it("hardhat-upgrades validates the implementation and refuses an incompatible storage layout", async () => {
      const { address, registry } = await loadFixture(deployRegistry);
      // The implementation takes the verifier as constructor argument (hardhat-upgrades reads it at run time,
      // its types do not list it for validation).
      const opts = { kind: "uups", constructorArgs: [await registry.VERIFIER()] } as { kind: "uups" };
      await upgrades.validateImplementation(await ethers.getContractFactory("KeyRegistry"), opts);
      await upgrades.validateUpgrade(address, await ethers.getContractFactory("KeyRegistryV2"), opts);
      let message = "";
      try {
        await upgrades.validateUpgrade(address, await ethers.getContractFactory("KeyRegistryBadLayout"), {
          kind: "uups",
        });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).to.match(/New storage layout is incompatible/);
      expect(message).to.match(/Replaced `owners` with `records` of incompatible type/);
    });
  });
});
