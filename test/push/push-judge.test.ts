// The watcher's judge of attested Push messages (src/message/push/verdict.ts, judgePushMessage) and PushProofs agree:
// for every SDK vector and tampered twins of it, the judge's fault is the one the contract takes (the named proof
// goes through) and "valid" is what the contract says to every proof (PushProofsNoFault). One test per fault class
// also sends the validator's proof (src/validator/push-proofs.ts, buildPushProof) and checks the slash.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress, getBytes, hexlify } from "ethers";
import type { Wallet } from "ethers";
import { MemoryKeyView } from "../../src/message";
import { PushMalformedReason } from "../../src/message/push/judge";
import { pushAttestedMessageOf, wtf8 } from "../../src/message/push";
import type { PushAttestedMessage, PushMessageBody, PushSigVersion } from "../../src/message/push";
import { attestedPreimage } from "../../src/message/push/attested-preimage";
import { judgePushMessage } from "../../src/message/push/verdict";
import type { PushJudgement } from "../../src/message/push/verdict";
import { buildPushProof } from "../../src/validator/push-proofs";
import { revertData } from "../../src/errors";
import { DAY, Fault, now } from "../slashing/fixture";
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
import type { PushProof, PushVector, PushWorld } from "./proofs-fixture";

const ZERO32 = "0x" + "00".repeat(32);

/** The key registry's records of the SDK users, as the validator's chain index would hold them. */
async function keyViewOf(w: PushWorld): Promise<MemoryKeyView> {
  const kv = new MemoryKeyView();
  for (const u of Object.values(w.users)) {
    const r = await w.keys.keyOf(u.wallet.address, u.keyHash);
    kv.addKey(u.wallet.address, getBytes(u.publicKey), r.addedAt);
    if (r.revokedAt > 0n) kv.revokeKey(u.wallet.address, u.keyHash, r.revokedAt);
  }
  return kv;
}

interface Judged {
  p: PushProof;
  j: PushJudgement;
}

let sequence = 1n;

/** Attests `m` with `signature` by `node`, judges it, and checks that PushProofs agrees with the judgement. */
async function judgeAndCompare(
  w: PushWorld,
  kv: MemoryKeyView,
  node: Wallet,
  label: string,
  m: PushAttestedMessage,
  signature: Uint8Array,
  attestedAt?: bigint,
): Promise<Judged> {
  const p = await attestPush(w, node, m, signature, { sequence: sequence++, attestedAt });
  const [stateLag, maxContentSize, maxClockSkew] = await w.slashing.effectiveLimits(p.attestation.attestedAt);
  const j = await judgePushMessage({
    message: m,
    signature,
    attestation: p.attestation,
    keys: kv,
    limits: { stateLag, maxContentSize, maxClockSkew },
    domain: w.domain,
  });
  const c = p.claim;
  const senderKeyBytes =
    Object.values(w.users).find((u) => u.keyHash === m.header.senderKey)?.publicKey ??
    w.users.alice.publicKey;
  const calls: Record<string, (k?: string) => Promise<unknown>> = {
    provePushMalformed: () => w.proofs.provePushMalformed.staticCall(...fullArgs(p), c),
    provePushMalformedHashed: () => w.proofs.provePushMalformedHashed.staticCall(...hashedArgs(p), c),
    provePushUnauthorizedSender: () => w.proofs.provePushUnauthorizedSender.staticCall(...hashedArgs(p), c),
    provePushWrongEncryption: (k) =>
      w.proofs.provePushWrongEncryption.staticCall(...hashedArgs(p), k ?? ZERO32, c),
    provePushBadSignature: () =>
      w.proofs.provePushBadSignature.staticCall(...fullArgs(p), p.signature, senderKeyBytes, c),
  };
  const codes: Record<string, number> = {
    provePushMalformed: Fault.Malformed,
    provePushMalformedHashed: Fault.Malformed,
    provePushUnauthorizedSender: Fault.UnauthorizedSender,
    provePushWrongEncryption: Fault.WrongEncryption,
    provePushBadSignature: Fault.BadSignature,
  };
  expect(
    j.status,
    `${label}: ${JSON.stringify(j, (_, v) => (typeof v === "bigint" ? String(v) : v))}`,
  ).to.be.oneOf(["valid", "fault"]);
  if (j.status === "fault") {
    await calls[j.fault.method](j.fault.recipientActiveKey);
    expect((await w.proofs.malformedReason(p.m.header, p.m.body, p.attestation)) !== 0n).to.equal(
      j.fault.code === "MALFORMED",
      label,
    );
  } else {
    // Every proof reverts without a verdict: PushProofsNoFault (or SlashingStateLag, the key rule's "no verdict",
    // for a key record changed within the state lag); for plaintext, even naming bob's key (not the recipient's).
    for (const [method, call] of Object.entries(calls)) {
      const err = await call(w.users.bob.keyHash).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `${label}: ${method} went through`).to.not.equal(null);
      const data = revertData(err) ?? "0x";
      const parsed = w.proofs.interface.parseError(data) ?? w.slashing.interface.parseError(data);
      expect(parsed?.name, `${label}: ${method}`).to.be.oneOf(["PushProofsNoFault", "SlashingStateLag"]);
      if (parsed?.name === "PushProofsNoFault") expect(parsed.args[0], label).to.equal(BigInt(codes[method]));
    }
  }
  return { p, j };
}

/** The struct of `body` from `v`'s sender to `to` (default the vector's recipient). */
async function structOf(
  w: PushWorld,
  v: PushVector,
  body: PushMessageBody,
  to: string = v.to,
  meta: { senderKey?: string; recipientKey?: string | null } = {},
): Promise<PushAttestedMessage> {
  return pushAttestedMessageOf(body, v.version as PushSigVersion, v.from, to, {
    timestamp: await now(),
    senderKey: meta.senderKey ?? w.users.alice.keyHash,
    recipientKey:
      meta.recipientKey !== undefined ? meta.recipientKey : v.encType === "pgp" ? w.users.bob.keyHash : null,
  });
}

/** Sends the validator's proof of `judged` and checks the slash: the node loses 10%, the reporter gets half. */
async function proveAndSlash(w: PushWorld, node: Wallet, judged: Judged, detail: number): Promise<void> {
  const { p, j } = judged;
  if (j.status !== "fault") throw new Error("no fault to prove");
  const [, maxContentSize, maxClockSkew] = await w.slashing.effectiveLimits(p.attestation.attestedAt);
  const proof = buildPushProof({
    fault: j.fault,
    node: node.address,
    message: p.m,
    attestation: { ...p.attestation, signature: p.nodeSignature },
    signature: p.signature,
    limits: { maxContentSize, maxClockSkew },
    claim: p.claim,
    pushProofs: await w.proofs.getAddress(),
    domain: w.domain,
  });
  expect(proof.offenceId).to.equal(p.offenceId);
  expect(proof.target).to.equal(await w.proofs.getAddress());
  const stake = await w.stakeOf(node.address);
  await expect(w.other.sendTransaction({ to: proof.target, data: proof.data }))
    .to.emit(w.slashing, "FaultProven")
    .withArgs(
      p.offenceId,
      node.address,
      Fault[codeName(j.fault.code)],
      p.claim.reporter,
      p.attestation.digest,
      detail,
      stake / 10n,
    );
  expect(await w.slashing.isOffenceConsumed(p.offenceId)).to.equal(true);
}

function codeName(code: string): "Malformed" | "UnauthorizedSender" | "WrongEncryption" | "BadSignature" {
  return (
    {
      MALFORMED: "Malformed",
      UNAUTHORIZED_SENDER: "UnauthorizedSender",
      WRONG_ENCRYPTION: "WrongEncryption",
      BAD_SIGNATURE: "BadSignature",
    } as const
  )[code as "MALFORMED"];
}

describe("Push judge (judgePushMessage) and PushProofs agree", function () {
  it("every SDK vector: the preimage rebuilt from the attested fields is the contract's; an honest attestation is valid for both; a twin with another messageType and one with a corrupted signature are BAD_SIGNATURE for both", async function () {
    const w = await loadFixture(deployPushWorld);
    const kv = await keyViewOf(w);
    const node = await w.registerNode();
    for (const v of VECTORS) {
      const m = await attestedOf(w, v);
      expect(hexlify(attestedPreimage(m.body, m.header.sigType)), v.name).to.equal(
        await w.proofs.preimage(m.body, m.header.sigType),
      );
      const honest = await judgeAndCompare(w, kv, node, v.name, m, signatureOf(v));
      expect(honest.j.status, v.name).to.equal("valid");

      const twin = await attestedOf(w, v, { ...bodyOf(v), messageType: "Image" });
      const t = await judgeAndCompare(w, kv, node, `${v.name} twin`, twin, signatureOf(v));
      expect(t.j.status === "fault" && t.j.fault.code, v.name).to.equal("BAD_SIGNATURE");

      const corrupted = signatureOf(v).slice();
      corrupted[corrupted.length - 5] ^= 0x40;
      const c = await judgeAndCompare(w, kv, node, `${v.name} corrupted`, m, corrupted);
      expect(c.j.status === "fault" && c.j.fault.code, v.name).to.equal("BAD_SIGNATURE");
    }
  });

  it("MALFORMED: a header reason (ClockSkew) goes to the hashed form, a field reason (MessageType) to the full one; both slash", async function () {
    const w = await loadFixture(deployPushWorld);
    const kv = await keyViewOf(w);
    const node = await w.registerNode();
    const v = vector("pgpv3-plaintext-ascii");
    const skewed = await attestedOf(w, v, bodyOf(v), (await now()) - BigInt(DAY));
    const a = await judgeAndCompare(w, kv, node, "clock skew", skewed, signatureOf(v), await now());
    expect(a.j.status === "fault" && [a.j.fault.method, a.j.fault.detail]).to.deep.equal([
      "provePushMalformedHashed",
      PushMalformedReason.ClockSkew,
    ]);
    await proveAndSlash(w, node, a, PushMalformedReason.ClockSkew);

    const node2 = await w.registerNode();
    const meta = await attestedOf(w, v, { ...bodyOf(v), messageType: "Meta" });
    const b = await judgeAndCompare(w, kv, node2, "Meta", meta, signatureOf(v));
    expect(b.j.status === "fault" && [b.j.fault.method, b.j.fault.detail]).to.deep.equal([
      "provePushMalformed",
      PushMalformedReason.MessageType,
    ]);
    await proveAndSlash(w, node2, b, PushMalformedReason.MessageType);
  });

  it("UNAUTHORIZED_SENDER: the message attested with carol's key as senderKey; slashes", async function () {
    const w = await loadFixture(deployPushWorld);
    const kv = await keyViewOf(w);
    const node = await w.registerNode();
    const v = vector("pgpv3-pgp-ascii");
    const m = await structOf(w, v, bodyOf(v), v.to, { senderKey: w.users.carol.keyHash });
    const r = await judgeAndCompare(w, kv, node, "carol's key", m, signatureOf(v));
    expect(r.j.status === "fault" && r.j.fault.code).to.equal("UNAUTHORIZED_SENDER");
    await proveAndSlash(w, node, r, 0);
  });

  it("WRONG_ENCRYPTION: pgp to a key that is not the recipient's, and PlainText to a recipient with a key; both slash", async function () {
    const w = await loadFixture(deployPushWorld);
    const kv = await keyViewOf(w);
    const v = vector("pgpv3-pgp-ascii");
    const node = await w.registerNode();
    const wrongKey = await structOf(w, v, bodyOf(v), v.to, { recipientKey: w.users.carol.keyHash });
    const a = await judgeAndCompare(w, kv, node, "pgp to carol's key", wrongKey, signatureOf(v));
    expect(a.j.status === "fault" && a.j.fault.rule).to.equal("RECIPIENT_KEY_INACTIVE");
    await proveAndSlash(w, node, a, 0);

    // PlainText to bob, who has a key: the proof names bob's key (recipientActiveKey).
    const p = vector("pgpv3-plaintext-ascii");
    const bob = getAddress(w.users.bob.wallet.address);
    const body = { ...bodyOf(p), toDID: `eip155:${bob}`, toCAIP10: `eip155:${bob}` };
    const node2 = await w.registerNode();
    const plain = await structOf(w, p, body, bob, { recipientKey: null });
    expect(plain.body.toCAIP10).to.deep.equal(wtf8(`eip155:${bob}`));
    const b = await judgeAndCompare(w, kv, node2, "plaintext to bob", plain, signatureOf(p));
    expect(b.j.status === "fault" && [b.j.fault.rule, b.j.fault.recipientActiveKey]).to.deep.equal([
      "PLAINTEXT_TO_KEYED_RECIPIENT",
      w.users.bob.keyHash,
    ]);
    await proveAndSlash(w, node2, b, 0);
  });

  it("BAD_SIGNATURE: the SDK's signature over a twin, and a signature whose length is not the attested size; both slash", async function () {
    const w = await loadFixture(deployPushWorld);
    const kv = await keyViewOf(w);
    const v = vector("pgpv2-pgp-ascii");
    const node = await w.registerNode();
    const twin = await attestedOf(w, v, { ...bodyOf(v), messageObj: "U2FsdGVkX1+other" });
    const a = await judgeAndCompare(w, kv, node, "twin", twin, signatureOf(v));
    expect(a.j.status === "fault" && a.j.fault.code).to.equal("BAD_SIGNATURE");
    await proveAndSlash(w, node, a, 17); // OpenPgpSignature.Status.SignedHashMismatch

    // The attestation commits to a signatureSize one byte longer than the signature: detail 255.
    const node2 = await w.registerNode();
    const m = await attestedOf(w, v);
    const sig = signatureOf(v);
    const p = await attestPush(w, node2, m, sig, { overrides: { signatureSize: sig.length + 1 } });
    const [stateLag, maxContentSize, maxClockSkew] = await w.slashing.effectiveLimits(
      p.attestation.attestedAt,
    );
    const j = await judgePushMessage({
      message: m,
      signature: sig,
      attestation: p.attestation,
      keys: kv,
      limits: { stateLag, maxContentSize, maxClockSkew },
      domain: w.domain,
    });
    expect(j.status === "fault" && [j.fault.code, j.fault.detail]).to.deep.equal(["BAD_SIGNATURE", 255]);
    await proveAndSlash(w, node2, { p, j }, 255);
  });

  it("no verdict from the wrong data: a digest of another struct, or a signature that is not the attested one, is a mismatch", async function () {
    const w = await loadFixture(deployPushWorld);
    const kv = await keyViewOf(w);
    const v = vector("pgpv3-pgp-ascii");
    const node = await w.registerNode();
    const m = await attestedOf(w, v);
    const p = await attestPush(w, node, m, signatureOf(v));
    const limits = { stateLag: 600n, maxContentSize: 65536n, maxClockSkew: 900n };
    const other = { ...m, header: { ...m.header, timestamp: m.header.timestamp + 1n } };
    const a = await judgePushMessage({
      message: other,
      signature: signatureOf(v),
      attestation: p.attestation,
      keys: kv,
      limits,
      domain: w.domain,
    });
    expect(a.status).to.equal("mismatch");
    await expect(
      w.proofs.provePushUnauthorizedSender(...hashedArgs({ ...p, m: other }), p.claim),
    ).to.be.revertedWithCustomError(w.proofs, "PushProofsDigestMismatch");
    const sig = signatureOf(v).slice();
    sig[10] ^= 1;
    const b = await judgePushMessage({
      message: m,
      signature: sig,
      attestation: p.attestation,
      keys: kv,
      limits,
      domain: w.domain,
    });
    expect(b.status).to.equal("mismatch");
    await expect(
      w.proofs.provePushBadSignature(...fullArgs(p), sig, w.users.alice.publicKey, p.claim),
    ).to.be.revertedWithCustomError(w.proofs, "PushProofsSignatureHashMismatch");
    expect(await ethers.provider.getBlockNumber()).to.be.greaterThan(0);
  });

  it("state lag: a sender key revoked just before the message is excused by the judge (then valid) and SlashingStateLag on chain", async function () {
    const w = await loadFixture(deployPushWorld);
    const v = vector("pgpv3-pgp-ascii");
    await (await w.keys.connect(w.users.alice.wallet).revokeKey(w.users.alice.keyHash)).wait();
    const kv = await keyViewOf(w);
    const node = await w.registerNode();
    const m = await attestedOf(w, v);
    const p = await attestPush(w, node, m, signatureOf(v));
    const [stateLag, maxContentSize, maxClockSkew] = await w.slashing.effectiveLimits(
      p.attestation.attestedAt,
    );
    const j = await judgePushMessage({
      message: m,
      signature: signatureOf(v),
      attestation: p.attestation,
      keys: kv,
      limits: { stateLag, maxContentSize, maxClockSkew },
      domain: w.domain,
    });
    expect(j.status).to.equal("valid");
    expect(j.status === "valid" && j.excused.map((f) => f.rule)).to.deep.equal(["SENDER_KEY_INACTIVE"]);
    await expect(
      w.proofs.provePushUnauthorizedSender(...hashedArgs(p), p.claim),
    ).to.be.revertedWithCustomError(w.slashing, "SlashingStateLag");
    // Past the state lag, the same revocation is a fault for both.
    const later = await attestPush(w, node, m, signatureOf(v), {
      sequence: 2n,
      attestedAt: m.header.timestamp + stateLag,
    });
    const k = await judgePushMessage({
      message: m,
      signature: signatureOf(v),
      attestation: later.attestation,
      keys: kv,
      limits: { stateLag, maxContentSize, maxClockSkew },
      domain: w.domain,
    });
    expect(k.status === "fault" && k.fault.code).to.equal("UNAUTHORIZED_SENDER");
    await w.proofs.provePushUnauthorizedSender.staticCall(...hashedArgs(later), later.claim);
  });
});
