// Fault proofs (DESIGN section 5) against the real staking layer and key registry. Invariants checked here:
// (3) a slash never exceeds the node's stake and the reward never exceeds the slash; (5) an offenceId is
// consumed once, whoever submits it; (7) a valid proof against a node with stake never reverts.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, Wallet, getBytes, hexlify } from "ethers";
import { NodeStatus } from "../../src/staking";
import { signerConsent } from "../../src/testing/consent";
import {
  Encryption,
  ZERO_ADDRESS,
  ZERO_BYTES32,
  craftSignature,
  messageDigest,
  signAttestation,
} from "../../src/message";
import type { Proof, World } from "./fixture";
import {
  DAY,
  Fault,
  MINUTE,
  PUSH,
  Param,
  VALIDATOR_MIN,
  args,
  deployWorld,
  equivocationOffenceId,
  messageOffenceId,
  increaseTime,
  now,
  vectorKey,
} from "./fixture";

describe("Slashing: fault proofs", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  /** Proves with `send`, then checks the slash, the reward, the treasury share, the jail and the event. */
  async function expectSlash(
    w: World,
    node: string,
    faultCode: number,
    send: () => Promise<unknown>,
    bps = 1_000n,
  ): Promise<bigint> {
    const stakeBefore = await w.stakeOf(node);
    const rewardBefore = await w.vault.rewardsOf(w.reporter.address);
    const treasuryBefore = await w.vault.treasuryBalance();
    const expected = (stakeBefore * bps) / 10_000n;
    await expect(send()).to.emit(w.slashing, "FaultProven");
    const slashed = stakeBefore - (await w.stakeOf(node));
    expect(slashed).to.equal(expected);
    const reward = (await w.vault.rewardsOf(w.reporter.address)) - rewardBefore;
    expect(reward).to.equal(slashed / 2n);
    expect((await w.vault.treasuryBalance()) - treasuryBefore).to.equal(slashed - reward);
    const n = await w.registry.nodeOf(node);
    expect([NodeStatus.Jailed, NodeStatus.Banned]).to.include(Number(n.status));
    void faultCode;
    return slashed;
  }

  describe("attestation checks (all fault classes)", function () {
    it("a forged attestation (signer not a node) reverts with SlashingNodeWithoutStake", async function () {
      const w = await loadFixture(world);
      const p256 = await vectorKey("p256");
      const m = await w.message(w.alice.address, w.bob.address, p256, { version: 2 });
      const stranger = new Wallet(Wallet.createRandom().privateKey);
      const proof = await w.attest(stranger, m);
      await expect(w.slashing.connect(w.reporter).proveMalformed(...args(proof), proof.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingNodeWithoutStake")
        .withArgs(stranger.address);
    });

    it("an attestation signed for another chain or another contract recovers to no node", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const m = await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { version: 2 });
      const proof = await w.attest(node, m);
      for (const domain of [
        { ...w.domain, chainId: 1n },
        { ...w.domain, verifyingContract: await w.court.getAddress() },
      ]) {
        const forged = await signAttestation(node, proof.attestation, domain);
        await expect(
          w.slashing.proveMalformed(proof.message, proof.attestation, forged.signature, proof.claim),
        ).to.be.revertedWithCustomError(w.slashing, "SlashingNodeWithoutStake");
      }
      // the same attestation signed for this chain and contract is a valid proof
      await w.slashing.connect(w.reporter).proveMalformed(...args(proof), proof.claim);
    });

    it("a malleable (high-s) or truncated node signature reverts with SlashingInvalidNodeSignature", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { version: 2 }),
      );
      const sig = Signature.from(proof.nodeSignature);
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const highS = hexlify(
        new Uint8Array([
          ...getBytes(sig.r),
          ...getBytes(ethers.toBeHex(n - BigInt(sig.s), 32)),
          sig.v === 27 ? 28 : 27,
        ]),
      );
      for (const bad of [highS, proof.nodeSignature.slice(0, 130 - 2)]) {
        await expect(
          w.slashing.proveMalformed(proof.message, proof.attestation, bad, proof.claim),
        ).to.be.revertedWithCustomError(w.slashing, "SlashingInvalidNodeSignature");
      }
    });

    it("an attestation of another message reverts with SlashingDigestMismatch", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256")),
      );
      const other = { ...proof.message, version: 2 };
      await expect(w.slashing.proveMalformed(other, proof.attestation, proof.nodeSignature, proof.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingDigestMismatch")
        .withArgs(proof.attestation.digest, messageDigest(other));
    });

    it("a node whose stake was all withdrawn cannot be slashed (SlashingNodeWithoutStake)", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { version: 2 }),
      );
      await w.registry.connect(w.operator).exit(node.address);
      await increaseTime(21 * DAY + 1);
      await w.vault.connect(w.operator).withdraw(node.address);
      expect(await w.stakeOf(node.address)).to.equal(0n);
      await expect(w.slashing.proveMalformed(...args(proof), proof.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingNodeWithoutStake")
        .withArgs(node.address);
    });
  });

  describe("MALFORMED", function () {
    const cases: [string, (w: World) => Record<string, unknown>, number][] = [
      ["version 2", () => ({ version: 2 }), 1],
      ["from is zero", () => ({ from: ZERO_ADDRESS }), 2],
      ["to is zero", () => ({ to: ZERO_ADDRESS }), 2],
      ["from == to", (w) => ({ to: w.alice.address }), 3],
      ["content over 64 KiB", () => ({ contentSize: 64 * 1024 + 1 }), 4],
      ["content type 5", () => ({ contentType: 5 }), 5],
      ["encryption 2", () => ({ encryption: 2 }), 6],
    ];
    for (const [name, fields, reason] of cases) {
      it(`${name}: slashes 10%, pays the reporter, jails the node (reason ${reason})`, async function () {
        const w = await loadFixture(world);
        const node = await w.registerNode();
        const m = await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), fields(w));
        const proof = await w.attest(node, m);
        const offenceId = await w.slashing
          .connect(w.reporter)
          .proveMalformed.staticCall(...args(proof), proof.claim);
        await expectSlash(w, node.address, Fault.Malformed, () =>
          w.slashing.connect(w.reporter).proveMalformed(...args(proof), proof.claim),
        );
        expect(await w.slashing.isOffenceConsumed(offenceId[0])).to.equal(true);
      });
    }

    it("clock skew over 15 minutes either way is MALFORMED; 15 minutes exactly is not", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      const t = await now();
      const late = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: t }),
        1n,
        t + 15n * 60n + 1n,
      );
      const early = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: t + 1n }),
        2n,
        t + 1n - 15n * 60n - 1n,
      );
      const edge = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: t + 2n }),
        3n,
        t + 2n + 15n * 60n,
      );
      await expect(w.slashing.proveMalformed(...args(edge), edge.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingNoFault")
        .withArgs(Fault.Malformed);
      for (const p of [late, early]) {
        await expect(w.slashing.connect(w.reporter).proveMalformed(...args(p), p.claim))
          .to.emit(w.slashing, "FaultProven")
          .withArgs(
            await w.slashing
              .connect(w.reporter)
              .proveMalformed.staticCall(...args(p), p.claim)
              .then((r) => r[0]),
            node.address,
            Fault.Malformed,
            w.reporter.address,
            p.attestation.digest,
            7,
            (v: bigint) => v > 0n,
          );
      }
    });

    it("an honest message reverts with SlashingNoFault and moves no token", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256")),
      );
      const before = await w.token.balanceOf(await w.vault.getAddress());
      await expect(w.slashing.proveMalformed(...args(proof), proof.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingNoFault")
        .withArgs(Fault.Malformed);
      expect(await w.token.balanceOf(await w.vault.getAddress())).to.equal(before);
      expect(await w.stakeOf(node.address)).to.equal(VALIDATOR_MIN);
    });

    it("a lowered limit does not make attestations of the day before it faulty", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      const t0 = await now();
      const before = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: t0, contentSize: 2048 }),
        1n,
      );
      await w.slashing.connect(w.governor).setParam(Param.MaxContentSize, 1024);
      const changedAt = await now();
      // attested before the change, and within a day after it: judged by the most lenient limit (64 KiB)
      const soon = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: changedAt + 100n, contentSize: 2048 }),
        2n,
      );
      for (const p of [before, soon]) {
        await expect(w.slashing.proveMalformed(...args(p), p.claim)).to.be.revertedWithCustomError(
          w.slashing,
          "SlashingNoFault",
        );
      }
      expect((await w.slashing.effectiveLimits(changedAt + 100n))[1]).to.equal(64n * 1024n);
      // a day after the change, the new limit holds
      const later = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, {
          at: changedAt + BigInt(DAY),
          contentSize: 2048,
        }),
        3n,
      );
      await expectSlash(w, node.address, Fault.Malformed, () =>
        w.slashing.connect(w.reporter).proveMalformed(...args(later), later.claim),
      );
    });
  });

  describe("UNAUTHORIZED_SENDER", function () {
    it("a sender key never registered: slashed; the same offence again reverts, whoever sends it", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256")),
      );
      const [offenceId] = await w.slashing
        .connect(w.reporter)
        .proveUnauthorizedSender.staticCall(...args(proof), proof.claim);
      expect(offenceId).to.equal(messageOffenceId(node.address, proof.attestation.digest));
      expect(offenceId).to.equal(await w.slashing.messageOffenceId(node.address, proof.attestation.digest));
      await expectSlash(w, node.address, Fault.UnauthorizedSender, () =>
        w.slashing.connect(w.reporter).proveUnauthorizedSender(...args(proof), proof.claim),
      );
      for (const sender of [w.reporter, w.other]) {
        await expect(w.slashing.connect(sender).proveUnauthorizedSender(...args(proof), proof.claim))
          .to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed")
          .withArgs(offenceId);
      }
    });

    it("the key is someone else's: slashed", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      await w.addKey(w.bob, key); // bob registered alice's public key: it is not alice's
      await increaseTime(DAY);
      const proof = await w.attest(node, await w.message(w.alice.address, w.carol.address, key));
      await expectSlash(w, node.address, Fault.UnauthorizedSender, () =>
        w.slashing.connect(w.reporter).proveUnauthorizedSender(...args(proof), proof.claim),
      );
    });

    it("the sender's active key: SlashingNoFault", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      await w.addKey(w.alice, key);
      await increaseTime(DAY);
      const proof = await w.attest(node, await w.message(w.alice.address, w.bob.address, key));
      await expect(w.slashing.proveUnauthorizedSender(...args(proof), proof.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingNoFault")
        .withArgs(Fault.UnauthorizedSender);
    });

    it("a key revoked before the message: slashed once the revocation is older than the state lag", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      await w.addKey(w.alice, key);
      await increaseTime(DAY);
      await w.keys.connect(w.alice).revokeKey(key.keyHash);
      const revokedAt = await now();
      // An honest node whose view lagged the revocation by less than the state lag is not punished.
      const lagged = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: revokedAt + 5n * 60n }),
        1n,
      );
      await expect(w.slashing.proveUnauthorizedSender(...args(lagged), lagged.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingStateLag")
        .withArgs(w.alice.address, key.keyHash, revokedAt, revokedAt + 5n * 60n);
      // exactly at the lag: the revocation is 10 minutes old, a node must have seen it
      const atLag = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { at: revokedAt + 10n * 60n }),
        2n,
      );
      await expectSlash(w, node.address, Fault.UnauthorizedSender, () =>
        w.slashing.connect(w.reporter).proveUnauthorizedSender(...args(atLag), atLag.claim),
      );
    });

    it("a key added after the message (and after the attestation) is no excuse", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      const t = await now();
      const proof = await w.attest(node, await w.message(w.alice.address, w.bob.address, key, { at: t }));
      await increaseTime(60);
      await w.addKey(w.alice, key); // added within the state lag of attestedAt, but after the message
      await expectSlash(w, node.address, Fault.UnauthorizedSender, () =>
        w.slashing.connect(w.reporter).proveUnauthorizedSender(...args(proof), proof.claim),
      );
    });
  });

  describe("WRONG_ENCRYPTION", function () {
    it("PGP content to a key the recipient does not have: slashed", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const p256b = await vectorKey("p256b");
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), {
          encryption: Encryption.PGP,
          recipientKey: p256b.keyHash,
        }),
      );
      await expectSlash(w, node.address, Fault.WrongEncryption, () =>
        w.slashing.connect(w.reporter).proveWrongEncryption(...args(proof), ZERO_BYTES32, proof.claim),
      );
    });

    it("PGP content to the recipient's active key: SlashingNoFault", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const p256b = await vectorKey("p256b");
      await w.addKey(w.bob, p256b);
      await increaseTime(DAY);
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), {
          encryption: Encryption.PGP,
          recipientKey: p256b.keyHash,
        }),
      );
      await expect(w.slashing.proveWrongEncryption(...args(proof), ZERO_BYTES32, proof.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingNoFault")
        .withArgs(Fault.WrongEncryption);
    });

    it("plaintext to a recipient with an active key: slashed; without one: SlashingNoFault", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(10n * VALIDATOR_MIN);
      const p256b = await vectorKey("p256b");
      const toBob = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256")),
        1n,
      );
      await expect(
        w.slashing.proveWrongEncryption(...args(toBob), p256b.keyHash, toBob.claim),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingNoFault");
      await w.addKey(w.bob, p256b);
      await increaseTime(DAY);
      const later = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256")),
        2n,
      );
      await expectSlash(w, node.address, Fault.WrongEncryption, () =>
        w.slashing.connect(w.reporter).proveWrongEncryption(...args(later), p256b.keyHash, later.claim),
      );
    });

    it("plaintext to a recipient whose key is younger than the state lag: SlashingStateLag", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const p256b = await vectorKey("p256b");
      const addedAt = await w.addKey(w.bob, p256b);
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { at: addedAt + 60n }),
      );
      await expect(w.slashing.proveWrongEncryption(...args(proof), p256b.keyHash, proof.claim))
        .to.be.revertedWithCustomError(w.slashing, "SlashingStateLag")
        .withArgs(w.bob.address, p256b.keyHash, addedAt, addedAt + 60n);
    });
  });

  describe("BAD_SIGNATURE", function () {
    async function badSignatureProof(
      w: World,
      node: Wallet,
      keyName: "p256" | "rsa2048" | "rsa3072",
      mutate: (sig: Uint8Array) => Uint8Array,
      sequence = 1n,
    ): Promise<Proof> {
      const key = await vectorKey(keyName);
      const m = await w.message(w.alice.address, w.bob.address, key);
      return w.attest(node, { message: m.message, signature: mutate(m.signature) }, sequence);
    }
    const corrupt = (sig: Uint8Array): Uint8Array => {
      const s = Uint8Array.from(sig);
      s[s.length - 1] ^= 0x01;
      return s;
    };

    for (const keyName of ["p256", "rsa2048", "rsa3072"] as const) {
      it(`${keyName}: a corrupted signature is slashed (detail BAD_SIGNATURE = 18)`, async function () {
        const w = await loadFixture(world);
        const node = await w.registerNode();
        const key = await vectorKey(keyName);
        const proof = await badSignatureProof(w, node, keyName, corrupt);
        await expectSlash(w, node.address, Fault.BadSignature, () =>
          w.slashing
            .connect(w.reporter)
            .proveBadSignature(...args(proof), proof.signature, key.publicKey, proof.claim),
        );
        const offenceId = messageOffenceId(node.address, proof.attestation.digest);
        await expect(
          w.slashing
            .connect(w.other)
            .proveBadSignature(...args(proof), proof.signature, key.publicKey, proof.claim),
        )
          .to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed")
          .withArgs(offenceId);
      });

      it(`${keyName}: an honest signature reverts with SlashingNoFault`, async function () {
        const w = await loadFixture(world);
        const node = await w.registerNode();
        const key = await vectorKey(keyName);
        const proof = await badSignatureProof(w, node, keyName, (s) => s);
        await expect(
          w.slashing.proveBadSignature(...args(proof), proof.signature, key.publicKey, proof.claim),
        )
          .to.be.revertedWithCustomError(w.slashing, "SlashingNoFault")
          .withArgs(Fault.BadSignature);
      });
    }

    it("P-256 with high s and low s are both honest", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      const m = await w.message(w.alice.address, w.bob.address, key);
      const created = Number((await import("../vectors/keys.json")).keyCreated) + 60;
      for (const highS of [true, false]) {
        const sig = craftSignature(getBytes(messageDigest(m.message)), key.privateKey, { highS, created });
        const proof = await w.attest(node, { message: m.message, signature: sig }, highS ? 1n : 2n);
        await expect(
          w.slashing.proveBadSignature(...args(proof), sig, key.publicKey, proof.claim),
        ).to.be.revertedWithCustomError(w.slashing, "SlashingNoFault");
      }
    });

    it("a SHA-512 signature (openpgp.js's default for ECC) is in the wave-2 profile: no fault; its corruption is proven", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      const m = await w.message(w.alice.address, w.bob.address, key);
      const sig = craftSignature(getBytes(messageDigest(m.message)), key.privateKey, {
        hashAlgorithm: 10,
        created: 1735603300,
      });
      const proof = await w.attest(node, { message: m.message, signature: sig });
      await expect(
        w.slashing.connect(w.reporter).proveBadSignature(...args(proof), sig, key.publicKey, proof.claim),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingNoFault");
      const bad = corrupt(sig);
      const badProof = await w.attest(node, { message: m.message, signature: bad }, 2n);
      await expect(
        w.slashing
          .connect(w.reporter)
          .proveBadSignature(...args(badProof), bad, key.publicKey, badProof.claim),
      )
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          (v: string) => v.length === 66,
          node.address,
          Fault.BadSignature,
          w.reporter.address,
          badProof.attestation.digest,
          18,
          VALIDATOR_MIN / 10n,
        );
    });

    it("Ed25519 keys are proven on chain like RSA and P-256 (no dispute needed)", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("ed25519");
      const m = await w.message(w.alice.address, w.bob.address, key);
      const honest = await w.attest(node, m, 1n);
      await expect(
        w.slashing.proveBadSignature(...args(honest), m.signature, key.publicKey, honest.claim),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingNoFault");
      const proof = await w.attest(node, { message: m.message, signature: corrupt(m.signature) }, 2n);
      await expect(
        w.slashing
          .connect(w.reporter)
          .proveBadSignature(...args(proof), proof.signature, key.publicKey, proof.claim),
      )
        .to.emit(w.slashing, "FaultProven")
        .withArgs(
          (v: string) => v.length === 66,
          node.address,
          Fault.BadSignature,
          w.reporter.address,
          proof.attestation.digest,
          18,
          VALIDATOR_MIN / 10n,
        );
    });

    it("signature or key bytes that are not the attested ones revert with named errors", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      const other = await vectorKey("p256b");
      const proof = await badSignatureProof(w, node, "p256", corrupt);
      await expect(
        w.slashing.proveBadSignature(...args(proof), proof.signature, other.publicKey, proof.claim),
      )
        .to.be.revertedWithCustomError(w.slashing, "SlashingSenderKeyMismatch")
        .withArgs(key.keyHash, other.keyHash);
      const otherSig = corrupt(corrupt(proof.signature).reverse());
      await expect(
        w.slashing.proveBadSignature(...args(proof), otherSig, key.publicKey, proof.claim),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingSignatureHashMismatch");
    });
  });

  describe("EQUIVOCATION", function () {
    async function pair(w: World, node: Wallet): Promise<[Proof, Proof]> {
      const key = await vectorKey("p256");
      const a = await w.attest(node, await w.message(w.alice.address, w.bob.address, key), 7n);
      const b = await w.attest(node, await w.message(w.alice.address, w.carol.address, key), 7n);
      return [a, b];
    }

    it("two different attestations with one sequence: slashed 50%, once per node and sequence, in any order", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const [a, b] = await pair(w, node);
      const offenceId = equivocationOffenceId(node.address, 7n);
      const claim = await w.commit(offenceId);
      await expectSlash(
        w,
        node.address,
        Fault.Equivocation,
        () =>
          w.slashing
            .connect(w.reporter)
            .proveEquivocation(a.attestation, a.nodeSignature, b.attestation, b.nodeSignature, claim),
        5_000n,
      );
      const again = await w.commit(offenceId, w.other.address);
      await expect(
        w.slashing
          .connect(w.other)
          .proveEquivocation(b.attestation, b.nodeSignature, a.attestation, a.nodeSignature, again),
      )
        .to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed")
        .withArgs(offenceId);
      // a third different attestation with the same sequence is the same offence
      const c = await w.attest(
        node,
        await w.message(w.alice.address, w.dave.address, await vectorKey("p256")),
        7n,
      );
      await expect(
        w.slashing.proveEquivocation(a.attestation, a.nodeSignature, c.attestation, c.nodeSignature, again),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed");
    });

    it("the same attestation twice is not equivocation", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const [a] = await pair(w, node);
      await expect(
        w.slashing.proveEquivocation(a.attestation, a.nodeSignature, a.attestation, a.nodeSignature, a.claim),
      ).to.be.revertedWithCustomError(w.slashing, "SlashingIdenticalAttestations");
    });

    it("different sequences or different signers are not equivocation", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const node2 = await w.registerNode();
      const [a] = await pair(w, node);
      const m = await w.message(w.alice.address, w.carol.address, await vectorKey("p256"));
      const seq8 = await w.attest(node, m, 8n);
      await expect(
        w.slashing.proveEquivocation(
          a.attestation,
          a.nodeSignature,
          seq8.attestation,
          seq8.nodeSignature,
          a.claim,
        ),
      )
        .to.be.revertedWithCustomError(w.slashing, "SlashingSequenceMismatch")
        .withArgs(7n, 8n);
      const byNode2 = await w.attest(node2, m, 7n);
      await expect(
        w.slashing.proveEquivocation(
          a.attestation,
          a.nodeSignature,
          byNode2.attestation,
          byNode2.nodeSignature,
          a.claim,
        ),
      )
        .to.be.revertedWithCustomError(w.slashing, "SlashingSignerMismatch")
        .withArgs(node.address, node2.address);
    });

    it("only attestedAt differing is still two different attestations", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const m = await w.message(w.alice.address, w.bob.address, await vectorKey("p256"));
      const a = await w.attest(node, m, 3n, m.message.timestamp);
      const b = await w.attest(node, m, 3n, m.message.timestamp + 1n);
      const claim = await w.commit(equivocationOffenceId(node.address, 3n));
      await expectSlash(
        w,
        node.address,
        Fault.Equivocation,
        () =>
          w.slashing
            .connect(w.reporter)
            .proveEquivocation(a.attestation, a.nodeSignature, b.attestation, b.nodeSignature, claim),
        5_000n,
      );
    });
  });

  describe("no escape", function () {
    it("a node that requested unstake after its fault is still slashed (from unbonding stake)", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { version: 0 }),
      );
      await w.registry.connect(w.operator).requestUnstake(node.address, VALIDATOR_MIN);
      const [bonded, unbonding] = await w.registry.stakeOf(node.address);
      expect(bonded).to.equal(0n);
      expect(unbonding).to.equal(VALIDATOR_MIN);
      await expectSlash(w, node.address, Fault.Malformed, () =>
        w.slashing.connect(w.reporter).proveMalformed(...args(proof), proof.claim),
      );
    });

    it("a node that exited is slashed while its stake unbonds", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { version: 0 }),
      );
      await w.registry.connect(w.operator).exit(node.address);
      await increaseTime(20 * DAY);
      const before = await w.stakeOf(node.address);
      await w.slashing.connect(w.reporter).proveMalformed(...args(proof), proof.claim);
      expect(await w.stakeOf(node.address)).to.equal(before - before / 10n);
    });

    it("a backdated attestation (a year before the node registered) is still slashed", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const yearAgo = (await now()) - 365n * BigInt(DAY);
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), {
          at: yearAgo,
          contentType: 9,
        }),
        1n,
        yearAgo,
      );
      await expectSlash(w, node.address, Fault.Malformed, () =>
        w.slashing.connect(w.reporter).proveMalformed(...args(proof), proof.claim),
      );
    });

    it("banned after 3 slashes and cannot come back; stake stays slashable until withdrawn", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode(2n * VALIDATOR_MIN);
      const key = await vectorKey("p256");
      for (let i = 0; i < 3; i++) {
        const p = await w.attest(
          node,
          await w.message(w.alice.address, w.bob.address, key, { version: 10 + i }),
          BigInt(i + 1),
        );
        await w.slashing.connect(w.reporter).proveMalformed(...args(p), p.claim);
        const n = await w.registry.nodeOf(node.address);
        expect(n.slashCount).to.equal(i + 1);
        expect(n.status).to.equal(i < 2 ? NodeStatus.Jailed : NodeStatus.Banned);
        if (i < 2) {
          await w.vault.connect(w.operator).stake(node.address, VALIDATOR_MIN);
          await w.registry.connect(w.operator).unjail(node.address);
        }
      }
      await expect(w.registry.connect(w.operator).unjail(node.address)).to.be.revertedWithCustomError(
        w.registry,
        "NodeRegistryInvalidStatus",
      );
      await expect(
        w.registry
          .connect(w.operator)
          .registerNode(
            node.address,
            0,
            "https://again.example.org",
            VALIDATOR_MIN,
            await signerConsent(w.registry, node, w.operator),
          ),
      ).to.be.revertedWithCustomError(w.registry, "NodeRegistrySignerAlreadyRegistered");
      // still slashable while its stake unbonds
      const p = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { version: 20 }),
        4n,
      );
      const before = await w.stakeOf(node.address);
      await w.slashing.connect(w.reporter).proveMalformed(...args(p), p.claim);
      expect(await w.stakeOf(node.address)).to.equal(before - before / 10n);
      expect((await w.registry.nodeOf(node.address)).status).to.equal(NodeStatus.Banned);
    });

    it("a 100% equivocation slash takes all the stake and no more (invariant 3)", async function () {
      const w = await loadFixture(world);
      await w.slashing.connect(w.governor).setParam(Param.EquivocationSlashBps, 10_000);
      const node = await w.registerNode();
      const key = await vectorKey("p256");
      const a = await w.attest(node, await w.message(w.alice.address, w.bob.address, key), 1n);
      const b = await w.attest(node, await w.message(w.alice.address, w.carol.address, key), 1n);
      const claim = await w.commit(equivocationOffenceId(node.address, 1n));
      await w.slashing
        .connect(w.reporter)
        .proveEquivocation(a.attestation, a.nodeSignature, b.attestation, b.nodeSignature, claim);
      expect(await w.stakeOf(node.address)).to.equal(0n);
      expect(await w.vault.rewardsOf(w.reporter.address)).to.equal(VALIDATOR_MIN / 2n);
      const c = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, key, { version: 5 }),
        2n,
      );
      await expect(w.slashing.proveMalformed(...args(c), c.claim)).to.be.revertedWithCustomError(
        w.slashing,
        "SlashingNodeWithoutStake",
      );
    });

    it("paused: proofs revert; the guardian cannot unpause, governance can", async function () {
      const w = await loadFixture(world);
      const node = await w.registerNode();
      const proof = await w.attest(
        node,
        await w.message(w.alice.address, w.bob.address, await vectorKey("p256"), { version: 0 }),
      );
      await w.slashing.connect(w.guardian).pause();
      await expect(w.slashing.proveMalformed(...args(proof), proof.claim)).to.be.revertedWithCustomError(
        w.slashing,
        "SlashingPaused",
      );
      expect(await w.slashing.paused()).to.equal(true);
      await expect(w.slashing.connect(w.guardian).unpause()).to.be.revertedWithCustomError(
        w.slashing,
        "AccessControlUnauthorizedAccount",
      );
      await w.slashing.connect(w.governor).unpause();
      await w.slashing.connect(w.reporter).proveMalformed(...args(proof), proof.claim);
      void PUSH;
      void MINUTE;
    });
  });
});
