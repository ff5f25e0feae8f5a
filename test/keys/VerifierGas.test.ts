// Issue 10: a failed precompile call is never a verdict, and checking a valid signature of every key type
// the profile admits costs at most a fixed budget.
//   - OpenPgpVerifier.check of a VALID signature, under every gas limit around the threshold where MODEXP
//     runs short: either a revert or Valid (0), never BadSignature. The original library turned the failed
//     MODEXP into BadSignature (18) here, and the slashing contract would have slashed on it.
//   - Slashing.proveBadSignature of an honest signature, gas-starved: always a revert, never a slash.
//   - Budgets (eth_estimateGas of OpenPgpVerifier.check, the whole call): see VERIFIER_GAS_BUDGET.
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import * as openpgp from "openpgp";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { OpenPgpVerifier } from "../../typechain-types";
import { signDigest } from "../../src/message";
import { args, deployWorld, vectorKey, type World } from "../slashing/fixture";

/**
 * Gas budget of `OpenPgpVerifier.check` (eth_estimateGas: intrinsic gas, calldata and execution) for a
 * valid signature of a key of each type the key profile admits; docs/key-profile.md states the measured
 * figures. RSA's MODEXP with e = 65537 costs 2 * (n bytes / 8)^2 * 16 gas under EIP-7883 (at most
 * 131,072 for 4096 bits), so the budget is bounded by the profile's 4096-bit cap.
 */
export const VERIFIER_GAS_BUDGET = {
  "RSA-2048": 340_000,
  "RSA-3072": 490_000,
  "RSA-4096": 650_000,
  "P-256": 160_000,
  // Issue 12: the Ed25519 arithmetic is checked on chain (the stateless Ed25519Verifier, about 400,000 gas).
  Ed25519: 480_000,
} as const;

const DIGEST = ethers.keccak256(ethers.toUtf8Bytes("issue 10"));

/** The revert data of a failed call, or null (none, or an out-of-gas report instead of data). */
function revertData(e: unknown): string | null {
  const data = (e as { data?: unknown }).data;
  return typeof data === "string" && data !== "0x" ? data : null;
}

type Outcome = { kind: "status"; status: bigint } | { kind: "revert"; error: string };

async function checkAt(
  verifier: OpenPgpVerifier,
  signature: Uint8Array,
  key: Uint8Array,
  gasLimit: number,
): Promise<Outcome> {
  try {
    const [, status] = await verifier.check.staticCall(DIGEST, signature, key, { gasLimit });
    return { kind: "status", status };
  } catch (e) {
    const data = revertData(e);
    const parsed = data ? verifier.interface.parseError(data) : null;
    return {
      kind: "revert",
      error: parsed
        ? `${parsed.name}(${parsed.args.join(",")})`
        : `no data (${(e as Error).message.slice(0, 60)})`,
    };
  }
}

/** The smallest gas limit at which `check` returns (binary search; the outcome is monotone above it). */
async function threshold(verifier: OpenPgpVerifier, signature: Uint8Array, key: Uint8Array): Promise<number> {
  let lo = 21_000;
  let hi = 3_000_000;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((await checkAt(verifier, signature, key, mid)).kind === "status") hi = mid;
    else lo = mid;
  }
  return hi;
}

describe("OpenPgpVerifier: precompile failures revert; gas budgets (issue 10)", function () {
  this.timeout(300_000);
  let world: World;
  let verifier: OpenPgpVerifier;
  const signed: Record<keyof typeof VERIFIER_GAS_BUDGET, { key: Uint8Array; signature: Uint8Array }> =
    {} as never;

  async function worldFixture(): Promise<World> {
    return deployWorld();
  }

  before(async () => {
    world = await loadFixture(worldFixture);
    verifier = world.verifier;
    const date = new Date(2_000_000_000_000);
    for (const [name, vector] of [
      ["RSA-2048", "rsa2048"],
      ["RSA-3072", "rsa3072"],
      ["P-256", "p256"],
      ["Ed25519", "ed25519"],
    ] as const) {
      const k = await vectorKey(vector);
      signed[name] = { key: k.publicKey, signature: await signDigest(DIGEST, k.privateKey, { date }) };
    }
    const { privateKey } = await openpgp.generateKey({
      type: "rsa",
      rsaBits: 4096,
      userIDs: [{ name: "rsa4096" }],
      format: "object",
    });
    signed["RSA-4096"] = {
      key: privateKey.toPublic().write(),
      signature: await signDigest(DIGEST, privateKey, { date }),
    };
  });

  it("a valid signature of each key type costs at most its budget (eth_estimateGas of check)", async function () {
    const measured: Record<string, number> = {};
    for (const name of Object.keys(VERIFIER_GAS_BUDGET) as Array<keyof typeof VERIFIER_GAS_BUDGET>) {
      const { key, signature } = signed[name];
      const [, status] = await verifier.check(DIGEST, signature, key);
      expect(status, name).to.equal(0n);
      measured[name] = Number(await verifier.check.estimateGas(DIGEST, signature, key));
    }
    console.log(`      verifier gas (eth_estimateGas): ${JSON.stringify(measured)}`);
    if ((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) return;
    for (const [name, budget] of Object.entries(VERIFIER_GAS_BUDGET)) {
      expect(measured[name], name).to.be.within(1, budget);
    }
    // The cost grows with the modulus, and the largest admitted modulus sets the bound.
    expect(measured["RSA-2048"]).to.be.lessThan(measured["RSA-3072"]);
    expect(measured["RSA-3072"]).to.be.lessThan(measured["RSA-4096"]);
  });

  for (const name of ["RSA-2048", "RSA-4096", "P-256"] as const) {
    it(`${name}: under every gas limit, a valid signature is Valid or a revert, never BadSignature (regression)`, async function () {
      const { key, signature } = signed[name];
      const t = await threshold(verifier, signature, key);
      const seen = new Map<string, number>();
      // Dense just below the threshold (where MODEXP / P-256 runs short and 1/64 of the gas is left to
      // finish), then coarse further down.
      const limits: number[] = [];
      // P-256's window (the precompile out of gas, enough gas left to name it) is about 20 gas wide: every 4 gas.
      const step = name === "P-256" ? 4 : 20;
      for (let g = t; g > t - 4_000 && g > 21_000; g -= step) limits.push(g);
      for (let g = t - 4_000; g > 21_000; g -= 2_500) limits.push(g);
      for (const g of limits) {
        const o = await checkAt(verifier, signature, key, g);
        if (o.kind === "status") expect(o.status, `${name} at gas ${g}`).to.equal(0n);
        const label = o.kind === "status" ? `status ${o.status}` : o.error.replace(/\(.*$/, "");
        seen.set(label, (seen.get(label) ?? 0) + 1);
      }
      // The window exists: MODEXP (or the P-256 precompile) failed and the verifier said so by name. Without the
      // revert (a mutant, docs/mutation.md), the failed P-256 call ran out of gas a few steps later instead.
      expect(
        [...seen.keys()].some((k) => k.startsWith("OpenPgpSignaturePrecompileFailed")),
        JSON.stringify([...seen]),
      ).to.equal(true);
    });
  }

  it("proveBadSignature of an honest RSA-3072 signature, gas-starved: always reverts, never slashes", async function () {
    const w = await loadFixture(worldFixture);
    const node = await w.registerNode();
    const key = await vectorKey("rsa3072");
    const m = await w.message(w.alice.address, w.bob.address, key);
    const proof = await w.attest(node, m);
    const call = (gasLimit?: number) =>
      w.slashing
        .connect(w.reporter)
        .proveBadSignature.staticCall(...args(proof), proof.signature, key.publicKey, proof.claim, {
          gasLimit,
        });
    // With enough gas: no fault.
    await expect(call()).to.be.revertedWithCustomError(w.slashing, "SlashingNoFault");
    // Find where the full check completes, then try every limit below it.
    let lo = 30_000;
    let hi = 3_000_000;
    const full = async (g: number): Promise<boolean> =>
      call(g).then(
        () => {
          throw new Error(`proveBadSignature succeeded with gas ${g}`);
        },
        (e: unknown) => {
          const data = revertData(e);
          return data !== null && w.slashing.interface.parseError(data)?.name === "SlashingNoFault";
        },
      );
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (await full(mid)) hi = mid;
      else lo = mid;
    }
    const limits: number[] = [];
    for (let g = hi; g > hi - 3_000; g -= 25) limits.push(g);
    for (let g = hi - 3_000; g > 30_000; g -= 5_000) limits.push(g);
    for (const g of limits) await full(g); // throws if any succeeds
    // And one real transaction just under the threshold: it fails, the node keeps its stake.
    const stakeBefore = await w.stakeOf(node.address);
    await expect(
      w.slashing
        .connect(w.reporter)
        .proveBadSignature(...args(proof), proof.signature, key.publicKey, proof.claim, {
          gasLimit: hi - 500,
        }),
    ).to.be.reverted;
    expect(await w.stakeOf(node.address)).to.equal(stakeBefore);
  });
});
