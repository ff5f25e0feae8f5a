import { expect } from "chai";
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import fc from "fast-check";
import { ED25519_TORSION_SUBGROUP, ed25519 } from "@noble/curves/ed25519";
import { ethers } from "hardhat";
import type { CryptoHarness } from "../../typechain-types";
import {
  L,
  P,
  Point,
  bigIntToLe32,
  challenge,
  decodeStrict,
  leToBigInt,
  mul,
  verifyCofactored,
  verifyCofactorless,
} from "./ed25519-reference";

const RANDOM_SIGNATURES = Number(process.env.ED25519_RUNS ?? 210);

function hex(b: Uint8Array): string {
  return "0x" + Buffer.from(b).toString("hex");
}

function fromHex(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h.replace(/^0x/, ""), "hex"));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(b);
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

function rawPublicKey(key: ReturnType<typeof generateKeyPairSync>["publicKey"]): Uint8Array {
  const jwk = key.export({ format: "jwk" });
  return Uint8Array.from(Buffer.from(jwk.x as string, "base64url"));
}

// RFC 8032 section 7.1, tests 1, 2, 3 and SHA(abc).
const RFC8032 = [
  {
    secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    pub: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    msg: "",
    sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    pub: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    msg: "72",
    sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    secret: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    pub: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    msg: "af82",
    sig: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
  {
    secret: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
    pub: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
    msg: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    sig: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
  },
];

describe("Ed25519 library", () => {
  let h: CryptoHarness;

  before(async () => {
    h = await (await ethers.getContractFactory("CryptoHarness")).deploy();
  });

  async function onChain(pub: Uint8Array, sig: Uint8Array, msg: Uint8Array): Promise<boolean> {
    return h.ed25519Verify(hex(pub), hex(sig.subarray(0, 32)), hex(sig.subarray(32, 64)), hex(msg));
  }

  /** Asserts the contract agrees with the reference, and returns the verdict. */
  async function agree(pub: Uint8Array, sig: Uint8Array, msg: Uint8Array, what: string): Promise<boolean> {
    const want = verifyCofactored(pub, sig, msg);
    expect(await onChain(pub, sig, msg)).to.equal(want, what);
    return want;
  }

  it("accepts the RFC 8032 section 7.1 test vectors (checked against node:crypto first)", async () => {
    for (const v of RFC8032) {
      expect(Buffer.from(ed25519.getPublicKey(v.secret)).toString("hex")).to.equal(v.pub);
      expect(Buffer.from(ed25519.sign(v.msg, v.secret)).toString("hex")).to.equal(v.sig);
      const pub = fromHex(v.pub);
      const sig = fromHex(v.sig);
      const msg = fromHex(v.msg);
      expect(await agree(pub, sig, msg, `vector ${v.pub}`)).to.equal(true);
      expect(
        await agree(pub, sig, flipBit(msg.length ? msg : new Uint8Array(1), 0), "changed message"),
      ).to.equal(false);
    }
  });

  it(`accepts ${RANDOM_SIGNATURES} random node:crypto signatures and refuses each with one bit flipped`, async () => {
    const gas: Record<number, number[]> = { 32: [], 48: [], 64: [] };
    for (let i = 0; i < RANDOM_SIGNATURES; i++) {
      const { publicKey, privateKey } = generateKeyPairSync("ed25519");
      const pub = rawPublicKey(publicKey);
      const len = [32, 48, 64][i % 3];
      const msg = Uint8Array.from(randomBytes(len));
      const sig = Uint8Array.from(sign(null, msg, privateKey));
      const [valid, used] = await h.ed25519VerifyGas(
        hex(pub),
        hex(sig.subarray(0, 32)),
        hex(sig.subarray(32, 64)),
        hex(msg),
      );
      expect(valid, `signature ${i}`).to.equal(true);
      expect(verifyCofactored(pub, sig, msg)).to.equal(true);
      gas[len].push(Number(used));

      const where = i % 4;
      const bit = randomBytes(2).readUInt16BE() % (where === 3 ? len * 8 : 256);
      const what = ["R", "S", "A", "message"][where];
      const [p2, s2, m2] =
        where === 0
          ? [pub, concat(flipBit(sig.subarray(0, 32), bit), sig.subarray(32)), msg]
          : where === 1
            ? [pub, concat(sig.subarray(0, 32), flipBit(sig.subarray(32), bit)), msg]
            : where === 2
              ? [flipBit(pub, bit), sig, msg]
              : [pub, sig, flipBit(msg, bit)];
      expect(await agree(p2, s2, m2, `${what} bit ${bit} of signature ${i}`)).to.equal(false);
    }
    for (const len of [32, 48, 64]) {
      const g = gas[len];
      console.log(
        `      verify gas, ${len}-byte message (${g.length} signatures): min ${Math.min(...g)}, max ${Math.max(...g)}`,
      );
      expect(Math.max(...g)).to.be.lessThan(1_500_000);
    }
  });

  it("refuses S = L and S + L, and agrees with the reference on S = L - 1 and S = 0", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const pub = rawPublicKey(publicKey);
    const msg = Uint8Array.from(randomBytes(32));
    const sig = Uint8Array.from(sign(null, msg, privateKey));
    const r = sig.subarray(0, 32);
    const s = leToBigInt(sig.subarray(32));
    expect(await agree(pub, concat(r, bigIntToLe32(s + L)), msg, "S + L")).to.equal(false);
    expect(await agree(pub, concat(r, bigIntToLe32(L)), msg, "S = L")).to.equal(false);
    expect(await agree(pub, concat(r, bigIntToLe32(2n ** 256n - 1n)), msg, "S = 2^256 - 1")).to.equal(false);
    await agree(pub, concat(r, bigIntToLe32(L - 1n)), msg, "S = L - 1");
    await agree(pub, concat(r, bigIntToLe32(0n)), msg, "S = 0");
    // A signature whose S is L - 1: with A of small order T and R = [L - 1]B, [8]([S]B - R - [k]A) = 0.
    const torsion = fromHex(ED25519_TORSION_SUBGROUP[1]);
    const rHigh = Point.BASE.multiply(L - 1n).toRawBytes();
    expect(await agree(torsion, concat(rHigh, bigIntToLe32(L - 1n)), msg, "S = L - 1, valid")).to.equal(true);
  });

  it("refuses non-canonical encodings: y >= p, x = 0 with the sign bit, points not on the curve", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const pub = rawPublicKey(publicKey);
    const msg = Uint8Array.from(randomBytes(64));
    const sig = Uint8Array.from(sign(null, msg, privateKey));
    const bad: Uint8Array[] = [];
    for (let y = P; y < 2n ** 255n; y++) bad.push(bigIntToLe32(y)); // y >= p, with and without the sign bit
    for (let y = P; y < 2n ** 255n; y += 7n) bad.push(bigIntToLe32(y | (1n << 255n)));
    bad.push(bigIntToLe32(1n | (1n << 255n))); // y = 1, x = 0, sign set
    bad.push(bigIntToLe32(P - 1n + (1n << 255n))); // y = -1, x = 0, sign set
    let notOnCurve = 0;
    for (let y = 2n; notOnCurve < 4; y++) {
      const enc = bigIntToLe32(y);
      if (!decodeStrict(enc)) {
        bad.push(enc);
        notOnCurve++;
      }
    }
    for (const enc of bad) {
      expect(decodeStrict(enc), hex(enc)).to.equal(undefined);
      expect(await h.ed25519IsCanonicalPoint(hex(enc)), hex(enc)).to.equal(false);
      expect(await agree(enc, sig, msg, `A = ${hex(enc)}`)).to.equal(false);
      expect(await agree(pub, concat(enc, sig.subarray(32)), msg, `R = ${hex(enc)}`)).to.equal(false);
    }
    // The same points with canonical encodings decode (y = p + 1 is y = 1: the identity).
    expect(await h.ed25519IsCanonicalPoint(hex(bigIntToLe32(1n)))).to.equal(true);
    expect(await h.ed25519IsCanonicalPoint(hex(bigIntToLe32(0n)))).to.equal(true);
    expect(await h.ed25519IsCanonicalPoint(hex(bigIntToLe32(1n << 255n)))).to.equal(true); // y = 0, x odd root
  });

  it("agrees with the reference on random A, R, S and message bytes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 0n, max: L + 8n }),
        fc.uint8Array({ minLength: 0, maxLength: 64 }),
        async (a, r, s, msg) => {
          await agree(a, concat(r, bigIntToLe32(s)), msg, `A ${hex(a)} R ${hex(r)} S ${s}`);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
  });

  it("isCanonicalPoint costs under 10,000 gas", async () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const [ok, used] = await h.ed25519IsCanonicalPointGas(hex(rawPublicKey(publicKey)));
    expect(ok).to.equal(true);
    console.log(`      isCanonicalPoint gas: ${used}`);
    expect(used).to.be.lessThan(10_000n);
  });

  it("agrees with the reference on isCanonicalPoint for random encodings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (enc) => {
        expect(await h.ed25519IsCanonicalPoint(hex(enc))).to.equal(decodeStrict(enc) !== undefined);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 100) },
    );
  });

  it("small-order A and R: the cofactored check accepts what the cofactorless one refuses, as the reference", async () => {
    const torsion = ED25519_TORSION_SUBGROUP.map(fromHex);
    for (const t of torsion) {
      const pt = decodeStrict(t);
      expect(pt, Buffer.from(t).toString("hex")).to.not.equal(undefined);
      expect(await h.ed25519IsCanonicalPoint(hex(t))).to.equal(true);
      expect(pt!.multiplyUnsafe(8n).equals(Point.ZERO)).to.equal(true);
    }
    const msg = Uint8Array.from(randomBytes(48));
    let onlyCofactored = 0;
    // A and R both small order, S = 0: [8](-R - [k]A) is always the identity.
    for (const a of torsion) {
      for (const r of torsion) {
        const sig = concat(r, bigIntToLe32(0n));
        expect(await agree(a, sig, msg, `A ${hex(a)}, R ${hex(r)}`)).to.equal(true);
        if (!verifyCofactorless(a, sig, msg)) onlyCofactored++;
      }
    }
    expect(onlyCofactored).to.be.greaterThan(0);

    // A real signature with a small-order point added to R: valid only under the cofactored equation.
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const pub = rawPublicKey(publicKey);
    const sig = Uint8Array.from(sign(null, msg, privateKey));
    const r = decodeStrict(sig.subarray(0, 32))!;
    for (const t of torsion.slice(1)) {
      // A + T with the same signature: k changes, so the equation fails; R + T: as the reference says.
      const a2 = decodeStrict(pub)!.add(decodeStrict(t)!).toRawBytes();
      expect(await agree(a2, sig, msg, `A + T ${hex(t)}`)).to.equal(false);
      const r2 = r.add(decodeStrict(t)!).toRawBytes();
      await agree(pub, concat(r2, sig.subarray(32)), msg, `R + T ${hex(t)}`);
    }

    // A signature by anyone for a small-order A: R = [S]B, S random.
    for (const a of torsion) {
      const s = leToBigInt(randomBytes(32)) % L;
      const sig2 = concat(mul(Point.BASE, s).toRawBytes(), bigIntToLe32(s));
      expect(await agree(a, sig2, msg, `small-order A ${hex(a)}`)).to.equal(true);
    }
  });

  it("a valid signature made with R + T for a torsion point T: cofactored valid, cofactorless not", async () => {
    // Sign by hand with noble's scalar: S = (r + k a) mod L with R' = [r]B + T, k over R'.
    const secret = randomBytes(32);
    const { scalar, point } = ed25519.utils.getExtendedPublicKey(secret);
    const pub = point.toRawBytes();
    const msg = Uint8Array.from(randomBytes(64));
    const t = decodeStrict(fromHex(ED25519_TORSION_SUBGROUP[1]))!;
    const nonce = (leToBigInt(randomBytes(32)) % (L - 1n)) + 1n;
    const rEnc = Point.BASE.multiply(nonce).add(t).toRawBytes();
    const k = challenge(rEnc, pub, msg);
    const s = (nonce + k * scalar) % L;
    const sig = concat(rEnc, bigIntToLe32(s));
    expect(verifyCofactorless(pub, sig, msg)).to.equal(false);
    expect(await agree(pub, sig, msg, "R + T")).to.equal(true);
  });
});
