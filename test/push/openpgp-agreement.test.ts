import { expect } from "chai";
import fc from "fast-check";
import { getBytes } from "ethers";
import * as openpgp from "openpgp";
import {
  parseVerificationProof,
  pushSignatureProfile,
  SIGNATURE_CLOCK_TOLERANCE_MS,
  validatePushMessage,
  verifyPushSignature,
} from "../../src/message/push";
import { openpgpVerdictKnown } from "../../src/message/push/openpgp-agreement";
import { openpgpKeyOf } from "../../src/message/key-cache";
import { messageVectors, profile, pushLookup } from "../message/push-fixtures";

/**
 * openpgpVerdictKnown (src/message/push/openpgp-agreement.ts) lets validatePushMessage skip openpgp.js when
 * the signature profile's arithmetic held and openpgp.js's remaining checks follow from cached key facts.
 * It must never answer "accepted" where openpgp.js refuses, and it must decide the common case (the SDK's
 * keys and signatures), or the node pays for openpgp.js on every message again.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const DAY = 24 * 60 * 60 * 1000;

/** openpgp.js's own verdict, as verifyPushSignature asks it (text message, verification date + 1 day). */
async function openpgpAccepts(text: string, sig: Uint8Array, key: openpgp.PublicKey, now: Date) {
  try {
    const result = await openpgp.verify({
      message: await openpgp.createMessage({ text }),
      signature: await openpgp.readSignature({ binarySignature: sig }),
      verificationKeys: key,
      date: new Date(now.getTime() + SIGNATURE_CLOCK_TOLERANCE_MS),
    });
    await result.signatures[0].verified;
    return true;
  } catch {
    return false;
  }
}

async function known(sig: Uint8Array, key: openpgp.PublicKey, signerKeyId: string, now: Date) {
  const read = await openpgp.readSignature({ binarySignature: sig });
  return openpgpVerdictKnown(read, key, signerKeyId, new Date(now.getTime() + SIGNATURE_CLOCK_TOLERANCE_MS));
}

interface Scenario {
  /** Key creation, seconds after a fixed base date. */
  keyAt: number;
  /** Key expiration (seconds after creation) or 0 for none. */
  keyExpiry: number;
  revoked: boolean;
  /** Signature creation relative to key creation, seconds. */
  sigOffset: number;
  /** Verification time relative to the signature's creation, seconds (may be before it). */
  checkOffset: number;
  /** Sign with the primary key (false: a signing subkey created `subkeyLag` seconds later). */
  primary: boolean;
  subkeyLag: number;
}

const BASE = Date.UTC(2025, 0, 1);
const text = "5d41402abc4b2a76b9719d911017c592ae4d5a8f2f3f0c8e0b3f8c1e5f6a7b8c";

async function build(s: Scenario) {
  const keyDate = new Date(BASE + s.keyAt * 1000);
  let { privateKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "ed25519Legacy",
    userIDs: [{ name: "agreement" }],
    date: keyDate,
    keyExpirationTime: s.keyExpiry,
    format: "object",
  });
  if (!s.primary) {
    privateKey = await privateKey.addSubkey({
      type: "ecc",
      curve: "ed25519Legacy",
      sign: true,
      date: new Date(keyDate.getTime() + s.subkeyLag * 1000),
    });
  }
  const sigDate = new Date(keyDate.getTime() + s.sigOffset * 1000);
  const signer = s.primary ? privateKey : privateKey.subkeys[privateKey.subkeys.length - 1];
  let signature: Uint8Array;
  try {
    const detached = await openpgp.sign({
      message: await openpgp.createMessage({ text }),
      signingKeys: privateKey,
      signingKeyIDs: [signer.getKeyID()],
      detached: true,
      format: "binary",
      date: sigDate,
      config: { minRSABits: 2048 },
    });
    signature = detached as Uint8Array;
  } catch {
    // openpgp.js will not sign with a key that is not valid at that date: sign with its packet directly
    signature = await rawSign(privateKey, signer.getKeyID(), sigDate);
  }
  let publicKey = privateKey.toPublic();
  if (s.revoked) {
    const revoked = await openpgp.revokeKey({ key: privateKey, date: keyDate, format: "object" });
    publicKey = revoked.publicKey;
  }
  // a fresh object from the bytes, as the key cache holds it
  const key = await openpgp.readKey({ binaryKey: publicKey.write() });
  return {
    key,
    signature,
    signerKeyId: signer.getKeyID().toHex(),
    now: new Date(sigDate.getTime() + s.checkOffset * 1000),
  };
}

/** A text signature made with the key packet itself, whatever the key's validity at `date`. */
async function rawSign(key: openpgp.PrivateKey, keyId: openpgp.KeyID, date: Date): Promise<Uint8Array> {
  const signing = key.getKeys(keyId)[0];
  const packet = new openpgp.SignaturePacket();
  packet.signatureType = openpgp.enums.signature.text;
  packet.publicKeyAlgorithm = signing.keyPacket.algorithm;
  packet.hashAlgorithm = openpgp.enums.hash.sha512;
  packet.issuerKeyID = signing.getKeyID();
  // openpgp.js's runtime API (its typings hide the literal packet's date argument and setText)
  const Literal = openpgp.LiteralDataPacket as unknown as new (d: Date) => { setText(t: string): void };
  const literal = new Literal(date);
  literal.setText(text);
  const sign = packet.sign.bind(packet) as unknown as (
    k: unknown,
    d: unknown,
    at: Date,
    detached: boolean,
    config: unknown,
  ) => Promise<void>;
  await sign(signing.keyPacket, literal, date, true, openpgp.config);
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  list.push(packet);
  return list.write();
}

/** A key that never expires nor is revoked, signed by its primary key 100 s after creation, checked 10 s later. */
const STABLE: Scenario = {
  keyAt: 0,
  keyExpiry: 0,
  revoked: false,
  sigOffset: 100,
  checkOffset: 10,
  primary: true,
  subkeyLag: 0,
};

const scenario: fc.Arbitrary<Scenario> = fc.record({
  keyAt: fc.integer({ min: 0, max: 1000 }),
  keyExpiry: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * 86400 })),
  revoked: fc.boolean(),
  sigOffset: fc.integer({ min: -86400, max: 5 * 86400 }),
  checkOffset: fc.integer({ min: -3 * 86400, max: 3 * 86400 }),
  primary: fc.boolean(),
  subkeyLag: fc.integer({ min: 0, max: 2 * 86400 }),
});

describe("openpgp.js's verdict known without running it (openpgp-agreement)", function () {
  this.timeout(300_000);

  it("is known (accepted) for every valid SDK vector, and openpgp.js accepts each", async () => {
    const alice = profile("alice");
    const key = await openpgpKeyOf(getBytes(alice.publicKey));
    let decided = 0;
    for (const v of messageVectors) {
      if (!v.expect.ok || v.from !== alice.address) continue;
      const proof = await parseVerificationProof(v.body.verificationProof);
      const p = pushSignatureProfile(proof.signature, getBytes(alice.publicKey), v.signedHex);
      expect(p.ok, v.name).to.equal(true);
      if (!p.ok) continue;
      const now = new Date();
      expect(await known(proof.signature, key, p.signerKeyId, now), v.name).to.equal(true);
      expect(
        (await verifyPushSignature(v.signedHex, proof.signature, getBytes(alice.publicKey), now)).ok,
      ).to.equal(true);
      decided++;
    }
    expect(decided).to.be.greaterThan(20);
  });

  it("never says accepted where openpgp.js refuses (expiry, revocation, dates, subkeys)", async () => {
    const outcomes = { knownAccepted: 0, leftToOpenpgp: 0, openpgpRefused: 0 };
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const b = await build(s);
        const k = await known(b.signature, b.key, b.signerKeyId, b.now);
        const full = await openpgpAccepts(text, b.signature, b.key, b.now);
        if (!full) outcomes.openpgpRefused++;
        if (k === true) outcomes.knownAccepted++;
        else outcomes.leftToOpenpgp++;
        // the one direction that matters: "known" implies openpgp.js accepts
        if (k === true && !full) throw new Error(`known accepted, openpgp.js refuses: ${JSON.stringify(s)}`);
      }),
      {
        numRuns: RUNS,
        examples: [
          // each class on purpose: a stable key signed after its horizon (known), an expiring key, a revoked
          // key, a signature before the key, one from the future, a subkey signature before its subkey, after it
          [STABLE],
          [{ ...STABLE, keyExpiry: 50 }],
          [{ ...STABLE, revoked: true }],
          [{ ...STABLE, sigOffset: -100 }],
          [{ ...STABLE, checkOffset: -2 * 86400 }],
          [{ ...STABLE, primary: false, subkeyLag: 500 }],
          [{ ...STABLE, sigOffset: 1000, primary: false, subkeyLag: 500 }],
        ],
      },
    );
    // both outcomes happened: the shortcut is used, and openpgp.js's refusals were left to it
    expect(outcomes.knownAccepted).to.be.greaterThan(0);
    expect(outcomes.openpgpRefused).to.be.greaterThan(0);
  });

  it("is not known for another signer than the profile's, or a signature of two packets", async () => {
    const b = await build(STABLE);
    expect(await known(b.signature, b.key, b.signerKeyId, b.now)).to.equal(true);
    expect(await known(b.signature, b.key, "0123456789abcdef", b.now)).to.equal(undefined);
    const two = new Uint8Array([...b.signature, ...b.signature]);
    expect(await known(two, b.key, b.signerKeyId, b.now)).to.equal(undefined);
  });

  it("is not known for an RSA value with an extra leading zero octet (the profile reads it, openpgp.js refuses)", async () => {
    const alice = profile("alice");
    const v = messageVectors.find((x) => x.expect.ok && x.from === alice.address)!;
    const proof = await parseVerificationProof(v.body.verificationProof);
    const padded = withLeadingZeroInLastMpi(proof.signature);
    const p = pushSignatureProfile(padded, getBytes(alice.publicKey), v.signedHex);
    expect(p.ok, "the profile reads the padded value").to.equal(true);
    if (!p.ok) return;
    const key = await openpgpKeyOf(getBytes(alice.publicKey));
    const now = new Date();
    expect(await openpgpAccepts(v.signedHex, padded, key, now)).to.equal(false);
    expect(await known(padded, key, p.signerKeyId, now)).to.equal(undefined);
    expect(await known(proof.signature, key, p.signerKeyId, now)).to.equal(true);
  });

  it("validatePushMessage gives the same verdicts with the shortcut (all SDK vectors)", async () => {
    const lookup = pushLookup();
    for (const v of messageVectors) {
      const r = await validatePushMessage(v.body, { keys: lookup });
      expect(r.ok, v.name).to.equal(v.expect.ok);
    }
  });
});

/**
 * The same signature packet with its last MPI (RSA's s) one octet longer: a leading zero octet counted in
 * the MPI's bit length. New-format packet header, as the SDK writes it.
 */
function withLeadingZeroInLastMpi(sig: Uint8Array): Uint8Array {
  expect(sig[0]).to.equal(0xc2);
  let bodyStart: number;
  let len: number;
  if (sig[1] < 192) [bodyStart, len] = [2, sig[1]];
  else if (sig[1] < 224) [bodyStart, len] = [3, ((sig[1] - 192) << 8) + sig[2] + 192];
  else [bodyStart, len] = [6, new DataView(sig.buffer, sig.byteOffset + 2, 4).getUint32(0)];
  const body = sig.subarray(bodyStart, bodyStart + len);
  // s is the last MPI: find it by walking the body (v4: 4 octets, hashed area, unhashed area, 2 octets)
  const hashed = (body[4] << 8) | body[5];
  const unhashedAt = 6 + hashed;
  const unhashed = (body[unhashedAt] << 8) | body[unhashedAt + 1];
  const mpiAt = unhashedAt + 2 + unhashed + 2;
  const value = body.subarray(mpiAt + 2);
  const bits = 8 * (value.length + 1); // the zero octet counted
  const newBody = new Uint8Array([...body.subarray(0, mpiAt), bits >> 8, bits & 0xff, 0, ...value]);
  const n = newBody.length;
  const header =
    n < 8384
      ? [0xc2, ((n - 192) >> 8) + 192, (n - 192) & 0xff]
      : [0xc2, 0xff, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return new Uint8Array([...header, ...newBody]);
}
