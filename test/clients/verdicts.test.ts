// Real-client vectors (test/fixtures/clients: keys and signatures made by GnuPG, Sequoia, openpgp.js 5 and 6)
// judged three ways: the TypeScript profile (src/message/pgp-profile.ts), the chain's verifier
// (OpenPgpVerifier.check, eth_call) and openpgp.js 6 (its verdict is recorded in the fixture and re-checked
// by vectors.test.ts). Every valid signature is valid for both profile sides; every corrupted twin gets the
// same verdict on both sides; and the chain never says "bad" where openpgp.js says "good".
import { expect } from "chai";
import hre from "hardhat";
import { KeyProfileError, checkKeyProfile } from "../../src/keys/profile";
import { parsePrimaryKey } from "../../src/message/pgp-key";
import { SignatureProfileError } from "../../src/message/pgp-packets";
import { checkDigestSignature } from "../../src/message/pgp-profile";
import { deployVerifier } from "../../src/deploy/verifier";
import type { OpenPgpVerifier } from "../../typechain-types";
import {
  CLIENT_TOOLS,
  fromHex,
  keyOf,
  loadClientVectors,
  twinSignature,
} from "../../scripts/gen-client-vectors";
import type { ClientKey, ClientSignature, ClientVectorFile } from "../../scripts/gen-client-vectors";
import { STATUS_CODES } from "../slashing/status";

function tsVerdict(digest: Uint8Array, signature: Uint8Array, key: Uint8Array): string {
  try {
    checkDigestSignature(digest, signature, parsePrimaryKey(key));
    return "VALID";
  } catch (e) {
    if (e instanceof SignatureProfileError) return e.code;
    throw e;
  }
}

describe("Real-client vectors: the TypeScript profile, the chain and openpgp.js agree", function () {
  this.timeout(600_000);
  let verifier: OpenPgpVerifier;
  const files: ClientVectorFile[] = CLIENT_TOOLS.map(loadClientVectors);
  const admitted = (k: ClientKey) => k.refusedByProfile === null;

  before(async function () {
    ({ verifier } = await deployVerifier(hre));
  });

  async function chainVerdict(digest: string, signature: Uint8Array, key: string): Promise<string> {
    const [, status] = await verifier.check(digest, signature, key);
    return STATUS_CODES[Number(status)];
  }

  it("every key the tools make by default is admitted by both sides, and the refused ones by neither", async function () {
    let keys = 0;
    for (const f of files) {
      for (const k of f.keys) {
        const ts = (() => {
          try {
            checkKeyProfile(fromHex(k.key));
            return "ok";
          } catch (e) {
            if (e instanceof KeyProfileError) return e.error;
            throw e;
          }
        })();
        const chain = await verifier.checkKey(k.key).then(
          () => "ok",
          (e: { data?: string }) =>
            (e.data ? verifier.interface.parseError(e.data)?.name : undefined) ?? String(e),
        );
        expect(chain === "ok", `${k.id}: chain ${chain}, TypeScript ${ts}`).to.equal(ts === "ok");
        if (ts !== "ok") expect([ts, `OpenPgpKey${ts}`], `${k.id}: the same error`).to.include(chain);
        expect(ts === "ok", `${k.id} (refusedByProfile ${k.refusedByProfile})`).to.equal(admitted(k));
        keys++;
      }
    }
    expect(keys).to.be.greaterThanOrEqual(20);
  });

  it("every signature: valid on both sides when openpgp.js says valid, and the same verdict on both sides", async function () {
    let n = 0;
    for (const f of files) {
      for (const s of f.signatures as ClientSignature[]) {
        const k = keyOf(f, s);
        if (!admitted(k)) continue;
        const sig = fromHex(s.signature);
        const ts = tsVerdict(fromHex(s.digest), sig, fromHex(k.key));
        const chain = await chainVerdict(s.digest, sig, k.key);
        expect(chain, `${s.id}: chain and TypeScript`).to.equal(ts);
        if (s.openpgpjs6Valid) expect(chain, `${s.id}: openpgp.js says valid`).to.equal("VALID");
        n++;
      }
    }
    expect(n, "signatures judged").to.be.greaterThanOrEqual(250);
  });

  it("every corrupted twin (bit flips inside and outside the signed data): the same verdict on both sides, never valid", async function () {
    let n = 0;
    const seen = new Set<string>();
    for (const f of files) {
      for (const s of f.signatures as ClientSignature[]) {
        const k = keyOf(f, s);
        if (!admitted(k)) continue;
        for (const twin of s.twins) {
          const sig = twinSignature(s, twin);
          const ts = tsVerdict(fromHex(s.digest), sig, fromHex(k.key));
          const chain = await chainVerdict(s.digest, sig, k.key);
          expect(chain, `${s.id} twin ${twin.join(",")}: chain and TypeScript`).to.equal(ts);
          // openpgp.js refuses every twin (recorded); the profile refuses every twin whose flip is signed
          if (twin[3])
            expect(chain, `${s.id} twin ${twin.join(",")}: openpgp.js says valid`).to.equal("VALID");
          if (twin[0] === "hashed" || twin[0] === "left16")
            expect(chain, `${s.id} ${twin[0]}`).not.to.equal("VALID");
          seen.add(`${twin[0]}:${chain}`);
          n++;
        }
      }
    }
    expect(n, "twins judged").to.be.greaterThanOrEqual(1000);
    // the flips reach the rules they aim at
    for (const want of [
      "hashed:SIGNED_HASH_MISMATCH",
      "left16:SIGNED_HASH_MISMATCH",
      "values:BAD_SIGNATURE",
    ]) {
      expect([...seen], want).to.include(want);
    }
  });
});
