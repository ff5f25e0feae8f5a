import { expect } from "chai";
import { parsedKey } from "../../src/message/key-cache";
import { generate } from "./helpers";

/** The parsed-key cache (src/message/key-cache.ts): by content, with a per-array shortcut that a change defeats. */
describe("parsed key cache", function () {
  it("the same array, another array with the same bytes, and an array changed in place", async function () {
    const [a, b] = [await generate("p256"), await generate("p256")];
    expect(a.publicKey.length).to.equal(b.publicKey.length);
    const arr = Uint8Array.from(a.publicKey);
    const first = parsedKey(arr);
    expect(first.primary.keyId).to.equal("0x" + a.privateKey.getKeyID().toHex());
    expect(parsedKey(arr)).to.equal(first); // the array's shortcut
    expect(parsedKey(Uint8Array.from(a.publicKey))).to.equal(first); // by content
    arr.set(b.publicKey); // the same array, now another key
    const second = parsedKey(arr);
    expect(second).to.not.equal(first);
    expect(second.primary.keyId).to.equal("0x" + b.privateKey.getKeyID().toHex());
    expect(parsedKey(arr)).to.equal(second);
  });
});
