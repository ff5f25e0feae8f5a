import { expect } from "chai";
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
} from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519";
import {
  ED25519_L,
  P256_N,
  decodeEd25519Point,
  ed25519Verify,
  p256Verify,
  p256VerifyHash,
  rsaPkcs1Verify,
  rsaPublic,
  rsaPublicBigInt,
  verifyValues,
} from "../../src/keys/signature-math";

// The arithmetic of rule 11 (docs/client-profile.md section 2), checked against independent computations.

const hex = (b: Uint8Array | Buffer) => Buffer.from(b).toString("hex");
const big = (b: Uint8Array) => BigInt("0x" + hex(b));
const bytes = (n: bigint, len: number) =>
  Uint8Array.from(Buffer.from(n.toString(16).padStart(len * 2, "0"), "hex"));
const le = (n: bigint) => bytes(n, 32).reverse();

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}

describe("signature arithmetic (src/keys/signature-math.ts)", () => {
  describe("RSA PKCS#1 v1.5: both DigestInfo forms, SHA-256/384/512", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
    const jwk = privateKey.export({ format: "jwk" });
    const n = Buffer.from(jwk.n as string, "base64url");
    const d = big(Buffer.from(jwk.d as string, "base64url"));
    const e = Uint8Array.of(1, 0, 1);
    const oid: Record<number, string> = { 8: "01", 9: "02", 10: "03" };
    const names: Record<number, string> = { 8: "sha256", 9: "sha384", 10: "sha512" };
    for (const alg of [8, 9, 10]) {
      it(`hash ${alg}`, () => {
        const h = createHash(names[alg]).update("data").digest();
        const withNull = `30${(19 + h.length - 2).toString(16)}300d06096086480165030402${oid[alg]}050004${h.length.toString(16)}`;
        const withoutNull = `30${(17 + h.length - 2).toString(16)}300b06096086480165030402${oid[alg]}04${h.length.toString(16)}`;
        for (const di of [withNull, withoutNull]) {
          const t = di + hex(h);
          const em = "0001" + "ff".repeat(256 - t.length / 2 - 3) + "00" + t;
          const s = bytes(modPow(BigInt("0x" + em), d, big(n)), 256);
          expect(rsaPkcs1Verify(alg, h, s, n, e), di).to.equal(true);
          const bad = Uint8Array.from(h);
          bad[0] ^= 1;
          expect(rsaPkcs1Verify(alg, bad, s, n, e)).to.equal(false);
        }
        // node:crypto's own signature (NULL form) verifies; s >= n does not
        const s = cryptoSign(names[alg], Buffer.from("data"), privateKey);
        expect(rsaPkcs1Verify(alg, h, s, n, e)).to.equal(true);
        expect(rsaPkcs1Verify(alg, h, bytes(big(s) + big(n), 257), n, e)).to.equal(false);
      });
    }
  });

  it("RSA s^e mod n: OpenSSL's raw RSA and the BigInt reference give the same octets, for any modulus and exponent", () => {
    // 2048/3072/4096-bit moduli (OpenSSL's path), a 256-bit one and even or tiny exponents (OpenSSL refuses
    // some: the BigInt path answers); s random below n, and the edge values 0, 1, n - 1.
    const moduli = [2048, 3072, 4096].map((bits) => {
      const jwk = generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ format: "jwk" });
      return Buffer.from(jwk.n as string, "base64url");
    });
    moduli.push(Buffer.from("c5a7" + "3b".repeat(29) + "e5", "hex")); // 256 bits, odd
    let seed = 7n;
    const next = (m: bigint) =>
      (seed = (seed * 6364136223846793005n + 1442695040888963407n) % (1n << 64n)) % m;
    for (const n of moduli) {
      const ni = big(n);
      const k = n.length;
      for (const e of [3n, 17n, 65537n, 2n, 1n, 4294967297n]) {
        const eb = bytes(e, Math.ceil(e.toString(16).length / 2));
        const values = [0n, 1n, ni - 1n];
        for (let i = 0; i < 4; i++)
          values.push(BigInt("0x" + hex(Buffer.from(n.map(() => Number(next(256n)))))) % ni);
        for (const si of values)
          expect(rsaPublic(n, eb, si, ni, e, k), `${k * 8} bits, e=${e}`).to.equal(
            rsaPublicBigInt(si, e, ni, k),
          );
      }
    }
  });

  describe("ECDSA P-256: leftmost 256 bits of h, both s, OpenSSL and @noble/curves agree", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const key = {
      x: Buffer.from(jwk.x as string, "base64url"),
      y: Buffer.from(jwk.y as string, "base64url"),
    };
    for (const [alg, name] of [
      [8, "sha256"],
      [9, "sha384"],
      [10, "sha512"],
    ] as const) {
      it(`hash ${alg}`, () => {
        const signed = Buffer.from(`signed data ${alg}`);
        const rs = cryptoSign(name, signed, { key: privateKey, dsaEncoding: "ieee-p1363" });
        const r = rs.subarray(0, 32);
        const s = rs.subarray(32);
        const h = createHash(name).update(signed).digest();
        const highS = bytes(P256_N - big(s), 32);
        for (const sv of [s, highS]) {
          expect(p256Verify(alg, signed, r, sv, key)).to.equal(true);
          expect(p256VerifyHash(h, r, sv, key.x, key.y)).to.equal(true);
        }
        expect(p256Verify(alg, Buffer.from("other"), r, s, key)).to.equal(false);
        expect(p256Verify(alg, signed, r, bytes(P256_N, 32), key)).to.equal(false);
        expect(verifyValues(alg, signed, { kind: "ecdsa", r, s }, { kind: "p256", ...key })).to.equal(true);
      });
    }
  });

  describe("Ed25519: strict decoding, S < L, the cofactored equation", () => {
    const seed = new Uint8Array(32).fill(7);
    const a = ed25519.getPublicKey(seed);
    const m = createHash("sha512").update("message").digest();
    const sig = ed25519.sign(m, seed);

    it("accepts a valid signature over all of h (64 octets here)", () => {
      expect(ed25519Verify(a, sig, m)).to.equal(true);
      expect(ed25519Verify(a, sig, m.subarray(0, 32))).to.equal(false);
      expect(
        verifyValues(10, Buffer.from("x"), { kind: "ed25519", signature: sig }, { kind: "ed25519", a }),
      ).to.equal(ed25519Verify(a, sig, createHash("sha512").update("x").digest()));
    });

    it("refuses S >= L (S + L would satisfy the equation) and a non-canonical R", () => {
      const s = BigInt("0x" + hex(Uint8Array.from(sig.subarray(32)).reverse()));
      const withSL = Uint8Array.from(sig);
      withSL.set(le(s + ED25519_L), 32);
      expect(ed25519Verify(a, withSL, m)).to.equal(false);
      // R = identity written with y = 1 + p (non-canonical)
      const p = (1n << 255n) - 19n;
      expect(decodeEd25519Point(le(1n))).to.not.equal(null);
      expect(decodeEd25519Point(le(1n + p))).to.equal(null);
      const nonCanonical = Uint8Array.from(sig);
      nonCanonical.set(le(1n + p), 0);
      expect(ed25519Verify(a, nonCanonical, m)).to.equal(false);
    });

    it("accepts a signature whose R carries a small-order component (cofactored, unlike RFC 8032's cofactorless check)", () => {
      // R' = R + T (T of order 2: (0, -1)), k' = H(R' || A || m); S' = r + k' a is what a signer with nonce
      // r would publish for R'; [8](S'B - R' - k'A) = [8](-T) = identity.
      const a0 = ed25519.utils.getExtendedPublicKey(seed).scalar;
      const r = 12345n;
      const R = ed25519.ExtendedPoint.BASE.multiply(r);
      const T = ed25519.ExtendedPoint.fromAffine({ x: 0n, y: (1n << 255n) - 19n - 1n });
      const Rp = R.add(T).toRawBytes();
      const k =
        BigInt("0x" + hex(createHash("sha512").update(Rp).update(a).update(m).digest().reverse())) %
        ED25519_L;
      const S = (r + k * a0) % ED25519_L;
      const torsioned = new Uint8Array(64);
      torsioned.set(Rp, 0);
      torsioned.set(le(S), 32);
      expect(ed25519Verify(a, torsioned, m)).to.equal(true);
      // OpenSSL's cofactorless check refuses it (so verifyValues falls back to the equation)
      const spki = createPublicKey({
        key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(a).toString("base64url") },
        format: "jwk",
      });
      expect(cryptoVerify(null, m, spki, torsioned)).to.equal(false);
      expect(
        verifyValues(8, new Uint8Array(), { kind: "ed25519", signature: torsioned }, { kind: "ed25519", a }),
      ).to.equal(ed25519Verify(a, torsioned, createHash("sha256").digest()));
    });
  });
});
