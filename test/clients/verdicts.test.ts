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

/**
 * `CLIENT_VECTOR_STRIDE=k` (npm run coverage sets it; default 1, every vector): the chain judges every k-th
 * signature and twin, plus the first signature of every key and the first twin of every kind for every key, so
 * every key and every kind of flip still reaches the chain (docs/coverage.md). The TypeScript side judges all.
 */
const STRIDE = Math.max(1, Number(process.env.CLIENT_VECTOR_STRIDE ?? "1"));

/** The items the chain judges: every STRIDE-th, and the first of each group. */
function sampled<T>(items: T[], group: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item, i) => {
    const g = group(item);
    const first = !seen.has(g);
    seen.add(g);
    return first || i % STRIDE === 0;
  });
}

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
    const judged: { f: ClientVectorFile; s: ClientSignature; k: ClientKey }[] = [];
    for (const f of files)
      for (const s of f.signatures as ClientSignature[]) {
        const k = keyOf(f, s);
        if (admitted(k)) judged.push({ f, s, k });
      }
    expect(judged.length, "signatures of admitted keys").to.be.greaterThanOrEqual(250);
    const onChain = sampled(judged, ({ k }) => k.id);
    for (const { s, k } of judged) {
      const ts = tsVerdict(fromHex(s.digest), fromHex(s.signature), fromHex(k.key));
      if (s.openpgpjs6Valid) expect(ts, `${s.id}: openpgp.js says valid`).to.equal("VALID");
    }
    for (const { s, k } of onChain) {
      const sig = fromHex(s.signature);
      const ts = tsVerdict(fromHex(s.digest), sig, fromHex(k.key));
      const chain = await chainVerdict(s.digest, sig, k.key);
      expect(chain, `${s.id}: chain and TypeScript`).to.equal(ts);
    }
    expect(new Set(onChain.map(({ k }) => k.id)).size, "every key reaches the chain").to.equal(
      new Set(judged.map(({ k }) => k.id)).size,
    );
  });

  it("every corrupted twin (bit flips inside and outside the signed data): the same verdict on both sides, never valid", async function () {
    const twins: { s: ClientSignature; k: ClientKey; twin: ClientSignature["twins"][number] }[] = [];
    for (const f of files)
      for (const s of f.signatures as ClientSignature[]) {
        const k = keyOf(f, s);
        if (admitted(k)) for (const twin of s.twins) twins.push({ s, k, twin });
      }
    expect(twins.length, "twins of admitted keys").to.be.greaterThanOrEqual(1000);
    const seen = new Set<string>();
    for (const { s, k, twin } of twins) {
      const ts = tsVerdict(fromHex(s.digest), twinSignature(s, twin), fromHex(k.key));
      // openpgp.js refuses every twin (recorded); the profile refuses every twin whose flip is signed
      if (twin[3]) expect(ts, `${s.id} twin ${twin.join(",")}: openpgp.js says valid`).to.equal("VALID");
      if (twin[0] === "hashed" || twin[0] === "left16")
        expect(ts, `${s.id} ${twin[0]}`).not.to.equal("VALID");
    }
    for (const { s, k, twin } of sampled(twins, ({ k, twin }) => `${k.id}:${twin[0]}`)) {
      const sig = twinSignature(s, twin);
      const chain = await chainVerdict(s.digest, sig, k.key);
      expect(chain, `${s.id} twin ${twin.join(",")}: chain and TypeScript`).to.equal(
        tsVerdict(fromHex(s.digest), sig, fromHex(k.key)),
      );
      seen.add(`${twin[0]}:${chain}`);
    }
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
