import { expect } from "chai";
import fc from "fast-check";
import { hexlify } from "ethers";
import { wtf8 } from "../../src/message/push/attest";
import { hex0x } from "../../src/util/hex";
import { crc24Base64 } from "../../src/message/push/preimage";
import { jsonText } from "../../src/http/server";
import { referenceCrc24 } from "../push/crc24";
import { wtf8 as referenceWtf8 } from "../push/wtf8";

/** The node's fast encoders give the same bytes and text as the reference ones they replace. */
describe("encodings on the node's hot path", () => {
  const runs = Number(process.env.FUZZ_RUNS ?? 500);

  it("wtf8 is the reference WTF-8 for any string (lone surrogates, astral pairs, ASCII)", () => {
    for (const s of ["", "abc", "\ud800", "x\udfffy", "\ud83d\ude00", "\ud83d", "é€😀"]) {
      expect(hexlify(wtf8(s)), JSON.stringify(s)).to.equal(hexlify(referenceWtf8(s)));
    }
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        expect(hexlify(wtf8(s))).to.equal(hexlify(referenceWtf8(s)));
      }),
      { numRuns: runs },
    );
  });

  it("hex0x is ethers' hexlify, also for a view into a larger buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(16), (b, off) => {
        expect(hex0x(b)).to.equal(hexlify(b));
        const big = new Uint8Array(b.length + off + 3);
        big.set(b, off);
        expect(hex0x(big.subarray(off, off + b.length))).to.equal(hexlify(b));
      }),
      { numRuns: runs },
    );
  });

  it("crc24Base64 (table-driven) is RFC 4880's bitwise CRC-24, the armor checksum openpgp.js writes", async () => {
    const bitwise = (data: Uint8Array): string => {
      const crc = referenceCrc24(data);
      return Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString("base64");
    };
    expect(crc24Base64(new Uint8Array())).to.equal("twTO"); // the initial value 0xb704ce
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        expect(crc24Base64(b)).to.equal(bitwise(b));
      }),
      { numRuns: runs },
    );
    // and the checksum line of an armor openpgp.js wrote
    const openpgp = await import("openpgp");
    const data = new Uint8Array(300).map((_, i) => (i * 7 + 3) & 0xff);
    const armored = openpgp.armor(openpgp.enums.armor.signature, data, undefined, undefined, undefined, true);
    expect(armored).to.contain(`\n=${crc24Base64(data)}\n`);
  });

  it("jsonText is JSON.stringify with bigints as decimal strings (answers without a bigint take no replacer)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jsonText(v)).to.equal(JSON.stringify(v));
      }),
      { numRuns: runs },
    );
    expect(jsonText({ a: 1n, b: [2n, "x"], c: { d: 2n ** 70n } })).to.equal(
      '{"a":"1","b":["2","x"],"c":{"d":"1180591620717411303424"}}',
    );
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => jsonText(circular)).to.throw(TypeError);
  });
});
