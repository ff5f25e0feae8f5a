import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, TypedDataEncoder, ZeroAddress, concat, toBeHex } from "ethers";
import {
  NodeStatus,
  Role,
  SIGNER_CONSENT_TYPES,
  STATUS_REASONS,
  nodeRegistryDomain,
  signSignerConsent,
  signerOfConsent,
} from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";
import { ENDPOINT, PUSH, VALIDATOR_MIN, now, signPermit, stakingFixture } from "./fixture";

const REGISTERED = STATUS_REASONS.indexOf("Registered");

describe("NodeRegistry: registerNode", () => {
  it("registers a node: record, stake, totals, active stake and events", async () => {
    const f = await loadFixture(stakingFixture);
    const key = f.newNode();
    const node = key.address;
    const amount = VALIDATOR_MIN + 5n * PUSH;
    const before = await f.token.balanceOf(f.alice.address);
    const tx = f.registry
      .connect(f.alice)
      .registerNode(node, Role.VALIDATOR, ENDPOINT, amount, await f.consent(key, f.alice));
    await expect(tx)
      .to.emit(f.registry, "NodeRegistered")
      .withArgs(node, f.alice.address, Role.VALIDATOR, ENDPOINT)
      .and.to.emit(f.registry, "NodeStatusChanged")
      .withArgs(node, NodeStatus.None, NodeStatus.Active, REGISTERED)
      .and.to.emit(f.vault, "StakeDeposited")
      .withArgs(node, f.alice.address, amount, amount);
    const rec = await f.registry.nodeOf(node);
    expect(rec.operator).to.equal(f.alice.address);
    expect(rec.role).to.equal(Role.VALIDATOR);
    expect(rec.status).to.equal(NodeStatus.Active);
    expect(rec.registeredAt).to.equal(await now());
    expect(rec.slashCount).to.equal(0);
    expect(await f.registry.isActive(node)).to.equal(true);
    expect(await f.registry.stakeOf(node)).to.deep.equal([amount, 0n]);
    expect(await f.vault.stakeOf(node)).to.deep.equal([amount, 0n]);
    expect(await f.registry.activeStake(Role.VALIDATOR)).to.equal(amount);
    expect(await f.registry.activeStake(Role.STORAGE)).to.equal(0n);
    expect(await f.vault.totalBonded()).to.equal(amount);
    expect(await f.token.balanceOf(f.vaultAddress)).to.equal(amount);
    expect(await f.token.balanceOf(f.alice.address)).to.equal(before - amount);
  });

  it("registers every role with its own minimum, and active stake is per role", async () => {
    const f = await loadFixture(stakingFixture);
    for (const role of [Role.VALIDATOR, Role.STORAGE, Role.DELIVERY, Role.ARCHIVE]) {
      const min = await f.registry.minStake(role);
      const node = await f.register(f.bob, role);
      expect((await f.registry.nodeOf(node)).role).to.equal(role);
      expect(await f.registry.activeStake(role)).to.equal(min);
    }
    expect(await f.registry.minStake(Role.VALIDATOR)).to.equal(100_000n * PUSH);
    expect(await f.registry.minStake(Role.STORAGE)).to.equal(50_000n * PUSH);
    expect(await f.registry.minStake(Role.DELIVERY)).to.equal(25_000n * PUSH);
    expect(await f.registry.minStake(Role.ARCHIVE)).to.equal(50_000n * PUSH);
  });

  it("refuses bad input with named errors", async () => {
    const f = await loadFixture(stakingFixture);
    const r = f.registry.connect(f.alice);
    const key = f.newNode();
    const node = key.address;
    // a valid consent: each refusal is for its own reason
    const c = await f.consent(key, f.alice);
    await expect(r.registerNode(ZeroAddress, 0, ENDPOINT, VALIDATOR_MIN, c)).to.be.revertedWithCustomError(
      f.registry,
      "NodeRegistryZeroAddress",
    );
    await expect(r.registerNode(node, 4, ENDPOINT, VALIDATOR_MIN, c))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownRole")
      .withArgs(4);
    await expect(r.registerNode(node, 255, ENDPOINT, VALIDATOR_MIN, c))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryUnknownRole")
      .withArgs(255);
    await expect(r.registerNode(node, 0, "", VALIDATOR_MIN, c)).to.be.revertedWithCustomError(
      f.registry,
      "NodeRegistryEmptyEndpoint",
    );
    await expect(r.registerNode(node, 0, "x".repeat(257), VALIDATOR_MIN, c))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryEndpointTooLong")
      .withArgs(257, 256);
    await expect(r.registerNode(node, 0, ENDPOINT, 0, c))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryStakeBelowMinimum")
      .withArgs(0, 0, VALIDATOR_MIN);
    await expect(r.registerNode(node, 0, ENDPOINT, VALIDATOR_MIN - 1n, c))
      .to.be.revertedWithCustomError(f.registry, "NodeRegistryStakeBelowMinimum")
      .withArgs(0, VALIDATOR_MIN - 1n, VALIDATOR_MIN);
    const tooMuch = 2n ** 96n;
    await expect(r.registerNode(node, 0, ENDPOINT, tooMuch, c))
      .to.be.revertedWithCustomError(f.vault, "StakingVaultAmountTooLarge")
      .withArgs(tooMuch, 2n ** 96n - 1n);
    // a 256-byte endpoint is accepted
    await r.registerNode(node, 0, "y".repeat(256), VALIDATOR_MIN, c);
    expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Active);
  });

  it("binds a signer forever: no re-registration, by anyone, in any status", async () => {
    const f = await loadFixture(stakingFixture);
    const key = f.newNode();
    const node = key.address;
    await f.registry
      .connect(f.alice)
      .registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, await f.consent(key, f.alice));
    // even with the signer's own consent to the operator
    for (const op of [f.alice, f.bob]) {
      await expect(
        f.registry
          .connect(op)
          .registerNode(node, Role.STORAGE, ENDPOINT, VALIDATOR_MIN, await f.consent(key, op)),
      )
        .to.be.revertedWithCustomError(f.registry, "NodeRegistrySignerAlreadyRegistered")
        .withArgs(node);
    }
    // exited: still bound
    await f.registry.connect(f.alice).exit(node);
    await time.increase(21 * 86_400);
    await f.vault.connect(f.alice).withdraw(node);
    expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.Exited);
    await expect(
      f.registry
        .connect(f.bob)
        .registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, await f.consent(key, f.bob)),
    ).to.be.revertedWithCustomError(f.registry, "NodeRegistrySignerAlreadyRegistered");
    // banned: still bound
    await f.registry.connect(f.governor).setSlashesBeforeBan(1);
    const bannedKey = f.newNode();
    const banned = bannedKey.address;
    await f.registry
      .connect(f.bob)
      .registerNode(banned, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, await f.consent(bannedKey, f.bob));
    await f.registry.connect(f.slasher).slash(banned, PUSH, ZeroAddress, 0);
    expect((await f.registry.nodeOf(banned)).status).to.equal(NodeStatus.Banned);
    await expect(
      f.registry
        .connect(f.carol)
        .registerNode(banned, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, await f.consent(bannedKey, f.carol)),
    ).to.be.revertedWithCustomError(f.registry, "NodeRegistrySignerAlreadyRegistered");
  });

  it("needs an allowance for the vault (the token's own error otherwise)", async () => {
    const f = await loadFixture(stakingFixture);
    const key = f.newNode();
    const node = key.address;
    const c = await f.consent(key, f.stranger);
    await f.token.mint(f.stranger.address, VALIDATOR_MIN);
    await expect(
      f.registry.connect(f.stranger).registerNode(node, 0, ENDPOINT, VALIDATOR_MIN, c),
    ).to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance");
    await f.token.connect(f.stranger).approve(f.vaultAddress, VALIDATOR_MIN);
    await f.registry.connect(f.stranger).registerNode(node, 0, ENDPOINT, VALIDATOR_MIN, c);
    expect(await f.token.allowance(f.stranger.address, f.vaultAddress)).to.equal(0n);
  });

  describe("registerNodeWithPermit", () => {
    it("registers with a permit for the vault and no prior approval", async () => {
      const f = await loadFixture(stakingFixture);
      await f.token.mint(f.stranger.address, VALIDATOR_MIN);
      const key = f.newNode();
      const node = key.address;
      const c = await f.consent(key, f.stranger);
      const deadline = BigInt((await now()) + 3600);
      const { v, r, s } = await signPermit(f.token, f.stranger, f.vaultAddress, VALIDATOR_MIN, deadline);
      await expect(
        f.registry
          .connect(f.stranger)
          .registerNodeWithPermit(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, c, deadline, v, r, s),
      )
        .to.emit(f.registry, "NodeRegistered")
        .withArgs(node, f.stranger.address, Role.VALIDATOR, ENDPOINT);
      expect(await f.registry.stakeOf(node)).to.deep.equal([VALIDATOR_MIN, 0n]);
      expect(await f.token.balanceOf(f.stranger.address)).to.equal(0n);
    });

    it("still registers when a front-runner already used the permit", async () => {
      const f = await loadFixture(stakingFixture);
      await f.token.mint(f.stranger.address, VALIDATOR_MIN);
      const key = f.newNode();
      const node = key.address;
      const c = await f.consent(key, f.stranger);
      const deadline = BigInt((await now()) + 3600);
      const { v, r, s } = await signPermit(f.token, f.stranger, f.vaultAddress, VALIDATOR_MIN, deadline);
      await f.token
        .connect(f.bob)
        .permit(f.stranger.address, f.vaultAddress, VALIDATOR_MIN, deadline, v, r, s);
      await f.registry
        .connect(f.stranger)
        .registerNodeWithPermit(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, c, deadline, v, r, s);
      expect(await f.registry.isActive(node)).to.equal(true);
    });

    it("reverts with the token's allowance error when the permit is invalid and nothing is approved", async () => {
      const f = await loadFixture(stakingFixture);
      await f.token.mint(f.stranger.address, VALIDATOR_MIN);
      const key = f.newNode();
      const node = key.address;
      const c = await f.consent(key, f.stranger);
      const deadline = BigInt((await now()) + 3600);
      // signed by someone else: invalid for stranger
      const { v, r, s } = await signPermit(f.token, f.bob, f.vaultAddress, VALIDATOR_MIN, deadline);
      await expect(
        f.registry
          .connect(f.stranger)
          .registerNodeWithPermit(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, c, deadline, v, r, s),
      ).to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance");
    });
  });

  describe("signer consent (no signer squatting)", () => {
    const INVALID = "NodeRegistryInvalidSignerConsent";

    it("the contract's digest is the EIP-712 hash the off-chain helpers sign", async () => {
      const f = await loadFixture(stakingFixture);
      const key = f.newNode();
      const registry = await f.registry.getAddress();
      const { chainId } = await ethers.provider.getNetwork();
      const expected = TypedDataEncoder.hash(nodeRegistryDomain(registry, chainId), SIGNER_CONSENT_TYPES, {
        signer: key.address,
        operator: f.alice.address,
      });
      expect(await f.registry.signerConsentDigest(key.address, f.alice.address)).to.equal(expected);
      const c = await f.consent(key, f.alice);
      expect(signerOfConsent(c, registry, chainId, key.address, f.alice.address)).to.equal(key.address);
      // the consent names the operator: it recovers to another address for anyone else
      expect(signerOfConsent(c, registry, chainId, key.address, f.bob.address)).to.not.equal(key.address);
    });

    it("a front-runner cannot register a victim's signer with the victim's consent", async () => {
      const f = await loadFixture(stakingFixture);
      const key = f.newNode();
      const node = key.address;
      // alice's transaction, seen in the mempool by bob
      const c = await f.consent(key, f.alice);
      for (const call of [
        () => f.registry.connect(f.bob).registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, c),
        () =>
          f.registry
            .connect(f.bob)
            .registerNode(node, Role.STORAGE, "https://evil.example", 10n * VALIDATOR_MIN, c),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(f.registry, INVALID).withArgs(node, f.bob.address);
      }
      // bob's own consent-less attempt fails the same way
      await expect(
        f.registry.connect(f.bob).registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, "0x"),
      )
        .to.be.revertedWithCustomError(f.registry, INVALID)
        .withArgs(node, f.bob.address);
      expect((await f.registry.nodeOf(node)).status).to.equal(NodeStatus.None);
      // the victim still registers its signer, with the same consent
      await expect(f.registry.connect(f.alice).registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, c))
        .to.emit(f.registry, "NodeRegistered")
        .withArgs(node, f.alice.address, Role.VALIDATOR, ENDPOINT);
      expect((await f.registry.nodeOf(node)).operator).to.equal(f.alice.address);
    });

    it("refuses a consent signed by another key, a malformed one, and one for another chain or registry", async () => {
      const f = await loadFixture(stakingFixture);
      const key = f.newNode();
      const node = key.address;
      const other = f.newNode();
      const registry = await f.registry.getAddress();
      const { chainId } = await ethers.provider.getNetwork();
      const good = await f.consent(key, f.alice);
      const { r, s, yParity } = Signature.from(good);
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const bad: [string, string][] = [
        // another key signs SignerConsent(node, alice)
        [
          "another key's signature of the same consent",
          await other.signTypedData(nodeRegistryDomain(registry, chainId), SIGNER_CONSENT_TYPES, {
            signer: node,
            operator: f.alice.address,
          }),
        ],
        ["another key's consent for itself", await f.consent(other, f.alice)],
        ["the signer's consent to another operator", await f.consent(key, f.bob)],
        ["empty", "0x"],
        ["64 bytes", good.slice(0, -2)],
        ["66 bytes", good + "00"],
        ["64-byte compact (EIP-2098) form", Signature.from(good).compactSerialized],
        // the malleated twin (s' = n - s, v flipped): recovers the same key, refused as a high-s signature
        ["high-s twin", concat([r, toBeHex(n - BigInt(s), 32), yParity === 0 ? "0x1c" : "0x1b"])],
        ["another chain", await signerConsent(f.registry, key, f.alice, chainId + 1n)],
        ["another registry", await signSignerConsent(key, f.vaultAddress, chainId, f.alice.address)],
      ];
      for (const [what, consent] of bad) {
        await expect(
          f.registry.connect(f.alice).registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, consent),
          what,
        )
          .to.be.revertedWithCustomError(f.registry, INVALID)
          .withArgs(node, f.alice.address);
      }
      await f.registry.connect(f.alice).registerNode(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, good);
      expect(await f.registry.isActive(node)).to.equal(true);
    });

    it("a consent from another registry deployment is refused on this one", async () => {
      const f = await loadFixture(stakingFixture);
      const g = await stakingFixture();
      const key = f.newNode();
      const forG = await g.consent(key, f.alice);
      await expect(
        f.registry.connect(f.alice).registerNode(key.address, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, forG),
      )
        .to.be.revertedWithCustomError(f.registry, INVALID)
        .withArgs(key.address, f.alice.address);
      await g.registry
        .connect(g.alice)
        .registerNode(key.address, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, forG);
      expect(await g.registry.isActive(key.address)).to.equal(true);
    });

    it("argument errors come first: a missing consent does not hide them", async () => {
      const f = await loadFixture(stakingFixture);
      const node = await f.register(f.alice);
      const r = f.registry.connect(f.bob);
      const fresh = f.newNode().address;
      await expect(
        r.registerNode(ZeroAddress, 0, ENDPOINT, VALIDATOR_MIN, "0x"),
      ).to.be.revertedWithCustomError(f.registry, "NodeRegistryZeroAddress");
      await expect(r.registerNode(fresh, 4, ENDPOINT, VALIDATOR_MIN, "0x")).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryUnknownRole",
      );
      await expect(r.registerNode(fresh, 0, "", VALIDATOR_MIN, "0x")).to.be.revertedWithCustomError(
        f.registry,
        "NodeRegistryEmptyEndpoint",
      );
      await expect(r.registerNode(node, 0, ENDPOINT, VALIDATOR_MIN, "0x"))
        .to.be.revertedWithCustomError(f.registry, "NodeRegistrySignerAlreadyRegistered")
        .withArgs(node);
      await expect(
        r.registerNode(fresh, 0, ENDPOINT, VALIDATOR_MIN - 1n, "0x"),
      ).to.be.revertedWithCustomError(f.registry, "NodeRegistryStakeBelowMinimum");
    });

    it("registerNodeWithPermit takes the same consent and refuses a front-runner's use of it", async () => {
      const f = await loadFixture(stakingFixture);
      await f.token.mint(f.stranger.address, VALIDATOR_MIN);
      const key = f.newNode();
      const node = key.address;
      const c = await f.consent(key, f.stranger);
      const deadline = BigInt((await now()) + 3600);
      const { v, r, s } = await signPermit(f.token, f.stranger, f.vaultAddress, VALIDATOR_MIN, deadline);
      // bob replays both the consent and a permit of his own
      const bobPermit = await signPermit(f.token, f.bob, f.vaultAddress, VALIDATOR_MIN, deadline);
      await expect(
        f.registry
          .connect(f.bob)
          .registerNodeWithPermit(
            node,
            Role.VALIDATOR,
            ENDPOINT,
            VALIDATOR_MIN,
            c,
            deadline,
            bobPermit.v,
            bobPermit.r,
            bobPermit.s,
          ),
      )
        .to.be.revertedWithCustomError(f.registry, INVALID)
        .withArgs(node, f.bob.address);
      // a consent by another key, with a valid permit
      await expect(
        f.registry
          .connect(f.stranger)
          .registerNodeWithPermit(
            node,
            Role.VALIDATOR,
            ENDPOINT,
            VALIDATOR_MIN,
            await f.consent(f.newNode(), f.stranger),
            deadline,
            v,
            r,
            s,
          ),
      )
        .to.be.revertedWithCustomError(f.registry, INVALID)
        .withArgs(node, f.stranger.address);
      // nothing moved, and the permit is still unused
      expect(await f.token.allowance(f.stranger.address, f.vaultAddress)).to.equal(0n);
      await expect(
        f.registry
          .connect(f.stranger)
          .registerNodeWithPermit(node, Role.VALIDATOR, ENDPOINT, VALIDATOR_MIN, c, deadline, v, r, s),
      )
        .to.emit(f.registry, "NodeRegistered")
        .withArgs(node, f.stranger.address, Role.VALIDATOR, ENDPOINT);
      expect(await f.token.balanceOf(f.stranger.address)).to.equal(0n);
    });
  });
});
