import { expect } from "chai";
import fc from "fast-check";
import { hexlify } from "ethers";
import { wtf8 } from "../../src/message/push/attest";
import { hex0x } from "../../src/util/hex";
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
});
