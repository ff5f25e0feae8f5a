import { expect } from "chai";
import { Wallet, getAddress, getBytes, hexlify } from "ethers";
import { encodeSignedAttestation, signAttestation } from "../../src/message";
import type { CheckParams } from "../../src/message";
import {
  attestPushMessage,
  decodePushMessage,
  encodePushAttested,
  pushAttestedMessageOf,
  pushMessageDigest,
} from "../../src/message/push";
import type { PushAttestedMessage, PushMessageBody, PushSigVersion } from "../../src/message/push";
import { signatureHashOf } from "../../src/message/attestation";
import type { ItemVerdict } from "../../src/validator/validate";
import { InlineValidator, WorkerPoolValidator } from "../../src/validator/worker-pool";
import type { RecordsSource } from "../../src/validator/key-source";
import { openKeyView } from "../../src/validator/key-source";
import messagesJson from "../fixtures/push/messages.json";
import profilesJson from "../fixtures/push/profiles.json";

/**
 * Validation of Push feed items (kind "push", PushFeedItemJson) without a chain: the attestation, the digest and the
 * judge (judgePushMessage), in the main thread and in two worker threads alike, for an honest item, one per fault
 * class, and the items that prove nothing (a digest of another struct, a forged attestation, an undecodable item).
 */
describe("validator: validation of Push feed items", function () {
  const domain = { chainId: 31337n, verifyingContract: getAddress("0x" + "5e".repeat(20)) };
  const params: CheckParams = { maxContentSize: 65536, maxClockSkew: 900n, stateLag: 600n };
  const T = 1_750_000_000n;
  const node = new Wallet("0x" + "42".repeat(32));
  const user = (name: string) => profilesJson.profiles.find((p) => p.name === name)!;
  const [alice, bob, carol] = [user("alice"), user("bob"), user("carol")];
  const source: RecordsSource = {
    kind: "records",
    records: [alice, bob, carol].map((p) => ({
      owner: p.address,
      publicKey: getBytes(p.publicKey),
      addedAt: 1_000n,
      revokedAt: null,
    })),
  };

  function struct(
    name: string,
    change: Partial<PushMessageBody> = {},
    meta: { senderKey?: string; to?: string; recipientKey?: string | null } = {},
  ): { m: PushAttestedMessage; signature: Uint8Array } {
    const v = messagesJson.messages.find((x) => x.name === name)!;
    const m = pushAttestedMessageOf(
      { ...decodePushMessage(v.body), ...change },
      v.version as PushSigVersion,
      v.from,
      meta.to ?? v.to,
      {
        timestamp: T,
        senderKey: meta.senderKey ?? alice.keyHash,
        recipientKey:
          meta.recipientKey !== undefined ? meta.recipientKey : v.encType === "pgp" ? bob.keyHash : null,
      },
    );
    return { m, signature: getBytes(v.signature) };
  }

  async function item(
    s: { m: PushAttestedMessage; signature: Uint8Array },
    opts: { signer?: Wallet; digestOf?: PushAttestedMessage } = {},
  ): Promise<unknown> {
    const signer = opts.signer ?? node;
    const a = opts.digestOf
      ? await signAttestation(
          signer,
          {
            digest: pushMessageDigest(opts.digestOf, domain),
            signatureHash: signatureHashOf(s.signature),
            signatureSize: s.signature.length,
            sequence: 1n,
            attestedAt: T,
          },
          domain,
        )
      : await attestPushMessage(signer, s.m, s.signature, { sequence: 1n, attestedAt: T }, domain);
    return {
      position: "1",
      kind: "push",
      push: { message: encodePushAttested(s.m), signature: hexlify(s.signature), body: {} },
      attestation: encodeSignedAttestation(a),
      cid: "x",
    };
  }

  function summary(v: ItemVerdict): unknown {
    if (v.kind !== "attested") return v.kind;
    const o = v.outcome;
    return o.status === "push-fault" ? `${o.fault.code}/${o.fault.method}` : o.status;
  }

  it("honest, one item per fault class, and items that prove nothing: the same verdicts in the main thread and in worker threads", async function () {
    const bobDid = `eip155:${getAddress(bob.address)}`;
    const honest = struct("pgpv3-pgp-ascii");
    const cases: Array<[string, unknown, unknown]> = [
      ["honest pgp", await item(honest), "valid"],
      ["honest plaintext", await item(struct("pgpv2-plaintext-ascii")), "valid"],
      [
        "MALFORMED (MessageType)",
        await item(struct("pgpv3-plaintext-ascii", { messageType: "Meta" })),
        "MALFORMED/provePushMalformed",
      ],
      [
        "UNAUTHORIZED_SENDER",
        await item(struct("pgpv3-pgp-ascii", {}, { senderKey: carol.keyHash })),
        "UNAUTHORIZED_SENDER/provePushUnauthorizedSender",
      ],
      [
        "WRONG_ENCRYPTION (PlainText to bob)",
        await item(
          struct(
            "pgpv3-plaintext-ascii",
            { toDID: bobDid, toCAIP10: bobDid },
            { to: bob.address, recipientKey: null },
          ),
        ),
        "WRONG_ENCRYPTION/provePushWrongEncryption",
      ],
      [
        "BAD_SIGNATURE (twin)",
        await item(struct("pgpv3-pgp-ascii", { messageType: "Image" })),
        "BAD_SIGNATURE/provePushBadSignature",
      ],
      ["digest of another struct", await item(honest, { digestOf: struct("pgpv2-pgp-ascii").m }), "mismatch"],
      ["signed by another key", await item(honest, { signer: new Wallet("0x" + "43".repeat(32)) }), "forged"],
      [
        "undecodable push part",
        { ...((await item(honest)) as object), push: { message: { header: {} }, signature: "0x00" } },
        "undecodable",
      ],
    ];
    const tasks = cases.map(([, it]) => ({ item: it, node: node.address, params, domain }));
    const inline = new InlineValidator(openKeyView(source).keys);
    const pool = await WorkerPoolValidator.start({ workers: 2, source });
    try {
      const [a, b] = await Promise.all([
        Promise.all(tasks.map((t) => inline.validate(t))),
        Promise.all(tasks.map((t) => pool.validate({ ...t, item: JSON.stringify(t.item) }))),
      ]);
      expect(a.map(summary)).to.deep.equal(cases.map(([, , want]) => want));
      expect(b.map(summary)).to.deep.equal(a.map(summary));
      const bad = a[5];
      expect(
        bad.kind === "attested" && bad.outcome.status === "push-fault" && bad.outcome.fault.publicKey,
      ).to.deep.equal(getBytes(alice.publicKey));
    } finally {
      await pool.close();
    }
  });
});
