import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { deployVerifier } from "../../src/deploy/verifier";
import { createHash, randomBytes } from "node:crypto";
import type { OpenPgpVerifier, SlashingLibrariesHarness } from "../../typechain-types";
import signaturesJson from "../vectors/signatures.json";
import keysJson from "../vectors/keys.json";
import { CHECKED_BEFORE_ISSUER, STATUS_CODES } from "./status";

type KeyName = keyof typeof keysJson.keys;

describe("OpenPgpVerifier: committed signature vectors", function () {
  let verifier: OpenPgpVerifier;
  let harness: SlashingLibrariesHarness;

  before(async function () {
    ({ verifier } = await deployVerifier(hre));
    harness = (await ethers.deployContract(
      "SlashingLibrariesHarness",
    )) as unknown as SlashingLibrariesHarness;
  });

  it("Sha1 equals node:crypto for lengths 0..300", async function () {
    for (let len = 0; len <= 300; len += len < 130 ? 1 : 17) {
      const data = randomBytes(len);
      const want = "0x" + createHash("sha1").update(data).digest("hex");
      expect(await harness.sha1(data)).to.equal(want, `length ${len}`);
    }
  });

  for (const v of signaturesJson.signatures) {
    const key = keysJson.keys[v.key as KeyName];
    it(`${v.name}: ${v.expect.ok ? "valid" : (v.expect.code ?? v.expect.stage)}`, async function () {
      const [algorithm, status] = await verifier.check(v.digest, v.signature, key.publicKey);
      const onChainFault = status !== 0n;
      const rsaOrP256 = algorithm === 1n || algorithm === 19n;
      // `provable` in the vectors: a BAD_SIGNATURE proof must succeed (RSA / P-256 key and a fault).
      expect(rsaOrP256 && onChainFault).to.equal(v.expect.provable, `status ${status}`);
      if (rsaOrP256) expect(onChainFault).to.equal(!v.expect.ok, `status ${status}`);
      // The same rule is named, except that the contract checks the arithmetic before the issuer (so a
      // signature by another key that names it is BAD_SIGNATURE on chain, ISSUER_MISMATCH off chain).
      const code = STATUS_CODES[Number(status)];
      // For EdDSA keys the arithmetic is not checked on chain: a crypto failure reads VALID (to a dispute).
      const crypto = rsaOrP256 ? "BAD_SIGNATURE" : "VALID";
      const want = v.expect.ok ? "VALID" : v.expect.stage === "crypto" ? crypto : v.expect.code;
      if (!(want === "ISSUER_MISMATCH" && CHECKED_BEFORE_ISSUER.includes(code))) expect(code).to.equal(want);
    });
  }
});
