import { expect } from "chai";
import fc from "fast-check";
import {
  TypedDataEncoder,
  Wallet,
  getAddress,
  hexlify,
  keccak256,
  toUtf8Bytes,
  verifyTypedData,
  ZeroHash,
} from "ethers";
import {
  ATTESTATION_TYPE,
  ATTESTATION_TYPEHASH,
  ATTESTATION_TYPES,
  CHAT_DOMAIN_SEPARATOR,
  MESSAGE_TYPE,
  MESSAGE_TYPEHASH,
  MESSAGE_TYPES,
  UINT64_MAX,
  attestationDigest,
  attestationDomain,
  attestationDomainSeparator,
  decodeEnvelope,
  decodeSignedAttestation,
  detectEquivocation,
  detectNonMonotonic,
  messageDigest,
  recoverAttestationSigner,
  signAttestation,
  signatureHashOf,
} from "../../src/message";
import type { Message } from "../../src/message";
import { messageDigestViaEthers } from "../../src/message/digest";
import { eip712Preimage, encodeStaticWords } from "../../src/message/abi-words";
import { keccakBytes } from "../../src/message/keccak-bytes";
import { hex0x } from "../../src/util/hex";
import { useNativeKeccak } from "../../src/validator/native-hash";
import { keccak_256 } from "@noble/hashes/sha3";
import messages from "../vectors/messages.json";
import attestations from "../vectors/attestations.json";
import envelopes from "../vectors/envelopes.json";

function messageOfJson(j: Record<string, unknown>): Message {
  return decodeEnvelope({ ...j, content: "", signature: "" });
}

const domain = {
  chainId: BigInt(attestations.domain.chainId),
  verifyingContract: attestations.domain.verifyingContract,
};

describe("EIP-712 message digest", () => {
  it("uses the fixed type string and a domain without chainId / verifyingContract", () => {
    expect(MESSAGE_TYPE).to.equal(
      "Message(uint8 version,address from,address to,uint64 timestamp,uint8 contentType,uint8 encryption," +
        "bytes32 contentHash,uint32 contentSize,bytes32 senderKey,bytes32 recipientKey,bytes32 previous)",
    );
    expect(MESSAGE_TYPEHASH).to.equal(keccak256(toUtf8Bytes(MESSAGE_TYPE)));
    expect(TypedDataEncoder.from(MESSAGE_TYPES).encodeType("Message")).to.equal(MESSAGE_TYPE);
    expect(CHAT_DOMAIN_SEPARATOR).to.equal(TypedDataEncoder.hashDomain({ name: "Push Chat", version: "1" }));
    expect(messages.domainSeparator).to.equal(CHAT_DOMAIN_SEPARATOR);
    expect(messages.messageTypeHash).to.equal(MESSAGE_TYPEHASH);
  });

  it("matches the committed vectors (including all-max and all-zero messages)", () => {
    for (const v of messages.messages) {
      const m = messageOfJson(v.message);
      expect(messageDigest(m), v.name).to.equal(v.digest);
      expect(TypedDataEncoder.hash({ name: "Push Chat", version: "1" }, MESSAGE_TYPES, m), v.name).to.equal(
        v.digest,
      );
    }
  });

  it("property: equals ethers' TypedDataEncoder for any field values", () => {
    const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => hexlify(b));
    const address = hexOf(20).map((h) => getAddress(h));
    const message: fc.Arbitrary<Message> = fc.record({
      version: fc.integer({ min: 0, max: 255 }),
      from: address,
      to: address,
      timestamp: fc.bigInt({ min: 0n, max: UINT64_MAX }),
      contentType: fc.integer({ min: 0, max: 255 }),
      encryption: fc.integer({ min: 0, max: 255 }),
      contentHash: hexOf(32),
      contentSize: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      senderKey: hexOf(32),
      recipientKey: hexOf(32),
      previous: hexOf(32),
    });
    fc.assert(
      fc.property(message, (m) => {
        expect(messageDigest(m)).to.equal(
          TypedDataEncoder.hash({ name: "Push Chat", version: "1" }, MESSAGE_TYPES, m),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("changes with every field", () => {
    const base = messageOfJson(messages.messages[1].message);
    const d = messageDigest(base);
    const edits: Partial<Message>[] = [
      { version: 2 },
      { from: messages.messages[1].message.to },
      { to: messages.messages[1].message.from },
      { timestamp: base.timestamp + 1n },
      { contentType: 1 },
      { encryption: 0 },
      { contentHash: keccak256("0x01") },
      { contentSize: base.contentSize + 1 },
      { senderKey: keccak256("0x02") },
      { recipientKey: keccak256("0x03") },
      { previous: keccak256("0x04") },
    ];
    for (const e of edits) expect(messageDigest({ ...base, ...e }), Object.keys(e)[0]).to.not.equal(d);
  });

  it("is memoised per object, but a field changed in place gives the new digest", () => {
    const m = messageOfJson(messages.messages[1].message);
    const d = messageDigest(m);
    expect(messageDigest(m)).to.equal(d);
    m.timestamp += 1n;
    const d2 = messageDigest(m);
    expect(d2).to.not.equal(d);
    expect(d2).to.equal(messageDigestViaEthers(m));
    m.timestamp -= 1n;
    expect(messageDigest(m)).to.equal(d);
    const sig = new Uint8Array([1, 2, 3, 4]);
    const h = signatureHashOf(sig);
    expect(signatureHashOf(sig)).to.equal(h);
    sig[2] = 9;
    expect(signatureHashOf(sig)).to.equal(keccak256(sig));
    expect(signatureHashOf(sig)).to.not.equal(h);
  });
});

describe("EIP-712 attestations", () => {
  const node = new Wallet(attestations.nodePrivateKey);

  it("uses the fixed type string and the chain-bound domain", () => {
    expect(ATTESTATION_TYPE).to.equal(
      "Attestation(bytes32 digest,bytes32 signatureHash,uint32 signatureSize,uint64 sequence,uint64 attestedAt)",
    );
    expect(TypedDataEncoder.from(ATTESTATION_TYPES).encodeType("Attestation")).to.equal(ATTESTATION_TYPE);
    expect(attestations.attestationTypeHash).to.equal(ATTESTATION_TYPEHASH);
    expect(attestationDomainSeparator(domain)).to.equal(attestations.domainSeparator);
    expect(attestationDomainSeparator(domain)).to.equal(
      TypedDataEncoder.hashDomain({ name: "Push Nodes", version: "1", ...domain }),
    );
  });

  it("matches the committed vectors: digest, signature, signer", async () => {
    for (const v of attestations.attestations) {
      const d = { chainId: BigInt(v.chainId), verifyingContract: v.verifyingContract };
      const a = decodeSignedAttestation(v.attestation);
      expect(attestationDigest(a, d), v.name).to.equal(v.eip712Digest);
      expect(TypedDataEncoder.hash(attestationDomain(d), ATTESTATION_TYPES, a), v.name).to.equal(
        v.eip712Digest,
      );
      expect(recoverAttestationSigner(a, d), v.name).to.equal(v.signer);
      expect(recoverAttestationSigner(a, domain), v.name).to.equal(v.recoveredUnderMainDomain);
      const again = await signAttestation(node, a, d);
      expect(again.signature, v.name).to.equal(v.attestation.signature); // RFC 6979: deterministic
      expect(verifyTypedData(attestationDomain(d), ATTESTATION_TYPES, a, a.signature)).to.equal(node.address);
    }
  });

  it("an attestation made for another chain does not recover to the node here", () => {
    const v = attestations.attestations.find((x) => x.name === "other-chain")!;
    expect(v.recoveredUnderMainDomain).to.not.equal(node.address);
  });

  it("recoverAttestationSigner returns null for malformed signatures instead of throwing", () => {
    const a = decodeSignedAttestation(attestations.attestations[0].attestation);
    expect(recoverAttestationSigner({ ...a, signature: "0x1234" }, domain)).to.equal(null);
    expect(recoverAttestationSigner({ ...a, signature: "0x" + "00".repeat(65) }, domain)).to.equal(null);
  });

  it("signatureHash is keccak256 of the OpenPGP signature bytes", () => {
    expect(signatureHashOf(Uint8Array.of(1, 2, 3))).to.equal(keccak256("0x010203"));
  });

  it("detects equivocation as the vectors say", () => {
    const byName = new Map(
      attestations.attestations.map((x) => [x.name, decodeSignedAttestation(x.attestation)]),
    );
    for (const pair of attestations.equivocation) {
      const f = detectEquivocation(byName.get(pair.a)!, byName.get(pair.b)!, domain);
      expect(f !== null, `${pair.a} / ${pair.b}`).to.equal(pair.fault);
      if (f) {
        expect(f.code).to.equal("EQUIVOCATION");
        expect(f.signer).to.equal(node.address);
        expect(f.sequence).to.equal(7n);
      }
    }
  });

  it("detects a non-monotonic attestedAt as the vectors say, in either order", () => {
    const byName = new Map(
      attestations.attestations.map((x) => [x.name, decodeSignedAttestation(x.attestation)]),
    );
    expect(attestations.nonMonotonic.length).to.be.greaterThan(0);
    for (const pair of attestations.nonMonotonic) {
      const [a, b] = [byName.get(pair.a)!, byName.get(pair.b)!];
      for (const [x, y] of [
        [a, b],
        [b, a],
      ]) {
        const f = detectNonMonotonic(x, y, domain);
        expect(f !== null, `${pair.a} / ${pair.b}`).to.equal(pair.fault);
        if (f) {
          expect(f.signer).to.equal(node.address);
          expect(f.earlier.sequence < f.later.sequence).to.equal(true);
          expect(f.earlier.attestedAt > f.later.attestedAt).to.equal(true);
        }
      }
    }
  });

  it("is no non-monotonic pair when the signers differ", async () => {
    const a = decodeSignedAttestation(
      attestations.attestations.find((x) => x.name === "monotonic-a")!.attestation,
    );
    const other = await signAttestation(
      Wallet.createRandom(),
      { ...a, sequence: a.sequence + 1n, attestedAt: a.attestedAt - 1n },
      domain,
    );
    expect(detectNonMonotonic(a, other, domain)).to.equal(null);
  });

  it("is no equivocation when the signers differ", async () => {
    const a = decodeSignedAttestation(
      attestations.attestations.find((x) => x.name === "equivocation-a")!.attestation,
    );
    const other = await signAttestation(Wallet.createRandom(), { ...a, digest: keccak256("0x99") }, domain);
    expect(detectEquivocation(a, other, domain)).to.equal(null);
    const otherSeq = await signAttestation(node, { ...a, sequence: 8n, digest: keccak256("0x99") }, domain);
    expect(detectEquivocation(a, otherSeq, domain)).to.equal(null);
  });

  it("every envelope vector carries an attestation of its envelope by the node signer", () => {
    const d = { chainId: BigInt(envelopes.chainId), verifyingContract: envelopes.verifyingContract };
    for (const c of envelopes.cases) {
      const a = decodeSignedAttestation(c.attestation);
      const e = decodeEnvelope(c.envelope);
      expect(a.digest, c.name).to.equal(messageDigest(e));
      expect(a.signatureHash, c.name).to.equal(signatureHashOf(e.signature));
      if (c.name === "malformed-signature-size-attested" || c.name === "bad-signature-size-mismatch")
        expect(a.signatureSize, c.name).to.not.equal(e.signature.length);
      else expect(a.signatureSize, c.name).to.equal(e.signature.length);
      expect(attestationDigest(a, d), c.name).to.equal(c.attestationDigest);
      expect(recoverAttestationSigner(a, d), c.name).to.equal(envelopes.nodeSigner);
    }
  });
});

describe("ABI words and keccak on bytes", () => {
  it("a bytes32 word given as bytes encodes as its hex; a word of another length is a RangeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.bigInt(0n, 2n ** 64n - 1n), (b, n) => {
        const hex = hexlify(b);
        expect(
          hexlify(
            encodeStaticWords([
              { type: "bytes32", value: b },
              { type: "uint", bits: 64, value: n },
            ]),
          ),
        ).to.equal(
          hexlify(
            encodeStaticWords([
              { type: "bytes32", value: hex },
              { type: "uint", bits: 64, value: n },
            ]),
          ),
        );
        expect(hexlify(eip712Preimage(b, b))).to.equal(hexlify(eip712Preimage(hex, hex)));
      }),
      { numRuns: 100 },
    );
    expect(() => encodeStaticWords([{ type: "bytes32", value: new Uint8Array(31) }])).to.throw(
      RangeError,
      /31 bytes/,
    );
    expect(() => eip712Preimage(new Uint8Array(33), ZeroHash)).to.throw(RangeError, /domain separator/);
    expect(() => eip712Preimage(ZeroHash, "0x1234")).to.throw(RangeError, /struct hash/);
  });

  it("keccakBytes is keccak256 as bytes, before and after the native sponge is installed", () => {
    const same = () =>
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (data) => {
          const expected = "0x" + Buffer.from(keccak_256(data)).toString("hex");
          expect(hexlify(keccakBytes(data))).to.equal(expected);
          expect(hex0x(keccakBytes(data))).to.equal(expected);
        }),
        { numRuns: 200 },
      );
    same();
    expect(useNativeKeccak(), "the keccak add-on loads here").to.equal(true);
    same();
  });
});
