// PushJson (JSON.stringify's string escaping, hex rendering) and Base64Armor (ASCII armor, base64, CRC-24) against
// JavaScript itself and openpgp.js, on generated inputs.
import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import * as openpgp5 from "openpgp5";
import * as openpgp6 from "openpgp";
import { sha256, toUtf8Bytes, hexlify } from "ethers";
import type { PushLibrariesHarness } from "../../typechain-types";
import { wtf8 } from "./wtf8";
import { referenceCrc24 } from "./crc24";

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const LABEL = toUtf8Bytes("PGP PUBLIC KEY BLOCK");
const STATUS = { Ok: 0n, BadArmor: 1n, BadBase64: 2n, BadCrc: 3n } as const;

/** Strings rich in what JSON escaping must get right. */
const piece = fc.oneof(
  fc.constantFrom('"', "\\", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u001f", "\u007f", "/", "</script>"),
  fc.constantFrom(
    "\u2028",
    "\u2029",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    "\ud83d\ude00",
    "\u00e9",
    "\ud55c",
  ),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const jsString = fc.array(piece, { maxLength: 30 }).map((a) => a.join(""));

/** The CRC-24 of RFC 4880, bit by bit. */
const crc24 = (data: Uint8Array): bigint => BigInt(referenceCrc24(data));

describe("PushJson and Base64Armor", () => {
  let h: PushLibrariesHarness;

  before(async () => {
    h = (await ethers.deployContract("PushLibrariesHarness")) as unknown as PushLibrariesHarness;
  });

  describe("PushJson.quote = JSON.stringify for strings", () => {
    it("fixed cases: escapes, control characters, lone surrogates, U+2028, </script>, astral characters", async () => {
      for (const s of [
        "",
        'a"b\\c',
        "\b\f\n\r\t\u0000\u0001\u000b\u001f\u007f",
        "</script>\u2028\u2029",
        "\ud800x\udfff\ud83d\ude00\udc00\ud800",
        "\ud55c\uad6d\uc5b4 \u4e2d\u6587 \u00e9",
        "x".repeat(31) + "\n" + "y".repeat(64) + '"',
        "\u00ed\u00a0\u0080",
      ]) {
        expect(await h.quote(wtf8(s)), JSON.stringify(s)).to.equal(hexlify(toUtf8Bytes(JSON.stringify(s))));
      }
    });

    it("property: quote(wtf8(s)) is the UTF-8 of JSON.stringify(s) for arbitrary strings", async () => {
      await fc.assert(
        fc.asyncProperty(jsString, async (s) => {
          expect(await h.quote(wtf8(s))).to.equal(hexlify(toUtf8Bytes(JSON.stringify(s))));
        }),
        { numRuns: RUNS },
      );
    });

    it("bytes that are no JavaScript string's (invalid UTF-8) are copied raw, special bytes still escaped", async () => {
      expect(await h.quote("0xff22ed5c80")).to.equal(
        hexlify(Uint8Array.from([0x22, 0xff, 0x5c, 0x22, 0xed, 0x5c, 0x5c, 0x80, 0x22])),
      );
      // A truncated surrogate sequence at the end stays raw.
      expect(await h.quote("0x41eda0")).to.equal("0x2241eda022");
    });

    it("hex64 writes 64 lowercase hex characters, as CryptoJS's toString(enc.Hex)", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (b) => {
          expect(ethers.toUtf8String(await h.hex64(b))).to.equal(hexlify(b).slice(2));
        }),
        { numRuns: 50 },
      );
      const digest = sha256(toUtf8Bytes("push"));
      expect(ethers.toUtf8String(await h.hex64(digest))).to.equal(digest.slice(2));
    });
  });

  describe("Base64Armor.decode", () => {
    it("property: decodes what openpgp.js 5 (with checksum) and 6 (without) armor, LF or JSON-escaped", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), async (data) => {
          const a5 = openpgp5.armor(openpgp5.enums.armor.publicKey, data);
          const a6 = openpgp6.armor(openpgp6.enums.armor.publicKey, data);
          for (const armored of [a5, a6]) {
            const [st, , out] = await h.decodeArmor(toUtf8Bytes(armored), LABEL, false);
            expect(st).to.equal(STATUS.Ok);
            expect(out).to.equal(hexlify(data));
            const escaped = JSON.stringify(armored).slice(1, -1);
            const [st2, , out2] = await h.decodeArmor(toUtf8Bytes(escaped), LABEL, true);
            expect(st2).to.equal(STATUS.Ok);
            expect(out2).to.equal(hexlify(data));
          }
        }),
        { numRuns: Math.min(RUNS, 80) },
      );
    });

    it("crc24 is RFC 4880's CRC-24", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (data) => {
          expect(await h.crc24(data)).to.equal(crc24(data));
        }),
        { numRuns: 60 },
      );
    });

    it("any base64 line length is read; broken frames, characters, padding and checksums are named", async () => {
      const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff);
      const b64 = Buffer.from(data).toString("base64");
      const crc = Buffer.from(ethers.getBytes(ethers.toBeHex(crc24(data), 3))).toString("base64");
      const frame = (body: string, c = `=${crc}\n`) =>
        `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${body}\n${c}-----END PGP PUBLIC KEY BLOCK-----\n`;
      const decode = async (t: string) => h.decodeArmor(toUtf8Bytes(t), LABEL, false);
      for (const n of [99, 100]) {
        const d = data.slice(0, n);
        const text = Buffer.from(d).toString("base64");
        const sum = Buffer.from(ethers.getBytes(ethers.toBeHex(crc24(d), 3))).toString("base64");
        for (const width of [1, 3, 4, 5, 33, 64, 76, 200]) {
          const lines = text.match(new RegExp(`.{1,${width}}`, "g"))!;
          // Padding must follow the last base64 characters on their line (a line starting with "=" is the
          // checksum line).
          if (lines.some((l) => l.startsWith("="))) continue;
          const [st, , out] = await decode(frame(lines.join("\n"), `=${sum}\n`));
          expect(st, `${n} bytes, width ${width}`).to.equal(STATUS.Ok);
          expect(out).to.equal(hexlify(d));
        }
      }
      const bad: [string, bigint][] = [
        [frame(b64.replace("A", "*")), STATUS.BadBase64],
        [frame(b64.slice(0, -4) + "===="), STATUS.BadBase64],
        [frame(b64.slice(1)), STATUS.BadBase64],
        [frame(b64 + "\n\n"), STATUS.BadArmor],
        [frame(b64, `=${crc.slice(0, 3)}\n`), STATUS.BadArmor],
        [frame(b64, `=${crc === "AAAA" ? "AAAB" : "AAAA"}\n`), STATUS.BadCrc],
        [frame(b64).replace("\n\n", "\nComment: x\n\n"), STATUS.BadArmor],
        [frame(b64).replace("-----\n\n", "-----\n"), STATUS.BadArmor],
        [frame(b64).slice(0, -1), STATUS.BadArmor],
        [frame(b64) + "x", STATUS.BadArmor],
        [frame(""), STATUS.BadArmor],
        [frame(b64).replace("BEGIN PGP PUBLIC", "BEGIN PGP PRIVATE"), STATUS.BadArmor],
        [frame(b64).replace("END PGP PUBLIC", "END PGP PRIVATE"), STATUS.BadArmor],
        [frame(b64).replace(/\n/g, "\r\n"), STATUS.BadArmor],
        ["", STATUS.BadArmor],
        // no base64 line at all: the END line (or the checksum line) right after the empty line
        ["-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n", STATUS.BadBase64],
        [
          `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n=${crc}\n-----END PGP PUBLIC KEY BLOCK-----\n`,
          STATUS.BadBase64,
        ],
        // the BEGIN line's closing dashes cut to four
        [frame(b64).replace("BLOCK-----\n\n", "BLOCK----\n\n"), STATUS.BadArmor],
        // a checksum line cut off by the end of the text, or followed by more than its four characters
        [`-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${b64}\n=${crc.slice(0, 2)}`, STATUS.BadArmor],
        [frame(b64, `=${crc}x\n`), STATUS.BadArmor],
      ];
      for (const [t, want] of bad) {
        const [st, , out] = await decode(t);
        expect(st, JSON.stringify(t.slice(0, 80))).to.equal(want);
        expect(out).to.equal("0x");
      }
    });
  });
});
