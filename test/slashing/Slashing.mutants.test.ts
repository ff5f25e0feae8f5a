// Slashing: behaviour pinned by mutation testing (docs/mutation.md). Each test here kills a mutant of
// contracts/Slashing.sol that the other tests let survive; the comment names it.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { World } from "./fixture";
import { deployWorld, vectorKey } from "./fixture";

describe("Slashing: mutation-testing findings", function () {
  async function world(): Promise<World> {
    return deployWorld();
  }

  // Slashing.sol _keyActive: `r.revokedAt != 0` -> `r.revokedAt != 1` made a never-revoked key look revoked at
  // time 0, so an attestation time below the state lag reverted with SlashingStateLag.
  it("keyActiveAt: a key never revoked is inactive before it was added, for any attestation time, without reverting", async function () {
    const w = await loadFixture(world);
    const key = await vectorKey("p256");
    const addedAt = await w.addKey(w.alice, key);
    const lag = (await w.slashing.effectiveLimits(addedAt)).stateLag;
    for (const attestedAt of [0n, 1n, lag - 1n, lag, addedAt - 1n]) {
      expect(
        await w.slashing.keyActiveAt(w.alice.address, key.keyHash, 1n, attestedAt),
        `${attestedAt}`,
      ).to.equal(false);
    }
    // and active from its addition, once the lag has passed
    expect(await w.slashing.keyActiveAt(w.alice.address, key.keyHash, addedAt, addedAt + lag)).to.equal(true);
  });
});
