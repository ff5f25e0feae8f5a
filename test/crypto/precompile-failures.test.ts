// A precompile call that fails (out of gas: the call gets 63/64 of what is left) is named by a custom error, never
// taken for a result: PushJson's SHA-256 (PushJsonSha256Failed) and Ed25519's MODEXP (Ed25519PrecompileFailed).
// Each test lowers the gas limit of a call step by step below the least it needs, and checks that every outcome is
// the right result or a revert. SHA-256 of 64 KiB costs enough that the caller's 1/64 pays for the named revert, and
// the test requires it; MODEXP of Ed25519's inversion does not (docs/coverage.md).
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract } from "ethers";
import { ed25519 } from "@noble/curves/ed25519";
import type { CryptoHarness, PushLibrariesHarness } from "../../typechain-types";

type Outcome = { ok: true; value: string } | { ok: false; error: string };

async function outcome(
  contract: BaseContract,
  call: (gasLimit: number) => Promise<unknown>,
  gasLimit: number,
) {
  try {
    return { ok: true, value: String(await call(gasLimit)) } as Outcome;
  } catch (e) {
    const data = (e as { data?: unknown }).data;
    const parsed = typeof data === "string" && data !== "0x" ? contract.interface.parseError(data) : null;
    return { ok: false, error: parsed?.name ?? "no data" } as Outcome;
  }
}

/**
 * Every outcome from the least gas that succeeds down by `step` over `span` (or until the outcome `stopAt`): the
 * errors seen, each result checked.
 */
async function sweep(
  contract: BaseContract,
  call: (gasLimit: number) => Promise<unknown>,
  want: string,
  span: number,
  step: number,
  stopAt?: string,
): Promise<Map<string, number>> {
  let lo = 21_000;
  let hi = 5_000_000;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((await outcome(contract, call, mid)).ok) hi = mid;
    else lo = mid;
  }
  const seen = new Map<string, number>();
  for (let g = hi; g > hi - span && g > 21_000; g -= step) {
    const o = await outcome(contract, call, g);
    if (o.ok) expect(o.value, `result at gas ${g}`).to.equal(want);
    const label = o.ok ? "result" : o.error;
    seen.set(label, (seen.get(label) ?? 0) + 1);
    if (label === stopAt) break;
  }
  return seen;
}

describe("Precompile failures are named, never results", function () {
  this.timeout(300_000);

  it("PushJson's SHA-256 of a 64 KiB text, gas-starved: the result or a revert, PushJsonSha256Failed among them", async function () {
    const h = (await ethers.deployContract("PushLibrariesHarness")) as unknown as PushLibrariesHarness;
    const length = 64 * 1024;
    const want = await h.sha256HexOfRepeated(length);
    const text = new Uint8Array(length).fill(0x61);
    expect(want).to.equal(ethers.hexlify(ethers.toUtf8Bytes(ethers.sha256(text).slice(2))));
    const seen = await sweep(
      h,
      (gasLimit) => h.sha256HexOfRepeated.staticCall(length, { gasLimit }),
      want,
      3_000,
      10,
      "PushJsonSha256Failed",
    );
    expect([...seen.keys()], JSON.stringify([...seen])).to.include("PushJsonSha256Failed");
  });

  // MODEXP for the inversion costs about 1,354 gas (32-octet operands, a 255-bit exponent), so when it fails the
  // caller keeps about 21 gas: too little to reach the named revert, and the whole call runs out of gas instead.
  // docs/coverage.md lists Ed25519.sol's failure branch as unreachable for that reason.
  it("Ed25519's MODEXP (the canonical-point check), gas-starved: the result, or an out-of-gas revert (the 1/64 left cannot name the failure)", async function () {
    const h = (await ethers.deployContract("CryptoHarness")) as unknown as CryptoHarness;
    const point = ethers.hexlify(ed25519.getPublicKey(new Uint8Array(32).fill(7)));
    expect(await h.ed25519IsCanonicalPoint(point)).to.equal(true);
    const seen = await sweep(
      h,
      (gasLimit) => h.ed25519IsCanonicalPoint.staticCall(point, { gasLimit }),
      "true",
      3_000,
      2,
    );
    expect([...seen.keys()].sort(), JSON.stringify([...seen])).to.deep.equal(["no data", "result"]);
  });
});
