// OpenPgpSignature branches the profile suites do not reach (docs/coverage.md), through OpenPgpVerifier.check: the
// packet header of every length form cut short, a partial body length, a body under 6 octets, an algorithm or hash
// outside the profile, subpacket areas that overrun the body, signature values (MPIs) that are cut short, too long,
// zero or not below the P-256 order, or followed by more bytes, and a signature of one algorithm checked under a key
// of another. Each verdict is the first rule the bytes break (docs/client-profile.md section 1).
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { OpenPgpVerifier } from "../../typechain-types";
import { craftSignature, notationSubpacket } from "../../src/message/pgp-craft";
import { checkDigestSignature } from "../../src/message/pgp-profile";
import { parsePrimaryKey } from "../../src/message/pgp-key";
import { deployVerifier } from "../../src/deploy/verifier";
import { vectorKey } from "../slashing/fixture";
import { STATUS_CODES } from "../slashing/status";

const DIGEST = ethers.keccak256(ethers.toUtf8Bytes("branches"));
const CREATED = 1_900_000_000;
/** The order of P-256's base point. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

type StatusName = (typeof STATUS_CODES)[number];

async function verifier(): Promise<OpenPgpVerifier> {
  const { address } = await deployVerifier(hre);
  return ethers.getContractAt("OpenPgpVerifier", address);
}

async function statusOf(
  v: OpenPgpVerifier,
  sig: Uint8Array | string,
  publicKey: Uint8Array,
): Promise<StatusName> {
  const [, status] = await v.check(DIGEST, sig, publicKey);
  return STATUS_CODES[Number(status)];
}

const cat = (...parts: (Uint8Array | string)[]): Uint8Array => ethers.getBytes(ethers.concat(parts));

/** An MPI of exactly `value`'s octets (leading zero octets kept; the bit count covers them). */
function mpi(value: Uint8Array): Uint8Array {
  const bits = value.length * 8;
  return cat(Uint8Array.of(bits >> 8, bits & 0xff), value);
}

function be32(n: bigint): Uint8Array {
  return ethers.getBytes(ethers.toBeHex(n, 32));
}

/** A new-format signature packet (tag 2) around `body`. */
function packet(body: Uint8Array): Uint8Array {
  const n = body.length;
  if (n < 192) return cat(Uint8Array.of(0xc2, n), body);
  const m = n - 192;
  return cat(Uint8Array.of(0xc2, 192 + (m >> 8), m & 0xff), body);
}

/** `sig` (a one-packet new-format signature) with its values (the MPIs after the left 16 bits) replaced. */
function withValues(sig: Uint8Array, values: Uint8Array): Uint8Array {
  const body = sig[1] < 192 ? sig.subarray(2) : sig.subarray(3);
  const hashedEnd = 6 + ((body[4] << 8) | body[5]);
  const valuesStart = hashedEnd + 2 + ((body[hashedEnd] << 8) | body[hashedEnd + 1]) + 2;
  return packet(cat(body.subarray(0, valuesStart), values));
}

describe("OpenPgpSignature branches", function () {
  it("packet headers: every length form cut short, a partial length, a body under 6 octets", async function () {
    const v = await loadFixture(verifier);
    const key = (await vectorKey("p256")).publicKey;
    const cases: [string, string][] = [
      ["0xc2", "new format, no length octet"],
      ["0xc2c0", "new format, two-octet length cut short"],
      ["0xc2ff0000", "new format, five-octet length cut short"],
      ["0xc2e0040001080000", "new format, partial body length"],
      ["0x88", "old format, one-octet length missing"],
      ["0x8900", "old format, two-octet length cut short"],
      ["0x8a000000", "old format, four-octet length cut short"],
      ["0xc203040001", "a 3-octet body"],
    ];
    for (const [sig, what] of cases) expect(await statusOf(v, sig, key), what).to.equal("PACKET_LENGTH");
  });

  it("the body's first octets: an algorithm or a hash outside the profile, subpacket areas past the body", async function () {
    const v = await loadFixture(verifier);
    const key = (await vectorKey("p256")).publicKey;
    // version 4, type 0, algorithm 17 (DSA), SHA-256, no hashed subpackets
    expect(await statusOf(v, "0xc206040011080000", key)).to.equal("PUBLIC_KEY_ALGORITHM");
    // hash 2 (SHA-1), below the profile's 8-10
    expect(await statusOf(v, "0xc206040001020000", key)).to.equal("HASH_ALGORITHM");
    // hashed area empty, but no room for the unhashed area's length
    expect(await statusOf(v, "0xc206040001080000", key)).to.equal("SUBPACKETS");
    // a creation time in the hashed area; the unhashed area's only subpacket claims 5 octets and has 1
    const body = "0x040001080006" + "0502" + "70000000" + "0002" + "0510" + "0000";
    expect(await statusOf(v, packet(ethers.getBytes(body)), key)).to.equal("SUBPACKETS");
  });

  // Mutants of the subpacket walk (docs/mutation.md): a two-octet length's bounds check and its arithmetic.
  it("subpackets with two- and five-octet lengths are read whole: the signature stays VALID, as for the TypeScript profile", async function () {
    const v = await loadFixture(verifier);
    const p256 = await vectorKey("p256");
    const digest = ethers.getBytes(DIGEST);
    for (const [size, form] of [
      [300, "two"],
      [8000, "two"],
      [17_000, "five"],
    ] as const) {
      const notation = notationSubpacket("big@push.org", new Uint8Array(size).fill(0x61));
      const sig = craftSignature(digest, p256.privateKey, {
        created: CREATED,
        unhashedSubpackets: [notation],
      });
      const body = sig[1] < 192 ? sig.subarray(2) : sig[1] === 0xff ? sig.subarray(6) : sig.subarray(3);
      const unhashedStart = 6 + ((body[4] << 8) | body[5]) + 2;
      const first = body[unhashedStart];
      expect(
        first === 255 ? "five" : first >= 192 ? "two" : "one",
        `the ${size}-octet notation's length`,
      ).to.equal(form);
      expect(
        checkDigestSignature(digest, sig, parsePrimaryKey(p256.publicKey)).form,
        `TypeScript, ${size}`,
      ).to.be.a("string");
      expect(await statusOf(v, sig, p256.publicKey), `chain, ${size}`).to.equal("VALID");
    }
  });

  it("ECDSA values: missing, cut short, over 32 octets, zero, not below the order, or followed by more bytes", async function () {
    const v = await loadFixture(verifier);
    const p256 = await vectorKey("p256");
    const sig = craftSignature(ethers.getBytes(DIGEST), p256.privateKey, { created: CREATED });
    const one = be32(1n);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), "no values"],
      [Uint8Array.of(0x01, 0x00), "r's bit count claims 32 octets, none follow"],
      [mpi(one), "no s"],
      [cat(mpi(cat("0x01", one)), mpi(one)), "r of 33 significant octets"],
      [cat(mpi(one), mpi(cat("0x01", one))), "s of 33 significant octets"],
      [cat(mpi(be32(0n)), mpi(one)), "r = 0"],
      [cat(mpi(one), mpi(be32(0n))), "s = 0"],
      [cat(mpi(be32(P256_N)), mpi(one)), "r = n"],
      [cat(mpi(one), mpi(one), "0x00"), "r = s = 1 then a trailing octet"],
      [cat(mpi(one), mpi(be32(P256_N))), "s = n"],
    ];
    for (const [values, what] of cases) {
      expect(await statusOf(v, withValues(sig, values), p256.publicKey), what).to.equal("MPI");
    }
    // the crafted signature itself is valid: only the values changed above
    expect(await statusOf(v, sig, p256.publicKey)).to.equal("VALID");
  });

  it("Ed25519 values other than 64 octets are MPI", async function () {
    const v = await loadFixture(verifier);
    const ed = await vectorKey("ed25519");
    const sig = craftSignature(ethers.getBytes(DIGEST), ed.privateKey, { created: CREATED });
    expect(await statusOf(v, sig, ed.publicKey)).to.equal("VALID");
    const body = sig.subarray(2);
    expect(await statusOf(v, packet(cat(body, "0x00")), ed.publicKey)).to.equal("MPI");
    expect(await statusOf(v, packet(body.subarray(0, body.length - 1)), ed.publicKey)).to.equal("MPI");
  });

  it("an RSA signature checked under a P-256 key is ALGORITHM_MISMATCH", async function () {
    const v = await loadFixture(verifier);
    const rsa = await vectorKey("rsa2048");
    const p256 = await vectorKey("p256");
    const sig = craftSignature(ethers.getBytes(DIGEST), rsa.privateKey, { created: CREATED });
    expect(await statusOf(v, sig, rsa.publicKey)).to.equal("VALID");
    expect(await statusOf(v, sig, p256.publicKey)).to.equal("ALGORITHM_MISMATCH");
  });
});

/** The RSA-2048 vector key's modulus and private exponent, as openpgp.js holds them. */
interface RsaParams {
  publicParams: { n: Uint8Array };
  privateParams: { d: Uint8Array };
}

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}

const big = (b: Uint8Array): bigint => BigInt(ethers.hexlify(b));
const octets = (x: bigint, k: number): Uint8Array => ethers.getBytes(ethers.toBeHex(x, k));

describe("OpenPgpSignature branches: RSA values", function () {
  // Each case writes an encoded message EM (RFC 8017 section 8.2.2) and signs it with the vector key's private
  // exponent (s = EM^d mod n), then replaces the signature's value by s: the packet, the hashed data and the left 16
  // bits stay those of a valid signature, so only the arithmetic's check of EM decides.
  async function rsaCase(hashAlgorithm: number) {
    const v = await verifier();
    const rsa = await vectorKey("rsa2048");
    const params = rsa.privateKey.keyPacket as unknown as RsaParams;
    const n = big(params.publicParams.n);
    const d = big(params.privateParams.d);
    const k = params.publicParams.n.length;
    const sig = craftSignature(ethers.getBytes(DIGEST), rsa.privateKey, { created: CREATED, hashAlgorithm });
    expect(await statusOf(v, sig, rsa.publicKey)).to.equal("VALID");
    // the valid signature's s, and the EM it encodes
    const body = sig[1] < 192 ? sig.subarray(2) : sig.subarray(3);
    const hashedEnd = 6 + ((body[4] << 8) | body[5]);
    const valuesStart = hashedEnd + 2 + ((body[hashedEnd] << 8) | body[hashedEnd + 1]) + 2;
    const s = big(body.subarray(valuesStart + 2));
    const em = octets(modPow(s, 65537n, n), k);
    const signedWith = (e: Uint8Array): Uint8Array => withValues(sig, mpi(octets(modPow(big(e), d, n), k)));
    const status = (e: Uint8Array) => statusOf(v, signedWith(e), rsa.publicKey);
    return { v, rsa, n, k, sig, em, status };
  }

  it("SHA-512 and SHA-384: the hash's low half differs; the 00 01 prefix, the FF padding (whole words and the rest) broken", async function () {
    for (const hashAlgorithm of [10, 9]) {
      const { em, status } = await rsaCase(hashAlgorithm);
      expect(await status(em), "EM itself").to.equal("VALID");
      const changed = (i: number, value: number): Uint8Array => {
        const e = em.slice();
        e[i] = value;
        return e;
      };
      expect(await status(changed(em.length - 1, em[em.length - 1] ^ 1)), "hash's last octet").to.equal(
        "BAD_SIGNATURE",
      );
      if (hashAlgorithm === 10) {
        expect(await status(changed(1, 0x02)), "00 02 prefix").to.equal("BAD_SIGNATURE");
        expect(await status(changed(40, 0xfe)), "padding octet 40").to.equal("BAD_SIGNATURE");
        // the padding ends 20 octets (00, DigestInfo with NULL) before the 64-octet hash: octets 162-171 are the
        // padding after its last whole 32-octet word
        expect(await status(changed(em.length - 64 - 21, 0xfe)), "last padding octet").to.equal(
          "BAD_SIGNATURE",
        );
      }
    }
  });

  it("SHA-512: DigestInfo without the NULL parameters is valid; any other DigestInfo is not", async function () {
    const { em, status } = await rsaCase(10);
    const hl = 64;
    const h = em.subarray(em.length - hl);
    // 00 || SEQUENCE { SEQUENCE { OID sha512 }, OCTET STRING h } without the NULL, FF padding to k octets
    const without = ethers.getBytes("0x00304f300b0609608648016503040203" + "0440");
    const padded = (info: Uint8Array): Uint8Array => {
      const ps = new Uint8Array(em.length - 2 - info.length - hl).fill(0xff);
      return cat("0x0001", ps, info, h);
    };
    expect(await status(padded(without)), "without NULL").to.equal("VALID");
    const other = without.slice();
    other[5] ^= 1;
    expect(await status(padded(other)), "another DigestInfo").to.equal("BAD_SIGNATURE");
  });

  // A mutant of the MPI reader's bound (`p + 2 > end` to `p + 3 > end`, docs/mutation.md) refused an MPI of zero
  // bits that ends the body: it is read (no value octets) and fails the arithmetic, as in the TypeScript profile.
  it("an RSA value of zero bits (the MPI 00 00) is read, and is BAD_SIGNATURE on both sides", async function () {
    const { v, rsa, sig } = await rsaCase(8);
    const zero = withValues(sig, ethers.getBytes("0x0000"));
    let ts: string;
    try {
      checkDigestSignature(ethers.getBytes(DIGEST), zero, parsePrimaryKey(rsa.publicKey));
      ts = "VALID";
    } catch (e) {
      ts = (e as { code: string }).code;
    }
    expect(ts, "TypeScript").to.equal("BAD_SIGNATURE");
    expect(await statusOf(v, zero, rsa.publicKey), "chain").to.equal("BAD_SIGNATURE");
  });

  it("s not below n: equal to n, or greater in its first word", async function () {
    const { v, rsa, n, k, sig } = await rsaCase(8);
    expect(await statusOf(v, withValues(sig, mpi(octets(n, k))), rsa.publicKey), "s = n").to.equal(
      "BAD_SIGNATURE",
    );
    const above = n + (1n << BigInt(8 * (k - 32))); // n plus one in the lowest octet of its first word
    expect(above < 1n << BigInt(8 * k)).to.equal(true);
    expect(await statusOf(v, withValues(sig, mpi(octets(above, k))), rsa.publicKey), "s > n").to.equal(
      "BAD_SIGNATURE",
    );
  });
});
