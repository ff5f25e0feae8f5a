import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { ethers } from "hardhat";
import type { CryptoHarness } from "../../typechain-types";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

function hex(b: Uint8Array): string {
  return "0x" + Buffer.from(b).toString("hex");
}

describe("Sha512 library", () => {
  let h: CryptoHarness;

  before(async () => {
    h = await (await ethers.getContractFactory("CryptoHarness")).deploy();
  });

  async function check(data: Uint8Array): Promise<void> {
    const [hi, lo] = await h.sha512(data);
    expect(hi + lo.slice(2)).to.equal(
      "0x" + createHash("sha512").update(data).digest("hex"),
      `len ${data.length}`,
    );
    const [hi3, lo3] = await h.sha384(data);
    expect(hi3 + lo3.slice(2)).to.equal(
      "0x" + createHash("sha384").update(data).digest("hex"),
      `len ${data.length}`,
    );
  }

  it("matches node:crypto on the FIPS 180 examples", async () => {
    await check(new Uint8Array(0));
    await check(Buffer.from("abc"));
    await check(
      Buffer.from(
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      ),
    );
  });

  it("matches node:crypto at every padding boundary", async () => {
    for (const len of [
      1, 63, 64, 95, 96, 110, 111, 112, 113, 127, 128, 129, 239, 240, 241, 255, 256, 257, 383, 384,
    ]) {
      await check(randomBytes(len));
    }
  });

  it("matches node:crypto on random lengths 0..1000", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 1000 }), async (data) => {
        await check(data);
      }),
      { numRuns: RUNS },
    );
  });

  it("sha512At hashes a range in place and leaves the bytes around it alone", async () => {
    const data = randomBytes(700);
    for (const [off, len] of [
      [0, 0],
      [3, 111],
      [17, 240],
      [100, 600],
    ]) {
      const [hi, lo] = await h.sha512At(data, off, len);
      const want = createHash("sha512")
        .update(data.subarray(off, off + len))
        .digest("hex");
      expect(hi + lo.slice(2)).to.equal("0x" + want);
    }
  });

  it("costs under 30,000 gas per 128-byte block", async () => {
    const gas = async (len: number): Promise<number> => Number(await h.sha512Gas(hex(randomBytes(len))));
    const g0 = await gas(0); // one block
    const g1 = await gas(128); // two blocks
    const g7 = await gas(7 * 128); // eight blocks
    const perBlock = (g7 - g1) / 6;
    console.log(
      `      sha512 gas: 1 block ${g0}, 2 blocks ${g1}, 8 blocks ${g7}, per block ${perBlock.toFixed(0)}`,
    );
    expect(perBlock).to.be.lessThan(30_000);
  });
});
