// The key profile, differentially: for keys of every algorithm, size and exponent around each bound, every
// header form, secret packets at every position, foreign packets and trailing garbage, the SAME verdict
// (accept, or refuse with the same named error and arguments) from
//   - src/keys (`checkKeyProfile`, what the key tooling applies to canonical bytes),
//   - the node's key check (`parsePrimaryKey` of src/message, used by the node and the validator),
//   - the chain (`KeyRegistry.addKey`, eth_call).
import { expect } from "chai";
import { ethers } from "hardhat";
import * as openpgp from "openpgp";
import fc from "fast-check";
import type { Signer } from "ethers";
import type { KeyRegistry } from "../../typechain-types";
import { KeyProfileError, checkKeyProfile, validatePublicKey } from "../../src/keys";
import { SignatureProfileError, parsePrimaryKey } from "../../src/message";
import { deployRegistry, generate, primaryBody } from "./helpers";
import {
  bigBytes,
  concat,
  cryptoModulus,
  insertedEverywhere,
  keyWithBody,
  mpi,
  packet,
  randomModulus,
  rsaBody,
} from "./profile-keys";

/** The error a modulus of `bits` bits must be refused with (none within 2048..4096). */
const sizeReason = (bits: number): string | undefined =>
  bits < 2048 ? "OpenPgpKeyRsaModulusTooSmall" : bits > 4096 ? "OpenPgpKeyRsaModulusTooLarge" : undefined;

type Verdict = { ok: true } | { ok: false; error: string; args: string[] };

const show = (v: Verdict): string => (v.ok ? "accepted" : `${v.error}(${v.args.join(", ")})`);
const arg = (a: unknown): string => (typeof a === "string" ? a.toLowerCase() : String(a));

function libVerdict(bytes: Uint8Array): Verdict {
  try {
    checkKeyProfile(bytes);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof KeyProfileError)) throw e;
    return { ok: false, error: e.error, args: e.args.map(arg) };
  }
}

/** The node's check: refusals carry the contract error name at the end of the detail. */
function nodeVerdict(bytes: Uint8Array): { ok: true } | { ok: false; error: string } {
  try {
    parsePrimaryKey(bytes);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof SignatureProfileError) || e.code !== "KEY") throw e;
    const m = /\((\w+)\)$/.exec(e.detail);
    return { ok: false, error: m ? m[1] : e.detail };
  }
}

async function chainVerdict(registry: KeyRegistry, from: Signer, bytes: Uint8Array): Promise<Verdict> {
  try {
    await registry.connect(from).addKey.staticCall(bytes);
    return { ok: true };
  } catch (e) {
    const data = (e as { data?: string }).data;
    const parsed = data ? registry.interface.parseError(data) : null;
    if (!parsed) throw e;
    return { ok: false, error: parsed.name, args: parsed.args.map(arg) };
  }
}

describe("Key profile: src/keys, the node and KeyRegistry.addKey give the same verdict", function () {
  this.timeout(300_000);
  let registry: KeyRegistry;
  let user: Signer;
  const cases: Array<{ name: string; bytes: Uint8Array; accept: boolean; reason?: string }> = [];
  const real: Record<string, Uint8Array> = {};

  /** A case: the bytes, whether the profile accepts them, and (optionally) the error it must refuse them with. */
  const add = (name: string, bytes: Uint8Array, accept: boolean, reason?: string): void => {
    cases.push({ name, bytes, accept, reason });
  };

  before(async () => {
    ({
      registry,
      users: [user],
    } = await deployRegistry());
    for (const kind of ["p256", "ed25519", "ed25519Legacy", "p384"] as const) {
      real[kind] = (await generate(kind)).publicKey;
    }
    const { privateKey } = await generate("p256");
    real.secret = privateKey;

    // RSA modulus sizes around both bounds (real moduli from node:crypto), and far beyond (random odd).
    for (const bits of [1024, 2048, 3072, 4096]) {
      add(
        `RSA-${bits}, e = 65537`,
        keyWithBody(rsaBody(cryptoModulus(bits), 65537n)),
        bits >= 2048 && bits <= 4096,
        sizeReason(bits),
      );
    }
    // OpenSSL does not reliably make odd sizes (2047, 4097...): random odd numbers of the size stand in
    // (the profile reads the size, not the factors).
    for (const bits of [2040, 2047, 2049, 4095, 4097, 4104, 8192, 8200, 16384]) {
      add(
        `RSA-${bits} (random modulus), e = 65537`,
        keyWithBody(rsaBody(randomModulus(bits), 65537n)),
        bits >= 2048 && bits <= 4096,
        sizeReason(bits),
      );
    }
    // Exponents: only 65537.
    for (const e of [3, 17, 65539]) {
      add(
        `RSA-2048 with e = ${e} (node:crypto)`,
        keyWithBody(rsaBody(cryptoModulus(2048, e), BigInt(e))),
        false,
        "OpenPgpKeyRsaExponentNotAllowed",
      );
    }
    const n2048 = cryptoModulus(2048);
    const n4096 = cryptoModulus(4096);
    for (const e of [1n, 65535n, 65536n + 3n, 2n ** 32n + 1n, 2n ** 64n + 1n]) {
      add(`RSA-2048 with e = ${e}`, keyWithBody(rsaBody(n2048, e)), false, "OpenPgpKeyRsaExponentNotAllowed");
    }
    const bigE = randomModulus(2040);
    add(
      "RSA-2048 with a 2040-bit e (EIP-7883: ~7.9M gas of MODEXP)",
      keyWithBody(rsaBody(n2048, mpi(bigE))),
      false,
      "OpenPgpKeyRsaExponentNotAllowed",
    );
    add(
      "RSA-4096 with a 4096-bit e",
      keyWithBody(rsaBody(n4096, mpi(randomModulus(4096)))),
      false,
      "OpenPgpKeyRsaExponentNotAllowed",
    );
    add(
      "RSA-2048, e = 65537 as a non-minimal MPI (24 bits)",
      keyWithBody(rsaBody(n2048, Uint8Array.of(0, 24, 0, 1, 0, 1))),
      false,
    );
    add("RSA-2048, e as an empty MPI", keyWithBody(rsaBody(n2048, Uint8Array.of(0, 0))), false);
    add(
      "RSA-1024 modulus padded with zero bytes to claim 2048 bits",
      keyWithBody(
        concat(
          Uint8Array.of(4, 0x67, 0x73, 0x34, 0, 1, 8, 0),
          new Uint8Array(128),
          cryptoModulus(1024),
          mpi(bigBytes(65537n)),
        ),
      ),
      false,
    );

    // ECC and EdDSA, as openpgp.js makes them.
    add("NIST P-256 (openpgp.js)", real.p256, true);
    add("Ed25519 (27, openpgp.js curve25519)", real.ed25519, true);
    add("EdDSA legacy (22, openpgp.js ed25519Legacy)", real.ed25519Legacy, true); // wave 2
    add("NIST P-384 (openpgp.js)", real.p384, false);
    const offCurve = primaryBody(real.p256).slice();
    offCurve[offCurve.length - 1] ^= 1;
    add("P-256 point off the curve", keyWithBody(offCurve), false);
    const ed = primaryBody(real.ed25519);
    add("Ed25519 primary packet alone", packet(6, ed), true);
    add("Ed25519 with a 33-byte key", keyWithBody(concat(ed, Uint8Array.of(0))), false);

    // Header forms: new format with minimal lengths, or old format (wave 2: what gpg --export writes).
    const p256Body = primaryBody(real.p256);
    add("P-256 primary with a 5-octet length", keyWithBody(p256Body, "five"), false);
    add("P-256 primary with an old-format header", keyWithBody(p256Body, "old"), true);
    add("P-256 primary with a partial length", keyWithBody(p256Body, "partial"), false);
    const dsa = p256Body.slice();
    dsa[5] = 17;
    add("a DSA (17) primary key", keyWithBody(dsa), false);
    add(
      "a user ID with an indeterminate old-format length",
      concat(packet(6, p256Body), Uint8Array.of(0xb7, 1, 0x78)),
      false,
    );
    add(
      "an octet with bit 7 clear after the primary",
      concat(packet(6, p256Body), Uint8Array.of(0x35, 1, 0x78)),
      false,
    );
    const uid = ethers.toUtf8Bytes("alice");
    add("a user ID with a 5-octet length", concat(packet(6, p256Body), packet(13, uid, "five")), false);
    add("a user ID with an old-format header", concat(packet(6, p256Body), packet(13, uid, "old")), true);
    add("a user ID with a partial length", concat(packet(6, p256Body), packet(13, uid, "partial")), false);
    add(
      "a 5-octet length of 8384 bytes (minimal, but over the size cap)",
      concat(packet(6, p256Body), packet(13, new Uint8Array(8384).fill(0x61), "five")),
      false,
    );

    // Secret key material anywhere.
    add("an openpgp.js private key (secret key and secret subkey packets)", real.secret, false);
    const subkeyBody = primaryBody(real.p256);
    for (const tag of [5, 7]) {
      const secretPacket = packet(tag, concat(subkeyBody, Uint8Array.of(0xfe), new Uint8Array(40)));
      for (const { at, bytes } of insertedEverywhere(real.p256, secretPacket)) {
        add(
          `P-256 key with a secret ${tag === 5 ? "key" : "subkey"} packet (tag ${tag}) at byte ${at}`,
          bytes,
          false,
        );
      }
      add(`a secret packet (tag ${tag}) first`, concat(secretPacket, real.p256), false);
    }

    // Other packet tags after the primary key: 2, 13, 14, 17 only.
    for (const [tag, accept] of [
      [2, true],
      [13, true],
      [14, true],
      [17, true],
      [6, false],
      [1, false],
      [3, false],
      [8, false],
      [10, false],
      [11, false],
      [12, false],
      [18, false],
      [21, false],
      [60, false],
    ] as const) {
      const extra = packet(tag, tag === 6 || tag === 14 ? subkeyBody : ethers.toUtf8Bytes("PGP"));
      const all = insertedEverywhere(real.p256, extra);
      for (const { at, bytes } of [all[0], all[all.length - 1]]) {
        add(`P-256 key with a tag-${tag} packet at byte ${at}`, bytes, accept);
      }
    }
    add("two keys concatenated", concat(real.p256, real.ed25519), false);

    // Truncation and trailing garbage.
    add("no bytes", new Uint8Array(), false);
    add("one byte C6", Uint8Array.of(0xc6), false);
    for (const [what, junk] of [
      ["a zero byte", "0x00"],
      ["a lone tag octet", "0xc2"],
      ["a header promising more bytes", "0xcd0561"],
      ["a 0xFF length octet cut short", "0xcdff0000"],
      ["16 random bytes", ethers.hexlify(randomModulus(128))],
    ] as const) {
      add(`P-256 key followed by ${what}`, concat(real.p256, ethers.getBytes(junk)), false);
    }
    add("P-256 key one byte short", real.p256.slice(0, real.p256.length - 1), false);
    add(
      "P-256 key padded to 8193 bytes with a user ID",
      concat(real.p256, packet(13, new Uint8Array(8193 - real.p256.length - 3).fill(0x61))),
      false,
    );
    add(
      "P-256 key padded to 8192 bytes with a user ID (wave 2's cap)",
      concat(real.p256, packet(13, new Uint8Array(8192 - real.p256.length - 3).fill(0x61))),
      true,
    );
  });

  it("every crafted case: the same verdict from src/keys, the node's check and addKey (and the expected one)", async () => {
    expect(cases.length).to.be.greaterThan(80);
    const refusedBy = new Map<string, number>();
    for (const c of cases) {
      const lib = libVerdict(c.bytes);
      const node = nodeVerdict(c.bytes);
      const chain = await chainVerdict(registry, user, c.bytes);
      expect(show(lib), c.name).to.equal(show(chain));
      expect(node.ok, `${c.name}: node`).to.equal(lib.ok);
      if (!node.ok && !lib.ok) expect(node.error, `${c.name}: node`).to.equal(lib.error);
      expect(lib.ok, `${c.name}: ${show(lib)}`).to.equal(c.accept);
      if (c.reason !== undefined) expect(show(lib), c.name).to.match(new RegExp(`^${c.reason}\\(`));
      if (!lib.ok) refusedBy.set(lib.error, (refusedBy.get(lib.error) ?? 0) + 1);
    }
    // Every rule was exercised.
    for (const name of [
      "KeyRegistryKeyTooLarge",
      "OpenPgpKeyTruncated",
      "OpenPgpKeyNotAPacket",
      "OpenPgpKeyIndeterminateLength",
      "OpenPgpKeyPartialLength",
      "OpenPgpKeyNonMinimalLength",
      "OpenPgpKeySecretKeyPacket",
      "OpenPgpKeyMultipleKeys",
      "OpenPgpKeyPacketNotAllowed",
      "OpenPgpKeyUnsupportedAlgorithm",
      "OpenPgpKeyUnsupportedCurve",
      "OpenPgpKeyRsaModulusTooSmall",
      "OpenPgpKeyRsaModulusTooLarge",
      "OpenPgpKeyRsaExponentNotAllowed",
      "OpenPgpKeyMalformedMpi",
      "OpenPgpKeyInvalidPoint",
      "OpenPgpKeyPacketLengthMismatch",
    ]) {
      expect(refusedBy.get(name) ?? 0, name).to.be.greaterThan(0);
    }
  });

  it("openpgp.js keys: validatePublicKey (the full tooling check) accepts exactly those the profile accepts", async () => {
    const rsa = async (rsaBits: number): Promise<Uint8Array> =>
      (
        await openpgp.generateKey({
          type: "rsa",
          rsaBits,
          userIDs: [{ name: "r" }],
          format: "object",
          config: { minRSABits: 1024 },
        })
      ).publicKey.write();
    const keys: Array<[string, Uint8Array]> = [
      ["p256", real.p256],
      ["ed25519", real.ed25519],
      ["ed25519Legacy", real.ed25519Legacy],
      ["p384", real.p384],
      ["rsa1024", await rsa(1024)],
      ["rsa2048", await rsa(2048)],
    ];
    for (const [name, bytes] of keys) {
      const lib = libVerdict(bytes);
      const chain = await chainVerdict(registry, user, bytes);
      expect(show(lib), name).to.equal(show(chain));
      const tooling = await validatePublicKey(bytes).then(
        () => true,
        () => false,
      );
      expect(tooling, name).to.equal(lib.ok);
      expect(nodeVerdict(bytes).ok, name).to.equal(lib.ok);
    }
  });

  it("random corruptions of real keys (any byte, truncation, insertion): the same verdict everywhere", async () => {
    const bases = [real.p256, real.ed25519, keyWithBody(rsaBody(cryptoModulus(2048), 65537n))];
    const mutated = fc
      .tuple(
        fc.nat({ max: bases.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 8 }), { nil: undefined }),
      )
      .map(([k, flips, cut, insert]) => {
        let key: Uint8Array = bases[k].slice();
        for (const [i, v] of flips) key[i % key.length] = v;
        if (insert !== undefined) {
          const at = (cut ?? 0) % key.length;
          key = concat(key.subarray(0, at), insert, key.subarray(at));
        } else if (cut !== undefined) {
          key = key.slice(0, cut % key.length);
        }
        return key;
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, fc.uint8Array({ maxLength: 200 })), async (bytes) => {
        const lib = libVerdict(bytes);
        const chain = await chainVerdict(registry, user, bytes);
        expect(show(lib), ethers.hexlify(bytes)).to.equal(show(chain));
        const node = nodeVerdict(bytes);
        expect(node.ok).to.equal(lib.ok);
        if (!node.ok && !lib.ok) expect(node.error).to.equal(lib.error);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
