// OpenPgpKey branches the key suites do not reach (docs/coverage.md), through OpenPgpKeyHarness: packet headers cut
// short, secret-key, second-primary and literal-data packets, key fields cut short or out of the profile, and keys
// with several subkeys (signing or not, bindings that do not flag signing, packets between subkeys).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { OpenPgpKeyHarness } from "../../typechain-types";
import { craftKeyWithBinding } from "../../src/message/pgp-craft";
import { vectorKey } from "../slashing/fixture";
import { fixture, primaryBody, withPrimaryBody } from "./helpers";

const cat = (...parts: (Uint8Array | string)[]): Uint8Array => ethers.getBytes(ethers.concat(parts));
const CREATED = "0x65000000";

/** A new-format signature packet around `body`. */
function packetHeaderOf(body: Uint8Array): Uint8Array {
  const n = body.length;
  if (n < 192) return cat(Uint8Array.of(0xc2, n), body);
  const m = n - 192;
  return cat(Uint8Array.of(0xc2, 192 + (m >> 8), m & 0xff), body);
}

async function harness(): Promise<OpenPgpKeyHarness> {
  const ed = await ethers.deployContract("Ed25519Verifier");
  return ethers.deployContract("OpenPgpKeyHarness", [await ed.getAddress()]);
}

interface Packet {
  tag: number;
  bytes: Uint8Array;
}

/** The packets of a key written with new-format headers (as openpgp.js writes them). */
function packetsOf(key: Uint8Array): Packet[] {
  const out: Packet[] = [];
  let p = 0;
  while (p < key.length) {
    const t = key[p];
    if ((t & 0xc0) !== 0xc0) throw new Error(`old-format packet at ${p}`);
    const a = key[p + 1];
    let start: number;
    let len: number;
    if (a < 192) [start, len] = [p + 2, a];
    else if (a < 224) [start, len] = [p + 3, ((a - 192) << 8) + key[p + 2] + 192];
    else if (a === 255)
      [start, len] = [p + 6, new DataView(key.buffer, key.byteOffset + p + 2, 4).getUint32(0)];
    else throw new Error(`partial length at ${p}`);
    out.push({ tag: t & 0x3f, bytes: key.slice(p, start + len) });
    p = start + len;
  }
  return out;
}

describe("OpenPgpKey branches", function () {
  it("packet headers cut short, a secret subkey, a second primary key, a literal data packet", async function () {
    const lib = await loadFixture(harness);
    const p256 = (await vectorKey("p256")).publicKey;
    const p256b = (await vectorKey("p256b")).publicKey;
    for (const [key, what] of [
      ["0xc6ff000000", "five-octet length cut short"],
      ["0x9900", "old-format two-octet length cut short"],
    ] as const) {
      await expect(lib.signers(key, false), what).to.be.revertedWithCustomError(lib, "OpenPgpKeyTruncated");
    }
    await expect(lib.signers(cat(p256, "0xc70100"), false))
      .to.be.revertedWithCustomError(lib, "OpenPgpKeySecretKeyPacket")
      .withArgs(p256.length, 7);
    await expect(lib.signers(cat(p256, p256b), false))
      .to.be.revertedWithCustomError(lib, "OpenPgpKeyMultipleKeys")
      .withArgs(p256.length);
    await expect(lib.signers(cat(p256, "0xcb0100"), false))
      .to.be.revertedWithCustomError(lib, "OpenPgpKeyPacketNotAllowed")
      .withArgs(p256.length, 11);
  });

  it("key fields: OIDs and MPIs cut short, an empty MPI, a P-256 point MPI of another size, EdDSA keys cut short", async function () {
    const lib = await loadFixture(harness);
    const p256 = (await vectorKey("p256")).publicKey;
    const truncated: [string, string][] = [
      [CREATED + "13", "ECDSA: no OID length"],
      [CREATED + "13082a86", "ECDSA: OID cut short"],
      [CREATED + "01", "RSA: no MPI"],
      [CREATED + "01080001", "RSA: MPI of 8 bytes with 2"],
      [CREATED + "16092b06010401da470f01010740" + "00".repeat(10), "EdDSA legacy: point cut short"],
      [CREATED + "1b" + "00".repeat(10), "Ed25519: key cut short"],
    ];
    for (const [fields, what] of truncated) {
      const key = withPrimaryBody(p256, cat("0x04", fields));
      await expect(lib.signers(key, false), what).to.be.revertedWithCustomError(lib, "OpenPgpKeyTruncated");
    }
    // bit count 0: 6 (the fields' offset in the body) + 2 (header) = 8
    await expect(lib.signers(withPrimaryBody(p256, cat("0x04", CREATED, "0x010000")), false))
      .to.be.revertedWithCustomError(lib, "OpenPgpKeyMalformedMpi")
      .withArgs(8);
    // the point's MPI says 516 bits instead of 515
    const body = primaryBody(p256);
    const mpiAt = 6 + 1 + 8;
    expect(ethers.hexlify(body.slice(mpiAt, mpiAt + 2))).to.equal("0x0203");
    const bad = body.slice();
    bad[mpiAt + 1] = 0x04;
    await expect(lib.signers(withPrimaryBody(p256, bad), false))
      .to.be.revertedWithCustomError(lib, "OpenPgpKeyMalformedMpi")
      .withArgs(2 + mpiAt);
  });

  it("RSA: a 4,104-bit modulus is too large; an exponent other than 65537 is refused", async function () {
    const lib = await loadFixture(harness);
    const rsa = await fixture("rsa2048");
    const n = cat("0x80", "0x" + "01".repeat(512)); // 513 octets, top bit set: 4,104 bits
    const big = cat("0x04", CREATED, "0x01", "0x1008", n, "0x0011010001");
    await expect(lib.signers(withPrimaryBody(rsa, big), false))
      .to.be.revertedWithCustomError(lib, "OpenPgpKeyRsaModulusTooLarge")
      .withArgs(4104);
    const body = primaryBody(rsa);
    const e = body.length - 5;
    expect(ethers.hexlify(body.slice(e))).to.equal("0x0011010001");
    const other = body.slice();
    other[body.length - 1] = 0x03;
    await expect(lib.signers(withPrimaryBody(rsa, other), false))
      .to.be.revertedWithCustomError(lib, "OpenPgpKeyRsaExponentNotAllowed")
      .withArgs("0x010003");
  });

  it("several subkeys: two bindings, a user ID between subkeys, a subkey without bindings, bindings that do not flag signing", async function () {
    const lib = await loadFixture(harness);
    const key = (await vectorKey("p256Subkey")).publicKey;
    const packets = packetsOf(key);
    // primary, user ID, self-signature, then two subkeys with one binding each (encryption and signing)
    expect(packets.map((p) => p.tag)).to.deep.equal([6, 13, 2, 14, 2, 14, 2]);
    const [primary, uid, self] = packets.map((p) => p.bytes);
    const head = cat(primary, uid, self);
    const pairs = [3, 5].map((i) => [packets[i].bytes, packets[i + 1].bytes]);
    const counts = await Promise.all(pairs.map(([s, b]) => lib.signers(cat(head, s, b), true)));
    expect(counts.map((c) => c.length)).to.deep.equal([1, 2]); // the second subkey is the signing one
    const [sub, binding] = pairs[1];
    const one = counts[1][1];
    expect(one.algorithm).to.equal(19n);

    // the subkey twice (the second binding of the first copy, and a user ID before the second copy)
    const twice = cat(head, sub, binding, binding, uid, sub, binding);
    const s2 = await lib.signers(twice, true);
    expect(s2.length).to.equal(3);
    const firstSub = head.length;
    const secondSub = head.length + sub.length + 2 * binding.length + uid.length;
    expect(s2[1].bodyStart).to.equal(one.bodyStart);
    expect(s2[2].bodyStart - s2[1].bodyStart).to.equal(BigInt(secondSub - firstSub));

    // a subkey followed directly by another subkey has no binding: not a signing key
    const bare = cat(head, sub, binding, sub, sub, binding);
    const s3 = await lib.signers(bare, true);
    expect(s3.length).to.equal(3);
    expect(s3[2].bodyStart - s3[1].bodyStart).to.equal(BigInt(sub.length + binding.length + sub.length));

    // signatures after a subkey that cannot flag signing: a body under 6 octets, version 3, type 0x10, a hashed
    // area past the packet
    const unflagged = cat(
      "0xc203040018",
      "0xc20603181308" + "0000",
      "0xc20604101308" + "0000",
      "0xc20604181308" + "00ff",
    );
    const s4 = await lib.signers(cat(head, sub, unflagged, sub, binding), true);
    expect(s4.length).to.equal(2);
    expect(s4[1].bodyStart - one.bodyStart).to.equal(BigInt(sub.length + ethers.getBytes(unflagged).length));
  });
  describe("binding verification", function () {
    /** The last packet of `key` (the crafted binding): where it starts and its body's bounds. */
    function lastPacket(key: Uint8Array): { at: number; body: number; end: number } {
      let p = 0;
      let last = { at: 0, body: 0, end: 0 };
      for (const packet of packetsOf(key)) {
        const a = key[p + 1];
        last = { at: p, body: p + (a < 192 ? 2 : a < 224 ? 3 : 6), end: p + packet.bytes.length };
        p += packet.bytes.length;
      }
      return last;
    }

    /** The offset of the back signature's body (after its embedded-signature subpacket's type octet), unhashed. */
    function backSignatureAt(key: Uint8Array): number {
      const { body } = lastPacket(key);
      const hashedEnd = body + 6 + ((key[body + 4] << 8) | key[body + 5]);
      let i = hashedEnd + 2;
      const end = i + ((key[hashedEnd] << 8) | key[hashedEnd + 1]);
      while (i < end) {
        const a = key[i];
        const [lenOctets, n] = a < 192 ? [1, a] : [2, ((a - 192) << 8) + key[i + 1] + 192];
        if ((key[i + lenOctets] & 0x7f) === 32) return i + lenOctets + 1;
        i += lenOctets + n;
      }
      throw new Error("no back signature in the unhashed area");
    }

    // A mutant of the walk's bound (`i < unhashedEnd` to `<=`, docs/mutation.md) reads the binding's left 16 bits as
    // one more subpacket; a first octet of 192 or more is a length cut off there, which sends the walk back to the
    // key's first octet. Bindings without a back signature, whatever their left 16 bits, are refused alike.
    it("a signing binding without a back signature is refused, whatever the first octet of its left 16 bits", async function () {
      const lib = await loadFixture(harness);
      const key = (await vectorKey("p256Subkey")).privateKey;
      const base = Number(
        (key.getSubkeys()[0].keyPacket as unknown as { created: Date }).created.getTime() / 1000,
      );
      const firsts = new Set<string>();
      for (let created = base + 1; firsts.size < 2 || created <= base + 24; created++) {
        const k = craftKeyWithBinding(key, 1, { omitBackSignature: true, created });
        const { body, at } = lastPacket(k);
        const hashedEnd = body + 6 + ((k[body + 4] << 8) | k[body + 5]);
        const left16 = hashedEnd + 2 + ((k[hashedEnd] << 8) | k[hashedEnd + 1]);
        firsts.add(k[left16] < 192 ? "one" : k[left16] < 255 ? "two" : "five");
        await expect(lib.signers(k, true), `binding created at ${created}, left16 ${k[left16]}`)
          .to.be.revertedWithCustomError(lib, "OpenPgpKeyBadSubkeyBinding")
          .withArgs(at);
        if (created > base + 2000) break;
      }
      expect([...firsts].sort()).to.include.members(["one", "two"]);
    });

    // The same mutant, made to show: a long user ID after the primary key holds, where a walk from the key's first
    // octet lands, a subpacket length that leads to the binding's left 16 bits; with a first octet of 192 or more
    // there, the mutant's walk starts again from octet 0 and never ends (out of gas), where the original refuses
    // the binding by name.
    it("a signing binding without a back signature is refused by name, whatever the key's other packets hold", async function () {
      const lib = await loadFixture(harness);
      const key = (await vectorKey("p256Subkey")).privateKey;
      const base = Number(
        (key.getSubkeys()[0].keyPacket as unknown as { created: Date }).created.getTime() / 1000,
      );
      let tried = 0;
      for (let created = base + 1; tried < 3; created++) {
        const plain = craftKeyWithBinding(key, 1, { omitBackSignature: true, created });
        const primaryEnd = 2 + plain[1];
        const uid = new Uint8Array(3000).fill(0x61);
        const k = cat(
          plain.subarray(0, primaryEnd),
          Uint8Array.of(0xcd, 192 + ((3000 - 192) >> 8), (3000 - 192) & 0xff),
          uid,
          plain.subarray(primaryEnd),
        );
        const { body, at } = lastPacket(k);
        const hashedEnd = body + 6 + ((k[body + 4] << 8) | k[body + 5]);
        const unhashedEnd = hashedEnd + 2 + ((k[hashedEnd] << 8) | k[hashedEnd + 1]);
        if (k[unhashedEnd] < 192) continue;
        // where a subpacket walk from octet 0 lands: the primary key's header read as a two-octet length
        expect(k[0]).to.be.within(192, 223);
        const q = 2 + ((k[0] - 192) << 8) + k[1] + 192;
        expect(q).to.be.within(primaryEnd + 3, primaryEnd + 3 + 3000 - 3);
        const n = unhashedEnd - (q + 2);
        expect(n).to.be.within(192, 8383);
        k.set([192 + ((n - 192) >> 8), (n - 192) & 0xff, 0x01], q);
        await expect(lib.signers(k, true), `binding created at ${created}`)
          .to.be.revertedWithCustomError(lib, "OpenPgpKeyBadSubkeyBinding")
          .withArgs(at);
        tried++;
      }
    });

    it("a back signature in the unhashed area is found; one of another version, type or algorithm is not", async function () {
      const lib = await loadFixture(harness);
      const key = (await vectorKey("p256Subkey")).privateKey;
      const unhashed = craftKeyWithBinding(key, 1, { backSignatureUnhashed: true });
      expect((await lib.signers(unhashed, true)).length).to.equal(2);
      const back = backSignatureAt(unhashed);
      expect(Array.from(unhashed.slice(back, back + 3))).to.deep.equal([4, 0x19, 19]);
      const { at } = lastPacket(unhashed);
      // the unhashed area is not signed by the binding: only the back signature's own check fails
      for (const [offset, value, what] of [
        [0, 5, "version 5"],
        [2, 22, "algorithm 22 (EdDSA legacy)"],
      ] as const) {
        const k = unhashed.slice();
        k[back + offset] = value;
        await expect(lib.signers(k, true), what)
          .to.be.revertedWithCustomError(lib, "OpenPgpKeyBadSubkeyBinding")
          .withArgs(at);
      }
      const type18 = craftKeyWithBinding(key, 1, { backSignatureUnhashed: true, backSignatureType: 0x18 });
      await expect(lib.signers(type18, true))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyBadSubkeyBinding")
        .withArgs(lastPacket(type18).at);
    });

    it("the binding's unhashed area: two- and five-octet subpacket lengths, and embedded signatures that do not parse, are passed over; an unframed area is refused", async function () {
      const lib = await loadFixture(harness);
      const key = (await vectorKey("p256Subkey")).privateKey;
      const unhashed = craftKeyWithBinding(key, 1, { backSignatureUnhashed: true });
      const { at, body, end } = lastPacket(unhashed);
      const b = unhashed.slice(body, end);
      const hashedEnd = 6 + ((b[4] << 8) | b[5]);
      const valuesStart = hashedEnd + 2 + ((b[hashedEnd] << 8) | b[hashedEnd + 1]);
      const area = b.slice(hashedEnd + 2, valuesStart); // the back signature's subpacket
      /** The key with the binding's unhashed area replaced by `content`. */
      const withUnhashed = (content: Uint8Array): Uint8Array => {
        const len = Uint8Array.of(content.length >> 8, content.length & 0xff);
        const newBody = cat(b.slice(0, hashedEnd), len, content, b.slice(valuesStart));
        return cat(unhashed.slice(0, at), packetHeaderOf(newBody));
      };
      const notation200 = cat("0xc008", "0x14", new Uint8Array(199)); // two-octet length 200: type 20 and 199 octets
      const notation5 = cat("0xff00000005", "0x14", new Uint8Array(4)); // five-octet length 5
      const shortEmbedded = cat("0x04", "0x20", "0x041918"); // an embedded signature of 3 octets
      // the back signature again, its first hashed subpacket's length octet overrunning its hashed area
      const lenOctets = area[0] < 192 ? 1 : 2;
      const unframed = area.slice();
      unframed[lenOctets + 1 + 6] = 0xbf;
      for (const [content, what] of [
        [cat(notation200, area), "two-octet length"],
        [cat(notation5, area), "five-octet length"],
        [cat(shortEmbedded, area), "embedded signature under 6 octets"],
        [cat(unframed, area), "embedded signature with an unframed hashed area"],
      ] as const) {
        expect((await lib.signers(withUnhashed(content), true)).length, what).to.equal(2);
      }
      // the unhashed area itself unframed: a subpacket claiming 5 octets with 1
      await expect(lib.signers(withUnhashed(cat(area, "0x0514")), true))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyBadSubkeyBinding")
        .withArgs(at);
    });

    it("a binding whose values do not parse, or of another algorithm than the primary key's, is refused", async function () {
      const lib = await loadFixture(harness);
      const key = (await vectorKey("p256Subkey")).privateKey;
      const good = craftKeyWithBinding(key, 1);
      expect((await lib.signers(good, true)).length).to.equal(2);
      const { at, body, end } = lastPacket(good);
      expect(good[body + 2]).to.equal(19);
      // algorithm octet 22: the values (two MPIs) still parse, but the primary key is ECDSA
      const other = good.slice();
      other[body + 2] = 22;
      await expect(lib.signers(other, true))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyBadSubkeyBinding")
        .withArgs(at);
      // one octet more after the values (the packet length re-encoded): MPI
      const longer = cat(good.slice(0, at), packetHeaderOf(cat(good.slice(body, end), "0x00")));
      await expect(lib.signers(longer, true))
        .to.be.revertedWithCustomError(lib, "OpenPgpKeyBadSubkeyBinding")
        .withArgs(at);
    });
  });
});
