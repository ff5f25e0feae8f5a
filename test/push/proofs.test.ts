// PushProofs: Push Chat SDK messages attested by a node (src/message/push/attest.ts) are provable on chain from the
// attested data alone, for every fault class that applies (MALFORMED, UNAUTHORIZED_SENDER, WRONG_ENCRYPTION,
// BAD_SIGNATURE); an honest attestation of an SDK-made message (pgpv3 and pgpv2, plaintext and encrypted) proves
// nothing; the reward goes to the claim's reporter; one message is slashed once, whatever the fault and the prover.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { TypedDataEncoder, getBytes, hexlify, keccak256, toUtf8Bytes } from "ethers";
import {
  PUSH_MESSAGE_TYPEHASH,
  PUSH_MESSAGE_TYPES,
  pushFieldHashes,
  pushMessageDigest,
  pushPreimage,
  validatePushMessage,
  wtf8,
} from "../../src/message/push";
import type { PushAttestedMessage, PushMessageBody, RegisteredPushKey } from "../../src/message/push";
import { attestationDomain } from "../../src/message";
import { DAY, Fault, MINUTE, Param, increaseTime, now, vectorKey } from "../slashing/fixture";
import {
  VECTORS,
  attestPush,
  attestedOf,
  bodyOf,
  deployPushWorld,
  fullArgs,
  hashedArgs,
  signatureOf,
  vector,
} from "./proofs-fixture";
import type { PushProof, PushWorld } from "./proofs-fixture";
import { PushMalformedReason } from "../../src/message/push/judge";

/** IPushProofs.MalformedReason (the watcher's copy, src/message/push/judge.ts) */
const Reason = PushMalformedReason;

/** One vector of each class: pgpv3/pgpv2 x encrypted/plaintext. */
const CLASSES = ["pgpv3-pgp-ascii", "pgpv3-plaintext-ascii", "pgpv2-pgp-ascii", "pgpv2-plaintext-ascii"];

/** Checks the proof slashed `p`'s node for `code` with `detail`, the reward to the claim's reporter. */
async function expectSlashed(
  w: PushWorld,
  p: PushProof,
  node: string,
  code: number,
  detail: number,
  send: () => Promise<unknown>,
): Promise<void> {
  const stakeBefore = await w.stakeOf(node);
  const rewardBefore = await w.vault.rewardsOf(p.claim.reporter);
  await expect(send())
    .to.emit(w.slashing, "FaultProven")
    .withArgs(p.offenceId, node, code, p.claim.reporter, p.attestation.digest, detail, stakeBefore / 10n);
  const slashed = stakeBefore - (await w.stakeOf(node));
  expect(slashed).to.equal(stakeBefore / 10n);
  expect((await w.vault.rewardsOf(p.claim.reporter)) - rewardBefore).to.equal(slashed / 2n);
  expect(await w.slashing.isOffenceConsumed(p.offenceId)).to.equal(true);
}

describe("PushProofs: the attested struct", function () {
  it("TypeScript, ethers' TypedDataEncoder and the contract agree on the digest of every SDK vector, and the contract rebuilds the signed preimage byte for byte", async function () {
    const w = await loadFixture(deployPushWorld);
    expect(await w.proofs.PUSH_MESSAGE_TYPEHASH()).to.equal(PUSH_MESSAGE_TYPEHASH);
    for (const v of VECTORS) {
      const m = await attestedOf(w, v);
      const digest = pushMessageDigest(m, w.domain);
      const typed = TypedDataEncoder.hash(attestationDomain(w.domain), PUSH_MESSAGE_TYPES, {
        ...m.header,
        toDID: wtf8(bodyOf(v).toDID),
        body: m.body,
      });
      expect(digest, v.name).to.equal(typed);
      expect(await w.proofs.pushMessageDigest(m.header, m.body), v.name).to.equal(digest);
      expect(await w.proofs.pushMessageDigestHashed(m.header, pushFieldHashes(m.body)), v.name).to.equal(
        digest,
      );
      const pre = await w.proofs.preimage(m.body, m.header.sigType);
      expect(pre, v.name).to.equal(hexlify(toUtf8Bytes(v.preimage)));
      expect(getBytes(pre).length, v.name).to.equal(m.header.preimageSize);
    }
  });

  it("the digest is bound to the slashing deployment (chain and contract) and to every field", async function () {
    const w = await loadFixture(deployPushWorld);
    const m = await attestedOf(w, vector("pgpv3-pgp-ascii"));
    const d = pushMessageDigest(m, w.domain);
    expect(pushMessageDigest(m, { ...w.domain, chainId: w.domain.chainId + 1n })).to.not.equal(d);
    expect(
      pushMessageDigest(m, { ...w.domain, verifyingContract: w.users.alice.wallet.address }),
    ).to.not.equal(d);
    const changed: PushAttestedMessage[] = [
      { ...m, header: { ...m.header, timestamp: m.header.timestamp + 1n } },
      { ...m, header: { ...m.header, recipientKey: w.users.carol.keyHash } },
      { ...m, header: { ...m.header, toDID: keccak256(toUtf8Bytes("x")) } },
      { ...m, body: { ...m.body, messageObj: { ...m.body.messageObj, kind: 4 } } },
    ];
    for (const c of changed) expect(pushMessageDigest(c, w.domain)).to.not.equal(d);
  });
});

describe("PushProofs: an honest attestation of an SDK message proves nothing", function () {
  for (const name of CLASSES) {
    it(`${name}: valid for validatePushMessage; every proof reverts with PushProofsNoFault`, async function () {
      const w = await loadFixture(deployPushWorld);
      const v = vector(name);
      // The node's own check first, with the registered keys.
      const keys: Record<string, RegisteredPushKey[]> = {};
      for (const u of Object.values(w.users))
        keys[u.wallet.address] = [{ keyHash: u.keyHash, publicKey: getBytes(u.publicKey) }];
      const verdict = await validatePushMessage(v.body, {
        keys: { activeKeys: async (a) => keys[ethers.getAddress(a)] ?? [] },
      });
      expect(verdict.ok, JSON.stringify(verdict)).to.equal(true);

      const node = await w.registerNode();
      const p = await attestPush(w, node, await attestedOf(w, v), signatureOf(v));
      const c = p.claim;
      expect(await w.proofs.malformedReason(p.m.header, p.m.body, p.attestation)).to.equal(0);
      await expect(w.proofs.provePushMalformed(...fullArgs(p), c))
        .to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault")
        .withArgs(Fault.Malformed);
      await expect(w.proofs.provePushMalformedHashed(...hashedArgs(p), c))
        .to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault")
        .withArgs(Fault.Malformed);
      await expect(w.proofs.provePushUnauthorizedSender(...hashedArgs(p), c))
        .to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault")
        .withArgs(Fault.UnauthorizedSender);
      // Plaintext to dave: no key of dave is active (bob's key is bob's).
      await expect(w.proofs.provePushWrongEncryption(...hashedArgs(p), w.users.bob.keyHash, c))
        .to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault")
        .withArgs(Fault.WrongEncryption);
      await expect(w.proofs.provePushBadSignature(...fullArgs(p), p.signature, w.users.alice.publicKey, c))
        .to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault")
        .withArgs(Fault.BadSignature);
      expect(await w.stakeOf(node.address)).to.be.greaterThan(0n);
    });
  }

  it("every SDK vector verifies on chain (BAD_SIGNATURE proof reverts), Unicode, controls and the 8,000-character one included", async function () {
    const w = await loadFixture(deployPushWorld);
    const node = await w.registerNode();
    for (const v of VECTORS) {
      const p = await attestPush(w, node, await attestedOf(w, v), signatureOf(v));
      await expect(
        w.proofs.provePushBadSignature(...fullArgs(p), p.signature, w.users.alice.publicKey, p.claim),
        v.name,
      ).to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault");
    }
  });
});

describe("PushProofs: each fault class is proven from a faulty attestation", function () {
  /** A variant of a vector's body, attested by a fresh node, proven by `prove`; checks the detail. */
  async function malformed(
    w: PushWorld,
    name: string,
    change: (b: PushMessageBody) => void,
    detail: number,
    patch: (m: PushAttestedMessage) => void = () => undefined,
  ): Promise<void> {
    const v = vector(name);
    const body = bodyOf(v);
    change(body);
    const m = await attestedOf(w, v, body);
    patch(m);
    const node = await w.registerNode();
    const p = await attestPush(w, node, m, signatureOf(v));
    expect(await w.proofs.malformedReason(p.m.header, p.m.body, p.attestation)).to.equal(detail);
    await expectSlashed(w, p, node.address, Fault.Malformed, detail, () =>
      w.proofs.provePushMalformed(...fullArgs(p), p.claim),
    );
  }

  it("MALFORMED by the fields: encType, DIDs (format, EIP-55 checksum, address), CAIP10 mismatches, messageType, sessionKey, encryptedSecret, messageObj, preimage size", async function () {
    const w = await loadFixture(deployPushWorld);
    const flipCase = (did: string): string => {
      const i = [...did].findIndex((ch, k) => k > 9 && /[a-fA-F]/.test(ch));
      const ch = did[i];
      return (
        did.slice(0, i) + (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) + did.slice(i + 1)
      );
    };
    await malformed(w, "pgpv3-pgp-ascii", (b) => (b.encType = "pgpv1:group"), Reason.EncType);
    await malformed(w, "pgpv3-pgp-ascii", (b) => (b.encType = "plaintext"), Reason.EncType);
    await malformed(
      w,
      "pgpv3-pgp-ascii",
      (b) => {
        b.fromDID = flipCase(b.fromDID);
        b.fromCAIP10 = b.fromDID;
      },
      Reason.FromDid,
    );
    await malformed(
      w,
      "pgpv3-pgp-ascii",
      (b) => {
        b.fromDID = b.fromDID.replace("eip155:", "eip155:1:");
        b.fromCAIP10 = b.fromDID;
      },
      Reason.FromDid,
    );
    await malformed(
      w,
      "pgpv3-pgp-ascii",
      (b) => (b.fromCAIP10 = b.fromDID.toLowerCase()),
      Reason.FromCaip10Mismatch,
    );
    await malformed(
      w,
      "pgpv3-pgp-ascii",
      (b) => (b.toCAIP10 = b.toDID.toLowerCase()),
      Reason.ToCaip10Mismatch,
    );
    await malformed(
      w,
      "pgpv2-pgp-ascii",
      (b) => {
        b.toDID = `eip155:${w.users.carol.wallet.address}`;
        b.toCAIP10 = b.toDID;
      },
      Reason.ToDid,
    );
    await malformed(w, "pgpv3-pgp-ascii", (b) => (b.messageType = "Meta"), Reason.MessageType);
    await malformed(w, "pgpv3-pgp-ascii", (b) => (b.messageType = ""), Reason.MessageType);
    await malformed(w, "pgpv3-pgp-ascii", (b) => (b.sessionKey = "k"), Reason.SessionKey);
    await malformed(w, "pgpv3-pgp-ascii", (b) => (b.encryptedSecret = ""), Reason.EncryptedSecret);
    await malformed(w, "pgpv3-plaintext-ascii", (b) => (b.encryptedSecret = "x"), Reason.EncryptedSecret);
    await malformed(w, "pgpv3-pgp-ascii", (b) => (b.messageObj = { content: "hi" }), Reason.MessageObj);
    await malformed(
      w,
      "pgpv3-plaintext-ascii",
      () => undefined,
      Reason.MessageObj,
      (m) => {
        m.body.messageObj = { kind: 4, data: toUtf8Bytes("123") };
      },
    );
    await malformed(
      w,
      "pgpv3-plaintext-ascii",
      () => undefined,
      Reason.PreimageSize,
      (m) => {
        m.header.preimageSize -= 1;
      },
    );
  });

  it("MALFORMED from the field hashes alone: sigType, same address, clock skew, preimage over maxContentSize, signature over 4096 bytes", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-pgp-ascii");
    const t = await now();
    const cases: [number, (m: PushAttestedMessage) => void, bigint?, number?][] = [
      [Reason.SigType, (m) => (m.header.sigType = 4)],
      [Reason.SameAddress, (m) => (m.header.to = m.header.from)],
      [Reason.ClockSkew, (m) => (m.header.timestamp = t - 16n * BigInt(MINUTE))],
      [Reason.PreimageTooLarge, (m) => (m.header.preimageSize = 64 * 1024 + 1)],
      [Reason.SignatureTooLarge, () => undefined, undefined, 4097],
    ];
    for (const [detail, patch, , signatureSize] of cases) {
      const m = await attestedOf(w, v, bodyOf(v), t);
      patch(m);
      const node = await w.registerNode();
      const p = await attestPush(w, node, m, signatureOf(v), {
        attestedAt: t,
        overrides: signatureSize ? { signatureSize } : {},
      });
      await expectSlashed(w, p, node.address, Fault.Malformed, detail, () =>
        w.proofs.provePushMalformedHashed(...hashedArgs(p), p.claim),
      );
    }
  });

  it("UNAUTHORIZED_SENDER: a key that is not the sender's, a revoked one; a key added within the state lag is no proof", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-pgp-ascii");
    const m = await attestedOf(w, v);
    m.header.senderKey = w.users.carol.keyHash; // carol's key, not alice's
    const node = await w.registerNode();
    const p = await attestPush(w, node, m, signatureOf(v));
    await expectSlashed(w, p, node.address, Fault.UnauthorizedSender, 0, () =>
      w.proofs.provePushUnauthorizedSender(...hashedArgs(p), p.claim),
    );

    // alice revokes her key; a message attested 20 minutes later with it is unauthorized.
    await (await w.keys.connect(w.users.alice.wallet).revokeKey(w.users.alice.keyHash)).wait();
    await increaseTime(20 * MINUTE);
    const node2 = await w.registerNode();
    const p2 = await attestPush(w, node2, await attestedOf(w, v), signatureOf(v));
    await expectSlashed(w, p2, node2.address, Fault.UnauthorizedSender, 0, () =>
      w.proofs.provePushUnauthorizedSender(...hashedArgs(p2), p2.claim),
    );

    // bob adds a key and a message is dated at the addition, attested a minute later: the node may not have seen
    // it (state lag), so the key's absence before is no proof.
    const k = await vectorKey("p256");
    const added = await w.addKey(w.bob, k);
    const fresh = await attestedOf(w, v, bodyOf(v), added);
    fresh.header.from = w.bob.address;
    fresh.header.senderKey = k.keyHash;
    const node3 = await w.registerNode();
    const p3 = await attestPush(w, node3, fresh, signatureOf(v), { attestedAt: added + 60n });
    await expect(
      w.proofs.provePushUnauthorizedSender(...hashedArgs(p3), p3.claim),
    ).to.be.revertedWithCustomError(w.slashing, "SlashingStateLag");
  });

  it("WRONG_ENCRYPTION: PlainText to a recipient with an active key; pgp to a recipient key that is not active", async function () {
    const w = await loadFixture(deployPushWorld);
    const plain = vector("pgpv3-plaintext-ascii");
    const body = bodyOf(plain);
    body.toDID = `eip155:${w.users.bob.wallet.address}`;
    body.toCAIP10 = body.toDID;
    const m = await attestedOf(w, { ...plain, to: w.users.bob.wallet.address }, body);
    const node = await w.registerNode();
    const p = await attestPush(w, node, m, signatureOf(plain));
    await expect(
      w.proofs.provePushWrongEncryption(...hashedArgs(p), w.users.carol.keyHash, p.claim),
    ).to.be.revertedWithCustomError(w.proofs, "PushProofsNoFault");
    await expectSlashed(w, p, node.address, Fault.WrongEncryption, 0, () =>
      w.proofs.provePushWrongEncryption(...hashedArgs(p), w.users.bob.keyHash, p.claim),
    );

    const enc = vector("pgpv3-pgp-ascii");
    const m2 = await attestedOf(w, enc);
    m2.header.recipientKey = w.users.carol.keyHash; // carol's key, not bob's
    const node2 = await w.registerNode();
    const p2 = await attestPush(w, node2, m2, signatureOf(enc));
    await expectSlashed(w, p2, node2.address, Fault.WrongEncryption, 0, () =>
      w.proofs.provePushWrongEncryption(...hashedArgs(p2), ethers.ZeroHash, p2.claim),
    );
  });

  for (const name of CLASSES) {
    it(`BAD_SIGNATURE (${name}): a twin with one changed signed field, under the SDK's signature; and a signature of another size`, async function () {
      const w = await loadFixture(deployPushWorld);
      const v = vector(name);
      const body = bodyOf(v);
      body.messageType = "Image"; // signed by pgpv2 and pgpv3
      const node = await w.registerNode();
      const p = await attestPush(w, node, await attestedOf(w, v, body), signatureOf(v));
      expect(pushPreimage(body, v.version as "pgpv3" | "pgpv2")).to.not.equal(v.preimage);
      await expect(
        w.proofs.provePushBadSignature(...fullArgs(p), p.signature, w.users.carol.publicKey, p.claim),
      ).to.be.revertedWithCustomError(w.proofs, "PushProofsSenderKeyMismatch");
      const tx = () =>
        w.proofs.provePushBadSignature(...fullArgs(p), p.signature, w.users.alice.publicKey, p.claim);
      const stakeBefore = await w.stakeOf(node.address);
      const receipt = await (await tx()).wait();
      const ev = receipt!.logs
        .map((l) => {
          try {
            return w.slashing.interface.parseLog(l);
          } catch {
            return null;
          }
        })
        .find((e) => e?.name === "FaultProven");
      expect(ev!.args.faultCode).to.equal(Fault.BadSignature);
      expect(ev!.args.detail).to.not.equal(0);
      expect(ev!.args.reporter).to.equal(p.claim.reporter);
      expect(stakeBefore - (await w.stakeOf(node.address))).to.equal(stakeBefore / 10n);

      const node2 = await w.registerNode();
      const p2 = await attestPush(w, node2, await attestedOf(w, v), signatureOf(v), {
        overrides: { signatureSize: signatureOf(v).length + 1 },
      });
      await expectSlashed(w, p2, node2.address, Fault.BadSignature, 255, () =>
        w.proofs.provePushBadSignature(...fullArgs(p2), p2.signature, "0x", p2.claim),
      );
    });
  }
});

describe("PushProofs: one message, one slash; the reward to the committed reporter; access", function () {
  it("a second proof of the same attested message under another fault code reverts SlashingOffenceConsumed; so does one after the court consumed it", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-pgp-ascii");
    const body = bodyOf(v);
    body.encType = "pgpv1:group"; // MALFORMED, and its signature no longer verifies (BAD_SIGNATURE)
    const m = await attestedOf(w, v, body);
    m.header.senderKey = w.users.carol.keyHash; // and UNAUTHORIZED_SENDER
    const node = await w.registerNode();
    const p = await attestPush(w, node, m, signatureOf(v));
    await expectSlashed(w, p, node.address, Fault.Malformed, Reason.EncType, () =>
      w.proofs.provePushMalformed(...fullArgs(p), p.claim),
    );
    const c2 = await w.commit(p.offenceId);
    await expect(w.proofs.provePushUnauthorizedSender(...hashedArgs(p), c2))
      .to.be.revertedWithCustomError(w.slashing, "SlashingOffenceConsumed")
      .withArgs(p.offenceId);
    await expect(w.proofs.provePushMalformed(...fullArgs(p), c2)).to.be.revertedWithCustomError(
      w.slashing,
      "SlashingOffenceConsumed",
    );

    // The court's ledger is the same: an offence it decided cannot be proven here.
    const node2 = await w.registerNode();
    const q = await attestPush(w, node2, m, signatureOf(v));
    await w.slashing.connect(w.governor).grantRole(await w.slashing.COURT_ROLE(), w.governor.address);
    await w.slashing.connect(w.governor).consumeOffence(q.offenceId);
    await expect(w.proofs.provePushMalformed(...fullArgs(q), q.claim)).to.be.revertedWithCustomError(
      w.slashing,
      "SlashingOffenceConsumed",
    );
    expect(await w.stakeOf(node2.address)).to.be.greaterThan(0n);
  });

  it("the reward goes to the claim's reporter whoever sends the proof; a claim without an earlier commitment reverts", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-pgp-ascii");
    const m = await attestedOf(w, v);
    m.header.senderKey = w.users.carol.keyHash;
    const node = await w.registerNode();
    const p = await attestPush(w, node, m, signatureOf(v));
    const copier = { reporter: w.other.address, salt: p.claim.salt };
    await expect(
      w.proofs.connect(w.other).provePushUnauthorizedSender(...hashedArgs(p), copier),
    ).to.be.revertedWithCustomError(w.slashing, "SlashingCommitmentMissing");
    const otherBefore = await w.vault.rewardsOf(w.other.address);
    await expectSlashed(w, p, node.address, Fault.UnauthorizedSender, 0, () =>
      w.proofs.connect(w.other).provePushUnauthorizedSender(...hashedArgs(p), p.claim),
    );
    expect(await w.vault.rewardsOf(w.other.address)).to.equal(otherBefore);
  });

  it("a forged digest, a node without stake, a paused Slashing; slashPushFault only for PUSH_PROVER_ROLE and message faults", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-pgp-ascii");
    const m = await attestedOf(w, v);
    m.header.senderKey = w.users.carol.keyHash;
    const node = await w.registerNode();
    const p = await attestPush(w, node, m, signatureOf(v));
    const other = { ...m, header: { ...m.header, timestamp: m.header.timestamp + 1n } };
    await expect(
      w.proofs.provePushUnauthorizedSender(
        other.header,
        pushFieldHashes(m.body),
        p.attestation,
        p.nodeSignature,
        p.claim,
      ),
    ).to.be.revertedWithCustomError(w.proofs, "PushProofsDigestMismatch");

    const stranger = ethers.Wallet.createRandom();
    const q = await attestPush(w, new ethers.Wallet(stranger.privateKey, ethers.provider), m, signatureOf(v));
    await expect(w.proofs.provePushUnauthorizedSender(...hashedArgs(q), q.claim))
      .to.be.revertedWithCustomError(w.slashing, "SlashingNodeWithoutStake")
      .withArgs(stranger.address);

    await w.slashing.connect(w.guardian).pause();
    await expect(
      w.proofs.provePushUnauthorizedSender(...hashedArgs(p), p.claim),
    ).to.be.revertedWithCustomError(w.slashing, "SlashingPaused");
    await w.slashing.connect(w.governor).unpause();

    await expect(
      w.slashing.connect(w.other).slashPushFault(p.attestation, p.nodeSignature, Fault.Malformed, 1, p.claim),
    ).to.be.revertedWithCustomError(w.slashing, "AccessControlUnauthorizedAccount");
    await w.slashing.connect(w.governor).grantRole(await w.slashing.PUSH_PROVER_ROLE(), w.other.address);
    await expect(
      w.slashing
        .connect(w.other)
        .slashPushFault(p.attestation, p.nodeSignature, Fault.Equivocation, 0, p.claim),
    )
      .to.be.revertedWithCustomError(w.slashing, "SlashingNotMessageFault")
      .withArgs(Fault.Equivocation);
    await expectSlashed(w, p, node.address, Fault.UnauthorizedSender, 0, () =>
      w.proofs.provePushUnauthorizedSender(...hashedArgs(p), p.claim),
    );
  });

  it("limits are those in force at attestedAt: a preimage over a raised maxContentSize attested before the raise stays provable", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-pgp-ascii");
    const m = await attestedOf(w, v);
    m.header.preimageSize = 100_000;
    const node = await w.registerNode();
    const p = await attestPush(w, node, m, signatureOf(v));
    await increaseTime(DAY);
    await w.slashing.connect(w.governor).setParam(Param.MaxContentSize, 1024 * 1024);
    await increaseTime(2 * DAY);
    await expectSlashed(w, p, node.address, Fault.Malformed, Reason.PreimageTooLarge, () =>
      w.proofs.provePushMalformedHashed(...hashedArgs(p), p.claim),
    );
  });
});

describe("PushProofs: gas ceilings (issue 13)", function () {
  it("provePushBadSignature <= 320,000 for an encrypted 1.3 KiB SDK message (full RSA-2048 check); provePushUnauthorizedSender <= 180,000", async function () {
    const w = await loadFixture(deployPushWorld);
    const enc = vector("pgpv3-pgp-ascii");
    // A first proof credits the reporter (the figures are a repeat reporter's, as scripts/bench/slashing.ts).
    const m0 = await attestedOf(w, enc);
    m0.header.senderKey = w.users.carol.keyHash;
    const p0 = await attestPush(w, await w.registerNode(), m0, signatureOf(enc));
    await (await w.proofs.provePushUnauthorizedSender(...hashedArgs(p0), p0.claim)).wait();

    const corrupt = getBytes(enc.signature);
    corrupt[corrupt.length - 1] ^= 1;
    const p1 = await attestPush(w, await w.registerNode(), await attestedOf(w, enc), corrupt);
    const r1 = await (
      await w.proofs.provePushBadSignature(
        ...fullArgs(p1),
        hexlify(corrupt),
        w.users.alice.publicKey,
        p1.claim,
      )
    ).wait();
    expect(r1!.gasUsed).to.be.lessThanOrEqual(320_000n);

    const m2 = await attestedOf(w, enc);
    m2.header.senderKey = w.users.carol.keyHash;
    const p2 = await attestPush(w, await w.registerNode(), m2, signatureOf(enc));
    const r2 = await (await w.proofs.provePushUnauthorizedSender(...hashedArgs(p2), p2.claim)).wait();
    expect(r2!.gasUsed).to.be.lessThanOrEqual(180_000n);
  });
});
