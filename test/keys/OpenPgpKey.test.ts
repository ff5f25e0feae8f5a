// The on-chain OpenPGP primary-key parser (contracts/libraries/OpenPgpKey.sol) against real openpgp.js keys
// and against keys outside the allowed set (DESIGN section 9).
import { expect } from "chai";
import { ethers } from "hardhat";
import * as openpgp from "openpgp";
import fc from "fast-check";
import type { ErrorFragment } from "ethers";
import type { OpenPgpKeyHarness } from "../../typechain-types";
import {
  ALG,
  canonical,
  fixture,
  generate,
  packetHeader,
  primaryBody,
  primaryPacket,
  withPrimaryBody,
} from "./helpers";

/** The public parameters openpgp.js itself reads from a key (its own parser, independent of ours). */
interface Params {
  n?: Uint8Array;
  e?: Uint8Array;
  Q?: Uint8Array;
  A?: Uint8Array;
}

async function paramsOf(key: Uint8Array): Promise<{ params: Params; algorithm: number; created: number }> {
  const k = await openpgp.readKey({ binaryKey: key });
  const packet = k.keyPacket;
  return {
    params: packet.publicParams as Params,
    algorithm: Number(packet.algorithm),
    created: Math.floor(packet.created.getTime() / 1000),
  };
}

interface KeyVector {
  publicKey: string;
  keyHash: string;
  primary: {
    algorithm: number;
    created: number;
    kind: string;
    qx?: string;
    qy?: string;
    n?: string;
    e?: string;
    a?: string;
  };
}

const hex = (b: Uint8Array): string => ethers.hexlify(b);

const SECP256K1_G =
  "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" +
  "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";

describe("OpenPgpKey (primary key packet parser)", () => {
  let lib: OpenPgpKeyHarness;
  let p256: Uint8Array;
  let ed25519: Uint8Array;
  let ed25519Legacy: Uint8Array;
  let rsa2048: Uint8Array;
  let rsa3072: Uint8Array;
  let rsa4096: Uint8Array;
  let rsa1024: Uint8Array;

  before(async () => {
    const ed = await ethers.deployContract("Ed25519Verifier");
    lib = await ethers.deployContract("OpenPgpKeyHarness", [await ed.getAddress()]);
    p256 = (await generate("p256")).publicKey;
    ed25519 = (await generate("ed25519")).publicKey;
    ed25519Legacy = (await generate("ed25519Legacy")).publicKey;
    [rsa1024, rsa2048, rsa3072, rsa4096] = await Promise.all(
      ["rsa1024", "rsa2048", "rsa3072", "rsa4096"].map((n) => fixture(n)),
    );
  });

  describe("accepts the allowed algorithms and reads them as openpgp.js does", () => {
    it("NIST P-256 (ECDSA, 19): algorithm, creation time, x and y", async () => {
      const { params, algorithm, created } = await paramsOf(p256);
      expect(algorithm).to.equal(ALG.ECDSA);
      expect(await lib.algorithm(p256)).to.equal(ALG.ECDSA);
      expect(await lib.creationTime(p256)).to.equal(created);
      const [x, y] = await lib.p256Key(p256);
      expect(params.Q && hex(params.Q)).to.equal(ethers.concat(["0x04", x, y]));
      const pk = await lib.primaryKey(p256);
      expect(pk.packetEnd).to.equal(primaryPacket(p256).end);
      expect(p256[Number(pk.packetEnd)]).to.equal(0xcd, "next packet: user ID (tag 13)");
    });

    it("Ed25519 (27), what openpgp.js 6 makes for type 'curve25519'", async () => {
      const { params, algorithm, created } = await paramsOf(ed25519);
      expect(algorithm).to.equal(ALG.ED25519);
      expect(await lib.algorithm(ed25519)).to.equal(ALG.ED25519);
      expect(await lib.creationTime(ed25519)).to.equal(created);
      expect(await lib.ed25519Key(ed25519)).to.equal(params.A && hex(params.A));
    });

    for (const [name, bits] of [
      ["rsa2048", 2048],
      ["rsa3072", 3072],
      ["rsa4096", 4096],
    ] as const) {
      it(`RSA (1) with a ${bits}-bit modulus: n and e as openpgp.js reads them`, async () => {
        const key = name === "rsa2048" ? rsa2048 : name === "rsa3072" ? rsa3072 : rsa4096;
        const { params, algorithm, created } = await paramsOf(key);
        expect(algorithm).to.equal(ALG.RSA);
        expect(await lib.algorithm(key)).to.equal(ALG.RSA);
        expect(await lib.creationTime(key)).to.equal(created);
        const [n, e] = await lib.rsaKey(key);
        expect(n).to.equal(params.n && hex(params.n));
        expect(e).to.equal(params.e && hex(params.e));
        expect(ethers.dataLength(n)).to.equal(bits / 8);
      });
    }

    it("the message standard's key vectors (test/vectors/keys.json) read as the vectors state", async () => {
      const vectors = (await import("../vectors/keys.json")).keys as Record<string, KeyVector>;
      expect(Object.keys(vectors).length).to.be.greaterThan(3);
      for (const [name, v] of Object.entries(vectors)) {
        const key = ethers.getBytes(v.publicKey);
        expect(ethers.keccak256(key), name).to.equal(v.keyHash);
        expect(await lib.algorithm(key), name).to.equal(v.primary.algorithm);
        expect(await lib.creationTime(key), name).to.equal(v.primary.created);
        if (v.primary.kind === "p256")
          expect(await lib.p256Key(key), name).to.deep.equal([v.primary.qx, v.primary.qy]);
        if (v.primary.kind === "rsa")
          expect(await lib.rsaKey(key), name).to.deep.equal([v.primary.n, v.primary.e]);
        if (v.primary.kind === "ed25519") expect(await lib.ed25519Key(key), name).to.equal(v.primary.a);
      }
    });

    it("reads 1- and 2-octet packet lengths; refuses the non-minimal 5-octet form (every key is < 8384 bytes)", async () => {
      // P-256 bodies are < 192 bytes (1 octet), RSA bodies are not (2 octets); re-framed with 5 octets: refused
      expect(p256[1]).to.be.lessThan(192);
      expect(rsa2048[1]).to.be.within(192, 223);
      const p256Five = withPrimaryBody(p256, primaryBody(p256), true);
      const rsaFive = withPrimaryBody(rsa2048, primaryBody(rsa2048), true);
      expect(p256Five[1]).to.equal(0xff);
      await expect(lib.p256Key(p256Five))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyNonMinimalLength")
        .withArgs(0, primaryBody(p256).length);
      await expect(lib.rsaKey(rsaFive))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyNonMinimalLength")
        .withArgs(0, primaryBody(rsa2048).length);
    });

    // The boundary of the minimal-length rule (a mutant of `bodyLen < 8384`, docs/mutation.md): 8,383 is the largest
    // length the 2-octet form writes, so a 5-octet length of 8,384 is minimal and one of 8,383 is not.
    it("a 5-octet length is minimal from 8,384 octets on (the 2-octet form ends at 8,383)", async () => {
      const alone = p256.slice(0, primaryPacket(p256).end);
      const userId = (len: number, fiveOctet: boolean) =>
        ethers.getBytes(
          ethers.concat([alone, packetHeader(0xcd, len, fiveOctet), new Uint8Array(len).fill(0x61)]),
        );
      expect(packetHeader(0xcd, 8383)[1]).to.equal(0xdf);
      expect(await lib.algorithm(userId(8383, false))).to.equal(ALG.ECDSA);
      expect(await lib.algorithm(userId(8384, true))).to.equal(ALG.ECDSA);
      await expect(lib.algorithm(userId(8383, true)))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyNonMinimalLength")
        .withArgs(alone.length, 8383);
    });

    // A mutant of the old-format four-octet length's bound (`p + 5 > len` to `p - 5 > len`, docs/mutation.md)
    // refused such a header at the key's first octet (p - 5 wraps around).
    it("reads the old-format 1-, 2- and 4-octet lengths of the primary key packet", async () => {
      const body = primaryBody(p256);
      const rest = p256.slice(primaryPacket(p256).end);
      for (const [header, what] of [
        [Uint8Array.of(0x98, body.length), "one octet"],
        [Uint8Array.of(0x99, 0, body.length), "two octets"],
        [Uint8Array.of(0x9a, 0, 0, 0, body.length), "four octets"],
      ] as const) {
        const key = ethers.getBytes(ethers.concat([header, body, rest]));
        expect(await lib.algorithm(key), what).to.equal(ALG.ECDSA);
        expect(await lib.p256Key(key), what).to.deep.equal(await lib.p256Key(p256));
      }
    });

    // A mutant of the header's bound (`p + 2 > len` to `>=`, docs/mutation.md) refused a last packet of two octets.
    it("a last packet of two octets (an empty user ID) ends the key; one octet is cut short", async () => {
      const alone = p256.slice(0, primaryPacket(p256).end);
      expect(await lib.algorithm(ethers.concat([alone, "0xcd00"]))).to.equal(ALG.ECDSA);
      await expect(lib.algorithm(ethers.concat([alone, "0xcd"]))).to.be.revertedWithCustomError(
        lib,
        "OpenPgpKeyTruncated",
      );
    });

    it("a primary key body under 6 octets (version, creation time, algorithm) is cut short", async () => {
      const body = primaryBody(p256);
      for (const n of [0, 1, 5]) {
        await expect(
          lib.algorithm(withPrimaryBody(p256, body.slice(0, n))),
          `${n} octets`,
        ).to.be.revertedWithCustomError(lib, "OpenPgpKeyTruncated");
      }
    });

    it("the primary key packet alone is a complete key", async () => {
      const alone = p256.slice(0, primaryPacket(p256).end);
      expect(await lib.algorithm(alone)).to.equal(ALG.ECDSA);
    });

    it("refuses asking one algorithm's fields of another's key", async () => {
      await expect(lib.rsaKey(p256))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyWrongAlgorithm")
        .withArgs(ALG.RSA, ALG.ECDSA);
      await expect(lib.p256Key(rsa2048))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyWrongAlgorithm")
        .withArgs(ALG.ECDSA, ALG.RSA);
      await expect(lib.ed25519Key(p256))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyWrongAlgorithm")
        .withArgs(ALG.ED25519, ALG.ECDSA);
    });
  });

  describe("refuses everything else with a named error", () => {
    it("RSA-1024: modulus too small", async () => {
      await expect(lib.algorithm(rsa1024))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyRsaModulusTooSmall")
        .withArgs(1024);
    });

    it("a 1024-bit modulus padded with zero bytes to claim 2048 bits: malformed MPI", async () => {
      const body = primaryBody(rsa1024);
      const nLen = 128;
      const n = body.slice(8, 8 + nLen);
      const rest = body.slice(8 + nLen);
      const padded = ethers.concat([body.slice(0, 6), "0x0800", new Uint8Array(128), n, rest]);
      const key = withPrimaryBody(rsa1024, ethers.getBytes(padded));
      // the error names the MPI's offset in the key bytes: header, then 6 bytes of version, time, algorithm
      await expect(lib.algorithm(key))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyMalformedMpi")
        .withArgs(primaryPacket(key).bodyStart + 6);
    });

    it("an MPI whose bit count overstates its top byte: malformed MPI", async () => {
      const body = primaryBody(rsa2048);
      const forged = ethers.getBytes(ethers.concat([body.slice(0, 6), "0x07ff", body.slice(8)]));
      // 2047 bits would need the top byte's high bit clear; openpgp.js's modulus has it set
      await expect(lib.algorithm(withPrimaryBody(rsa2048, forged))).to.be.revertedWithCustomError(
        lib,
        "OpenPgpKeyMalformedMpi",
      );
    });

    it("NIST P-384, secp256k1 and brainpoolP256r1 curves: unsupported curve, with the OID", async () => {
      const p384 = (await generate("p384")).publicKey;
      await expect(lib.algorithm(p384))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyUnsupportedCurve")
        .withArgs(ALG.ECDSA, "0x2b81040022");
      // openpgp.js 6 cannot generate these curves in Node without an optional module: build the packets
      const head = primaryBody(p256).slice(0, 6);
      const secp256k1 = ethers.getBytes(
        ethers.concat([head, "0x052b8104000a", "0x0203", "0x" + SECP256K1_G]),
      );
      await expect(lib.algorithm(withPrimaryBody(p256, secp256k1)))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyUnsupportedCurve")
        .withArgs(ALG.ECDSA, "0x2b8104000a");
      const brainpool = ethers.getBytes(
        ethers.concat([head, "0x092b2403030208010107", "0x0203", "0x" + SECP256K1_G]),
      );
      await expect(lib.algorithm(withPrimaryBody(p256, brainpool)))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyUnsupportedCurve")
        .withArgs(ALG.ECDSA, "0x2b2403030208010107");
    });

    it("EdDSA legacy (22), what openpgp.js 6 makes by default: admitted, A as openpgp.js reads it (Q = 40 || A)", async () => {
      const { params, algorithm } = await paramsOf(ed25519Legacy);
      expect(algorithm).to.equal(ALG.EDDSA_LEGACY);
      expect(await lib.algorithm(ed25519Legacy)).to.equal(ALG.EDDSA_LEGACY);
      expect(params.Q![0]).to.equal(0x40);
      expect(await lib.ed25519Key(ed25519Legacy)).to.equal(hex(params.Q!.slice(1)));
    });

    it("EdDSA legacy: another OID is an unsupported curve, a bad MPI size malformed, a bad prefix or a non-canonical A an invalid point", async () => {
      const body = primaryBody(ed25519Legacy);
      // version, time, algorithm (6), OID length + OID (10), MPI bit count (2), 40, A (32)
      expect(body.length).to.equal(6 + 10 + 2 + 33);
      const curve = body.slice();
      curve[6 + 9] ^= 1;
      await expect(lib.algorithm(withPrimaryBody(ed25519Legacy, curve)))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyUnsupportedCurve")
        .withArgs(ALG.EDDSA_LEGACY, hex(curve.slice(7, 16)));
      const bits = body.slice();
      bits[6 + 10 + 1] = 0x08; // 264 bits
      await expect(lib.algorithm(withPrimaryBody(ed25519Legacy, bits))).to.be.revertedWithCustomError(
        lib,
        "OpenPgpKeyMalformedMpi",
      );
      const prefix = body.slice();
      prefix[6 + 12] = 0x41;
      await expect(lib.algorithm(withPrimaryBody(ed25519Legacy, prefix))).to.be.revertedWithCustomError(
        lib,
        "OpenPgpKeyInvalidPoint",
      );
      // y = p (little-endian ed ff .. ff 7f) is not canonical
      const nonCanonical = body.slice();
      nonCanonical.set(ethers.getBytes("0xed" + "ff".repeat(30) + "7f"), 6 + 13);
      await expect(lib.algorithm(withPrimaryBody(ed25519Legacy, nonCanonical))).to.be.revertedWithCustomError(
        lib,
        "OpenPgpKeyInvalidPoint",
      );
    });

    it("Ed25519 (27): a non-canonical A (y >= p, or x = 0 with the sign bit) is an invalid point", async () => {
      const body = primaryBody(ed25519);
      for (const a of ["0xed" + "ff".repeat(30) + "7f", "0x01" + "00".repeat(30) + "80"]) {
        const bad = body.slice();
        bad.set(ethers.getBytes(a), 6);
        await expect(lib.algorithm(withPrimaryBody(ed25519, bad))).to.be.revertedWithCustomError(
          lib,
          "OpenPgpKeyInvalidPoint",
        );
      }
    });

    it("a P-256 point off the curve, or not uncompressed: invalid point", async () => {
      const body = primaryBody(p256);
      const off = body.slice();
      off[off.length - 1] ^= 1;
      await expect(lib.algorithm(withPrimaryBody(p256, off))).to.be.revertedWithCustomError(
        lib,
        "OpenPgpKeyInvalidPoint",
      );
      const prefix = body.slice();
      prefix[6 + 9 + 2] = 0x05;
      await expect(lib.algorithm(withPrimaryBody(p256, prefix))).to.be.revertedWithCustomError(
        lib,
        "OpenPgpKeyInvalidPoint",
      );
    });

    it("every other algorithm id: unsupported algorithm", async () => {
      // RSA encrypt/sign-only, ElGamal, DSA, ECDH, X25519, X448, Ed448, and undefined ids
      for (const alg of [0, 2, 3, 16, 17, 18, 20, 21, 23, 24, 25, 26, 28, 100, 255]) {
        const body = primaryBody(p256).slice();
        body[5] = alg;
        await expect(lib.algorithm(withPrimaryBody(p256, body)))
          .to.be.revertedWithCustomError(lib, "OpenPgpKeyUnsupportedAlgorithm")
          .withArgs(alg);
      }
    });

    it("a version-6 key (RFC 9580) and other versions: unsupported version", async () => {
      const { privateKey } = await openpgp.generateKey({
        type: "curve25519",
        userIDs: [{ name: "v6" }],
        format: "binary",
        config: { v6Keys: true },
      });
      const v6 = await canonical(privateKey);
      await expect(lib.algorithm(v6))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyUnsupportedVersion")
        .withArgs(6);
      for (const version of [3, 5]) {
        const body = primaryBody(p256).slice();
        body[0] = version;
        await expect(lib.algorithm(withPrimaryBody(p256, body)))
          .to.be.revertedWithCustomError(lib, "OpenPgpKeyUnsupportedVersion")
          .withArgs(version);
      }
    });

    it("a secret key, a subkey packet, an indeterminate length, bytes that are not a packet: refused by name", async () => {
      const { privateKey } = await generate("p256");
      await expect(lib.algorithm(privateKey))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeySecretKeyPacket")
        .withArgs(0, 5);
      const body = primaryBody(p256);
      const subkey = ethers.getBytes(ethers.concat([packetHeader(0xce, body.length), body]));
      await expect(lib.algorithm(subkey))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyNotPublicKeyPacket")
        .withArgs(14);
      // old format, tag 6, indeterminate length: 0x9B
      const indeterminate = ethers.getBytes(ethers.concat([Uint8Array.of(0x9b, 0, body.length), body]));
      await expect(lib.algorithm(indeterminate))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyIndeterminateLength")
        .withArgs(0);
      const armored = ethers.toUtf8Bytes((await openpgp.readKey({ binaryKey: p256 })).armor().slice(0, 200));
      await expect(lib.algorithm(armored))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyNotAPacket")
        .withArgs(0, 0x2d); // "-"
    });

    it("a partial body length: refused", async () => {
      const key = p256.slice();
      key[1] = 0xe0;
      await expect(lib.algorithm(key))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyPartialLength")
        .withArgs(0xe0);
    });

    it("every truncation of the primary packet: truncated", async () => {
      for (const key of [p256, ed25519, ed25519Legacy]) {
        const { end } = primaryPacket(key);
        for (let len = 0; len < end; len++) {
          await expect(
            lib.algorithm(key.slice(0, len)),
            `${len} of ${end} bytes`,
          ).to.be.revertedWithCustomError(lib, "OpenPgpKeyTruncated");
        }
      }
      const { end } = primaryPacket(rsa2048);
      for (const len of [0, 1, 2, 3, 8, 9, 200, end - 3, end - 1]) {
        await expect(lib.algorithm(rsa2048.slice(0, len))).to.be.revertedWithCustomError(
          lib,
          "OpenPgpKeyTruncated",
        );
      }
    });

    it("a packet length that does not fit the fields: truncated or length mismatch", async () => {
      const body = primaryBody(p256);
      const longer = withPrimaryBody(p256, ethers.getBytes(ethers.concat([body, "0x00"])));
      await expect(lib.algorithm(longer))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyPacketLengthMismatch")
        .withArgs(2 + body.length + 1, 2 + body.length);
      const shorter = withPrimaryBody(p256, body.slice(0, body.length - 1));
      await expect(lib.algorithm(shorter)).to.be.revertedWithCustomError(lib, "OpenPgpKeyTruncated");
      const edLonger = withPrimaryBody(
        ed25519,
        ethers.getBytes(ethers.concat([primaryBody(ed25519), "0x00"])),
      );
      await expect(lib.algorithm(edLonger)).to.be.revertedWithCustomError(
        lib,
        "OpenPgpKeyPacketLengthMismatch",
      );
    });

    it("random bytes and random corruptions of real keys: accepted as an allowed key or refused by name", async () => {
      const names = new Set(
        lib.interface.fragments.filter((f) => f.type === "error").map((f) => (f as ErrorFragment).name),
      );
      const allowed = new Set<bigint>([1n, 19n, 27n]);
      const check = async (bytes: Uint8Array): Promise<void> => {
        try {
          const alg = await lib.algorithm(bytes);
          expect(allowed.has(alg), `algorithm ${alg}`).to.equal(true);
        } catch (e) {
          const data = (e as { data?: string }).data;
          const parsed = data ? lib.interface.parseError(data) : null;
          expect(parsed && names.has(parsed.name), `revert data ${data}`).to.equal(true);
        }
      };
      const real = [p256, ed25519, ed25519Legacy, rsa2048];
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc
              .tuple(fc.constantFrom(0xc6), fc.uint8Array({ maxLength: 300 }))
              .map(([t, b]) => Uint8Array.of(t, ...b)),
            fc
              .tuple(
                fc.nat({ max: real.length - 1 }),
                fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
              )
              .map(([k, flips]) => {
                const key = real[k].slice(0, primaryPacket(real[k]).end + 2);
                for (const [i, v] of flips) key[i % Math.min(key.length, 300)] = v;
                return key;
              }),
          ),
          check,
        ),
        { numRuns: 150 },
      );
    });
  });
});
