import { expect } from "chai";
import fc from "fast-check";
import { TypedDataEncoder, Wallet, keccak256 } from "ethers";
import { attestationDomain } from "../../src/message/attestation";
import {
  PUSH_MESSAGE_TYPES,
  pushFieldHashes,
  pushMessageDigest,
  pushMessageStructHash,
} from "../../src/message/push/attest";
import type { PushAttestedMessage, PushValue } from "../../src/message/push/attest";
import { useNativeKeccak } from "../../src/validator/native-hash";

/**
 * pushMessageDigest against ethers' TypedDataEncoder on random structs: short values (hashes remembered in
 * memory) and long ones, the same bytes as a plain field and as PushValues of every kind, each struct hashed
 * twice (the second time from remembered hashes), before and after the native keccak is installed.
 */
describe("Push attestation digest: remembered hashes of short values change nothing", function () {
  const domain = { chainId: 31337n, verifyingContract: Wallet.createRandom().address };
  // Few distinct short values, so the same bytes come back as different fields and kinds.
  const short = fc.constantFrom(
    ...["", "Text", "pgp", "eip155:0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "\u00ff", "x".repeat(64)].map(
      (s) => Uint8Array.from(Buffer.from(s, "latin1")),
    ),
  );
  const bytes = fc.oneof(short, fc.uint8Array({ maxLength: 200 }));
  const value: fc.Arbitrary<PushValue> = fc.record({
    kind: fc.constantFrom(0, 1, 2, 3, 4) as fc.Arbitrary<PushValue["kind"]>,
    data: bytes,
  });
  const message: fc.Arbitrary<PushAttestedMessage> = fc.record({
    header: fc.record({
      sigType: fc.constantFrom(2, 3),
      from: fc.constant(Wallet.createRandom().address),
      to: fc.constant(Wallet.createRandom().address),
      timestamp: fc.bigInt(0n, 2n ** 64n - 1n),
      senderKey: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => keccak256(b)),
      recipientKey: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => keccak256(b)),
      preimageSize: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      toDID: fc.constant(keccak256(new Uint8Array([1]))),
    }),
    body: fc.record({
      fromDID: bytes,
      fromCAIP10: bytes,
      toCAIP10: bytes,
      messageObj: value,
      messageType: bytes,
      encType: bytes,
      sessionKey: value,
      encryptedSecret: value,
    }),
  });

  const agree = () =>
    fc.assert(
      fc.property(message, (m) => {
        const typed = TypedDataEncoder.hash(attestationDomain(domain), PUSH_MESSAGE_TYPES, {
          ...m.header,
          // TypedDataEncoder hashes toDID from its bytes; the header carries the hash: compare the struct below.
          toDID: new Uint8Array([1]),
          body: m.body,
        });
        expect(pushMessageDigest(m, domain)).to.equal(typed);
        expect(pushMessageDigest(m, domain)).to.equal(typed);
        const hs = pushFieldHashes(m.body);
        expect(pushMessageStructHash(m.header, hs)).to.equal(
          TypedDataEncoder.from(PUSH_MESSAGE_TYPES).hashStruct("PushMessage", {
            ...m.header,
            toDID: new Uint8Array([1]),
            body: m.body,
          }),
        );
      }),
      { numRuns: 150 },
    );

  it("equals TypedDataEncoder, with ethers' keccak and with the native sponge", function () {
    agree();
    expect(useNativeKeccak()).to.equal(true);
    agree();
  });
});
