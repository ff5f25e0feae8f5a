// The watcher's MALFORMED rules (src/message/push/judge.ts) and PushProofs.malformedReason agree, reason for reason,
// over a few hundred attested variants of the SDK vectors (DIDs in every case form, escapes, lone surrogates,
// every value kind, sizes and times at their limits); the preimage length TypeScript predicts is the length of the
// preimage the contract builds.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { getBytes, keccak256, toUtf8Bytes } from "ethers";
import {
  PushMalformedReason,
  PushValueKind,
  pushMalformedReason,
  pushPreimageLength,
  wtf8,
} from "../../src/message/push";
import type { PushAttestedMessage, PushValue } from "../../src/message/push";
import { now } from "../slashing/fixture";
import { attestedOf, deployPushWorld, VECTORS } from "./proofs-fixture";

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bytes = (s: string): Uint8Array => wtf8(s);
const value = (kind: number, s = ""): PushValue => ({ kind: kind as PushValue["kind"], data: wtf8(s) });

function didForms(address: string): string[] {
  const hex = address.slice(2);
  const flipped = hex.replace(/[a-fA-F]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
  return [
    `eip155:${address}`,
    `eip155:0x${hex.toLowerCase()}`,
    `eip155:0x${hex.toUpperCase()}`,
    `eip155:0x${flipped}`,
    `eip155:0X${hex}`,
    `eip155:1:${address}`,
    `eip155:${address} `,
    `eip155:0x${hex.slice(0, 39)}g`,
    `eip155:0x${"0".repeat(40)}`,
  ];
}

const STRINGS = [
  "Text",
  "",
  "Meta",
  "UserActivity",
  "Image",
  'a"b\\c',
  "line\nbreak\u0001\u001f",
  "\ud800x",
  "😀\u2028",
];

describe("PushProofs: TypeScript and the contract agree on every MALFORMED reason", function () {
  it("300 random variants: pushMalformedReason == malformedReason; pushPreimageLength == the contract's preimage length", async function () {
    const w = await loadFixture(deployPushWorld);
    const [, maxContentSize, maxClockSkew] = await w.slashing.effectiveLimits(
      await (async () => 10n ** 9n)(),
    );
    const limits = { maxContentSize, maxClockSkew };
    const r = rng(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const seen = new Set<number>();
    const base = await Promise.all(
      VECTORS.filter((v) => v.name !== "pgpv3-pgp-long").map((v) => attestedOf(w, v)),
    );
    for (let i = 0; i < 300; i++) {
      const src = pick(base);
      const m: PushAttestedMessage = {
        header: { ...src.header },
        body: { ...src.body },
      };
      const attestedAt = m.header.timestamp;
      let signatureSize = 311;
      const mutations = Math.floor(r() * 4);
      let resize = true;
      for (let k = 0; k < mutations; k++) {
        switch (Math.floor(r() * 12)) {
          case 0:
            m.header.sigType = pick([2, 3, 0, 4, 255]);
            break;
          case 1:
            m.header.to = pick([m.header.from, m.header.to]);
            break;
          case 2:
            m.header.timestamp = attestedAt + BigInt(pick([-901, -900, 0, 900, 901, 3600]));
            break;
          case 3:
            signatureSize = pick([0, 311, 4096, 4097]);
            break;
          case 4:
            m.body.encType = bytes(pick(["pgp", "PlainText", "pgpv1:group", "", "PGP"]));
            break;
          case 5: {
            const did = pick(didForms(m.header.from));
            m.body.fromDID = bytes(did);
            m.body.fromCAIP10 = r() < 0.8 ? bytes(did) : bytes(did.toLowerCase());
            break;
          }
          case 6: {
            const did = pick(didForms(m.header.to));
            m.body.toCAIP10 = bytes(did);
            m.header.toDID = keccak256(r() < 0.8 ? bytes(did) : toUtf8Bytes(did.toLowerCase()));
            break;
          }
          case 7:
            m.body.messageType = bytes(pick(STRINGS));
            break;
          case 8:
            m.body.sessionKey = pick([
              value(PushValueKind.Null),
              value(PushValueKind.String, "k"),
              value(PushValueKind.String),
              value(PushValueKind.Undefined),
            ]);
            break;
          case 9:
            m.body.encryptedSecret = pick([
              src.body.encryptedSecret,
              value(PushValueKind.String),
              value(PushValueKind.String, pick(STRINGS)),
              value(PushValueKind.Null),
              value(PushValueKind.Undefined),
              value(PushValueKind.ContentObject, "x"),
            ]);
            break;
          case 10:
            m.body.messageObj = pick([
              src.body.messageObj,
              value(PushValueKind.String, pick(STRINGS)),
              value(PushValueKind.ContentObject, pick(STRINGS)),
              { kind: PushValueKind.Raw, data: toUtf8Bytes('{"content":"x","reference":null}') },
              { kind: PushValueKind.Raw, data: toUtf8Bytes("123") },
              value(PushValueKind.Null),
              value(PushValueKind.Undefined),
            ]);
            break;
          default:
            resize = false;
            m.header.preimageSize = pick([
              m.header.preimageSize + 1,
              m.header.preimageSize - 1,
              Number(maxContentSize) + 1,
              Number(maxContentSize),
            ]);
        }
      }
      if (resize) m.header.preimageSize = pushPreimageLength(m);
      const a = {
        digest: keccak256("0x"),
        signatureHash: keccak256("0x"),
        signatureSize,
        sequence: 1n,
        attestedAt,
      };
      const expected = pushMalformedReason(m, a, limits);
      seen.add(expected);
      expect(Number(await w.proofs.malformedReason(m.header, m.body, a)), `variant ${i}`).to.equal(expected);
      if (m.header.sigType === 2 || m.header.sigType === 3) {
        const pre = getBytes(await w.proofs.preimage(m.body, m.header.sigType));
        expect(pre.length, `variant ${i} preimage`).to.equal(pushPreimageLength(m));
      }
    }
    // The variants reach most reasons, and honest ones.
    expect(seen.has(PushMalformedReason.None)).to.equal(true);
    expect(seen.size).to.be.greaterThanOrEqual(12);
  });
});
