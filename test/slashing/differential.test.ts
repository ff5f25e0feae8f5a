// Differential test: generated signatures get the same verdict from the message library (strict profile plus
// openpgp.js, `verifyDigestSignature`) and from the contract (OpenPgpVerifier, the code BAD_SIGNATURE proofs
// run). Keys: the committed vector keys (P-256 x2, RSA-2048, RSA-3072; RSA key generation is slow). Kinds:
// valid (with and without the salt notation), corrupted (one random byte), wrong key, wrong hash algorithm,
// wrong signature type. Deterministic (seeded), so a failure is reproducible.
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { deployVerifier } from "../../src/deploy/verifier";
import { getBytes, hexlify } from "ethers";
import {
  craftSignature,
  creationTimeSubpacket,
  issuerFingerprintSubpacket,
  issuerKeyIdSubpacket,
  notationSubpacket,
  signDigest,
  verifyDigestSignature,
} from "../../src/message";
import type { Subpacket } from "../../src/message";
import type { OpenPgpVerifier } from "../../typechain-types";
import { vectorKey } from "./fixture";
import type { UserKey, VectorKeyName } from "./fixture";
import keysJson from "../vectors/keys.json";
import { CHECKED_BEFORE_ISSUER, STATUS_CODES } from "./status";

/** xorshift32: small, seeded, good enough to pick bytes and positions. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

interface Case {
  name: string;
  digest: string;
  signature: Uint8Array;
  key: UserKey;
}

const CREATED = keysJson.keyCreated + 60;

describe("Differential: message library (openpgp.js) vs contract verdicts", function () {
  const cases: Case[] = [];
  let verifier: OpenPgpVerifier;

  before(async function () {
    ({ verifier } = await deployVerifier(hre));
    const next = rng(0x5eed);
    const digest = (): string => hexlify(Uint8Array.from({ length: 32 }, () => next() & 0xff));
    const other: Record<string, VectorKeyName> = { p256: "p256b", rsa2048: "rsa3072", rsa3072: "rsa2048" };
    for (const name of ["p256", "rsa2048", "rsa3072"] as const) {
      const key = await vectorKey(name);
      const wrong = await vectorKey(other[name]);
      const date = new Date(CREATED * 1000);
      for (let i = 0; i < 10; i++) {
        const d = digest();
        cases.push({
          name: `${name} valid #${i}`,
          digest: d,
          key,
          signature: await signDigest(d, key.privateKey, { date, saltNotation: i % 2 === 0 }),
        });
      }
      for (let i = 0; i < 12; i++) {
        const d = digest();
        const sig = await signDigest(d, key.privateKey, { date });
        const pos = next() % sig.length;
        sig[pos] ^= 1 + (next() % 255);
        cases.push({ name: `${name} corrupted byte ${pos}`, digest: d, key, signature: sig });
      }
      for (let i = 0; i < 5; i++) {
        const d = digest();
        cases.push({
          name: `${name} signed by ${other[name]} #${i}`,
          digest: d,
          key,
          signature: await signDigest(d, wrong.privateKey, { date }),
        });
      }
      for (const hashAlgorithm of [10, 9, 11, 10, 9]) {
        const d = digest();
        cases.push({
          name: `${name} hash algorithm ${hashAlgorithm}`,
          digest: d,
          key,
          signature: craftSignature(getBytes(d), key.privateKey, { hashAlgorithm, created: CREATED }),
        });
      }
      for (const signatureType of [1, 0x10, 0x13, 0x40, 1]) {
        const d = digest();
        cases.push({
          name: `${name} signature type ${signatureType}`,
          digest: d,
          key,
          signature: craftSignature(getBytes(d), key.privateKey, { signatureType, created: CREATED }),
        });
      }
    }
  });

  it("at least 100 signatures over P-256, RSA-2048 and RSA-3072, every kind present", function () {
    expect(cases.length).to.be.at.least(100);
  });

  it("every signature: valid for one iff valid for the other; the same rule named when both refuse", async function () {
    const tally = { valid: 0, invalid: 0 };
    for (const c of cases) {
      const off = await verifyDigestSignature(c.digest, c.signature, c.key.publicKey);
      const [algorithm, status] = await verifier.check(c.digest, c.signature, c.key.publicKey);
      expect(algorithm === 1n || algorithm === 19n, c.name).to.equal(true);
      const code = STATUS_CODES[Number(status)];
      expect(off.ok ? "valid" : off.stage, c.name).to.not.equal("openpgp"); // arithmetic-only refusals: none here
      expect(code === "VALID", `${c.name}: contract ${code}, library ${off.ok ? "ok" : off.stage}`).to.equal(
        off.ok,
      );
      if (!off.ok) {
        const want = off.stage === "crypto" ? "BAD_SIGNATURE" : off.code;
        // The contract checks "the issuer is the primary key" last (it needs the SHA-1 fingerprint), the
        // library before the creation time, the value sizes, the left 16 bits and the arithmetic: when the
        // library says ISSUER_MISMATCH, the contract may name one of those. Both are faults.
        if (!(want === "ISSUER_MISMATCH" && CHECKED_BEFORE_ISSUER.includes(code)))
          expect(code, c.name).to.equal(want);
      }
      tally[off.ok ? "valid" : "invalid"]++;
    }
    expect(tally.valid).to.be.at.least(30);
    expect(tally.invalid).to.be.at.least(60); // wave 2 admits more of the variants (SHA-512, text, old headers)
  });

  it("crafted subpacket areas (valid arithmetic): the same verdict and rule, issuer checks included", async function () {
    // Every signature here is arithmetically valid: only the profile rules on subpackets, the issuer (against
    // the SHA-1 fingerprint computed on chain) and the creation time decide.
    const next = rng(0xc0ffee);
    const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length];
    const key = await vectorKey("p256");
    const other = await vectorKey("p256b");
    const fp = (k: UserKey) =>
      (k.privateKey.keyPacket as unknown as { getFingerprintBytes(): Uint8Array }).getFingerprintBytes();
    const [mine, theirs] = [fp(key), fp(other)];
    const keyId = (f: Uint8Array) => f.subarray(12);
    const options: (() => Subpacket)[] = [
      () => creationTimeSubpacket(CREATED, next() % 2 === 0),
      () => creationTimeSubpacket(keysJson.keyCreated - 1),
      () => ({ type: 2, critical: false, body: Uint8Array.of(1, 2, 3) }),
      () => issuerKeyIdSubpacket(keyId(mine)),
      () => issuerKeyIdSubpacket(keyId(theirs)),
      () => ({ ...issuerKeyIdSubpacket(keyId(mine)), critical: true }),
      () => issuerFingerprintSubpacket(mine),
      () => issuerFingerprintSubpacket(theirs),
      () => ({ type: 33, critical: false, body: Uint8Array.of(5, ...mine) }),
      () => notationSubpacket("salt@notations.openpgpjs.org", Uint8Array.of(1, 2, 3, 4)),
      () => notationSubpacket("x@example.org", new Uint8Array(0), true),
      () => ({ type: 20, critical: false, body: Uint8Array.of(0x80, 0, 0, 0, 0, 9, 0, 0) }),
      () => ({ type: 3, critical: false, body: Uint8Array.of(0, 0, 0, 60) }),
      () => ({ type: 100, critical: false, body: Uint8Array.of(7) }),
    ];
    const tally: Record<string, number> = {};
    const runs = Math.max(80, Math.floor(Number(process.env.FUZZ_RUNS ?? 0) / 4)); // npm run test:fuzz: 500
    for (let i = 0; i < runs; i++) {
      const hashed = Array.from({ length: 1 + (next() % 4) }, () => pick(options)());
      if (next() % 3 !== 0) hashed.unshift(creationTimeSubpacket(CREATED));
      const unhashed =
        next() % 2 === 0 ? [] : Array.from({ length: 1 + (next() % 2) }, () => pick(options)());
      const d = hexlify(Uint8Array.from({ length: 32 }, () => next() & 0xff));
      const signature = craftSignature(getBytes(d), key.privateKey, {
        created: CREATED,
        hashedSubpackets: hashed,
        unhashedSubpackets: unhashed,
      });
      const off = await verifyDigestSignature(d, signature, key.publicKey);
      const [, status] = await verifier.check(d, signature, key.publicKey);
      const code = STATUS_CODES[Number(status)];
      const name = `crafted #${i}: hashed ${hashed.map((x) => x.type)} unhashed ${unhashed.map((x) => x.type)}`;
      if (!off.ok && off.stage === "openpgp") {
        // arithmetic and profile hold, openpgp.js refuses on its own grounds: not a fault on chain
        expect(code, name).to.equal("VALID");
      } else {
        expect(code === "VALID", `${name}: contract ${code}, library ${off.ok ? "ok" : off.code}`).to.equal(
          off.ok,
        );
        if (!off.ok) {
          const want = off.stage === "crypto" ? "BAD_SIGNATURE" : off.code;
          if (!(want === "ISSUER_MISMATCH" && CHECKED_BEFORE_ISSUER.includes(code)))
            expect(code, name).to.equal(want);
        }
      }
      tally[code] = (tally[code] ?? 0) + 1;
    }
    // the mix exercised valid signatures and the subpacket, creation-time and issuer rules
    for (const c of ["VALID", "SUBPACKET_NOT_ALLOWED", "CREATION_TIME", "ISSUER_MISMATCH"]) {
      expect(tally[c] ?? 0, `${c} in ${JSON.stringify(tally)}`).to.be.greaterThan(0);
    }
  });
});
