import { expect } from "chai";
import fc from "fast-check";
import { getAddress, hexlify } from "ethers";
import {
  ENVELOPE_FIELDS,
  EnvelopeDecodeError,
  UINT64_MAX,
  decodeEnvelope,
  decodeSignedAttestation,
  encodeEnvelope,
  encodeSignedAttestation,
  parseEnvelope,
  stringifyEnvelope,
} from "../../src/message";
import type { DecodeOptions, Envelope, EnvelopeJson, SignedAttestation } from "../../src/message";
import envelopes from "../vectors/envelopes.json";

const sample = envelopes.cases[0].envelope as EnvelopeJson;

function decodeError(json: unknown, options: DecodeOptions = {}): EnvelopeDecodeError {
  try {
    decodeEnvelope(json, options);
  } catch (e) {
    expect(e).to.be.instanceOf(EnvelopeDecodeError);
    return e as EnvelopeDecodeError;
  }
  expect.fail("decoded without error");
}

describe("message envelope (JSON)", () => {
  it("round-trips a committed envelope byte for byte", () => {
    const e = decodeEnvelope(sample);
    expect(encodeEnvelope(e)).to.deep.equal(sample);
    expect(parseEnvelope(stringifyEnvelope(e))).to.deep.equal(e);
    expect(e.timestamp).to.be.a("bigint");
    expect(e.content).to.be.instanceOf(Uint8Array);
  });

  it("accepts lowercase, uppercase and checksummed addresses and returns them checksummed", () => {
    const lower = { ...sample, from: sample.from.toLowerCase() };
    const upper = { ...sample, from: "0x" + sample.from.slice(2).toUpperCase() };
    for (const j of [sample, lower, upper]) expect(decodeEnvelope(j).from).to.equal(getAddress(sample.from));
  });

  it("accepts upper-case bytes32 hex and returns it lowercase", () => {
    const e = decodeEnvelope({ ...sample, contentHash: "0x" + sample.contentHash.slice(2).toUpperCase() });
    expect(e.contentHash).to.equal(sample.contentHash.toLowerCase());
  });

  // [field, bad value, expected message fragment]
  const badFields: Array<[string, unknown, RegExp]> = [
    ["version", "1", /uint8/],
    ["version", 256, /uint8/],
    ["version", -1, /uint8/],
    ["version", 1.5, /uint8/],
    ["version", null, /uint8/],
    ["from", "0x1234", /20-byte hex address/],
    ["from", sample.from.slice(2), /0x-prefixed/],
    ["from", "0x3c44CdDdB6a900fa2b585dd299e03d12FA4293BC", /checksum/],
    ["to", 42, /address/],
    ["timestamp", 1735696800, /uint64 as a decimal string/],
    ["timestamp", "01735696800", /decimal string/],
    ["timestamp", "-1", /decimal string/],
    ["timestamp", "1e9", /decimal string/],
    ["timestamp", (UINT64_MAX + 1n).toString(), /out of range/],
    ["contentType", 300, /uint8/],
    ["encryption", "1", /uint8/],
    ["contentHash", "0x1234", /32-byte hex/],
    ["contentHash", "0x" + "g".repeat(64), /32-byte hex/],
    ["contentSize", 2 ** 32, /uint32/],
    ["contentSize", -5, /uint32/],
    ["senderKey", 7, /32-byte hex/],
    ["recipientKey", "0x" + "00".repeat(31), /32-byte hex/],
    ["previous", "", /32-byte hex/],
    ["content", "abc", /well-formed base64/],
    ["content", "YQ", /well-formed base64/],
    ["content", "YR==", /canonical/],
    ["content", "Y Q==", /well-formed base64/],
    ["content", "YQ-_", /well-formed base64/],
    ["content", 5, /base64 string/],
    ["signature", "@@@@", /well-formed base64/],
    ["signature", Buffer.alloc(64 * 1024 + 1).toString("base64"), /limit/],
  ];
  for (const [field, value, message] of badFields) {
    it(`refuses ${field} = ${JSON.stringify(value)?.slice(0, 40)}`, () => {
      const err = decodeError({ ...sample, [field]: value });
      expect(err.field).to.equal(field);
      expect(err.status).to.equal(400);
      expect(err.message).to.contain(`"${field}"`).and.match(message);
    });
  }

  it("decodes a signature over MAX_SIGNATURE_SIZE (checkMessage refuses it as MALFORMED), up to the decode cap", () => {
    const big = Buffer.alloc(4097).toString("base64");
    expect(decodeEnvelope({ ...sample, signature: big }).signature.length).to.equal(4097);
    const err = decodeError({ ...sample, signature: big }, { maxSignatureBytes: 4096 });
    expect(err.message).to.match(/limit/);
  });

  it("refuses every missing field, naming it", () => {
    for (const f of ENVELOPE_FIELDS) {
      const j: Record<string, unknown> = { ...sample };
      delete j[f];
      const err = decodeError(j);
      expect(err.field).to.equal(f);
      expect(err.message).to.match(/missing field/);
    }
  });

  it("refuses unknown fields, naming them", () => {
    const err = decodeError({ ...sample, extra: 1 });
    expect(err.field).to.equal("extra");
    expect(err.message).to.match(/unknown field/);
  });

  it("refuses what is not an object, and text that is not JSON", () => {
    for (const v of [null, [], "x", 3]) expect(decodeError(v).field).to.equal("$");
    expect(() => parseEnvelope("{nope")).to.throw(EnvelopeDecodeError, /not JSON/);
  });

  it("caps content before decoding it when asked", () => {
    expect(() => decodeEnvelope(sample, { maxContentBytes: 10 })).to.throw(
      EnvelopeDecodeError,
      /limit of 10/,
    );
  });

  it("round-trips signed attestations and refuses bad ones", () => {
    const a = envelopes.cases[0].attestation;
    expect(encodeSignedAttestation(decodeSignedAttestation(a))).to.deep.equal(a);
    expect(() => decodeSignedAttestation({ ...a, sequence: 1 })).to.throw(EnvelopeDecodeError, /"sequence"/);
    expect(() => decodeSignedAttestation({ ...a, signature: "0x1234" })).to.throw(/65 bytes/);
    expect(() => decodeSignedAttestation({ ...a, node: "x" })).to.throw(/"node": unknown field/);
  });

  describe("property: decode(encode(x)) == x", () => {
    const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => hexlify(b));
    const address = hexOf(20).map((h) => getAddress(h));
    const envelope: fc.Arbitrary<Envelope> = fc.record({
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
      content: fc.uint8Array({ maxLength: 300 }),
      signature: fc.uint8Array({ maxLength: 600 }),
    });
    it("for envelopes, through JSON text", () => {
      fc.assert(
        fc.property(envelope, (e) => {
          expect(parseEnvelope(stringifyEnvelope(e))).to.deep.equal(e);
        }),
        { numRuns: 300 },
      );
    });
    it("for signed attestations", () => {
      const att: fc.Arbitrary<SignedAttestation> = fc.record({
        digest: hexOf(32),
        signatureHash: hexOf(32),
        signatureSize: fc.integer({ min: 0, max: 0xffff_ffff }),
        sequence: fc.bigInt({ min: 0n, max: UINT64_MAX }),
        attestedAt: fc.bigInt({ min: 0n, max: UINT64_MAX }),
        signature: hexOf(65),
      });
      fc.assert(
        fc.property(att, (a) => {
          expect(
            decodeSignedAttestation(JSON.parse(JSON.stringify(encodeSignedAttestation(a)))),
          ).to.deep.equal(a);
        }),
        { numRuns: 200 },
      );
    });
  });
});
