import * as openpgp from "openpgp";
import type { KeyReading, PlainSignature } from "./openpgp-readings";

/**
 * When openpgp.js's verdict on a message signature is already decided.
 *
 * validatePushMessage checks a Push signature twice: the signature profile (the chain's rules and its
 * arithmetic: what PushProofs can prove) and openpgp.js (what the SDK on the other side accepts). Once the
 * profile has verified the arithmetic with signer key S, openpgp.js 6's `verify` adds only checks of dates
 * and flags (node_modules/openpgp, `createVerificationObject` and `SignaturePacket.verify`):
 *
 *  - the signature: issued by S (issuer key ID), S's algorithm, created at or before the verification date,
 *    not expired at it, an accepted hash algorithm, no unknown critical subpacket or notation, no
 *    revocation-key subpacket, each signature value within its field (fieldsFit);
 *  - the key: S no newer than the signature, and `getSigningKey(S, signature.created)` succeeds (the key
 *    is valid, not revoked, not expired and may sign at the signature's creation time).
 *
 * The key part is a function of the signature's creation time alone. For a key whose self-signatures,
 * bindings and embedded back-signatures never expire, set no key expiration, and which carries no
 * revocation signature, that function is constant from its horizon on (the latest creation time of any
 * key packet or signature in it): every date test openpgp.js makes is "created <= date" or "date <
 * Infinity". So it is computed once per key and signer at the horizon and reused for signatures created
 * at or after it. Any other key or signature is left to openpgp.js (`undefined`), never decided here.
 *
 * `openpgpVerdictKnown` returns true only when openpgp.js would accept; `undefined` means "run openpgp.js".
 * test/push/openpgp-agreement.test.ts checks it against openpgp.js on SDK signatures and on expired,
 * revoked, future-dated and pre-key signatures.
 */

interface KeyFacts {
  /** Null when the key has an expiration or a revocation (never decided here). */
  horizonMs: number | null;
  /** Whether getSigningKey(keyId, horizon) succeeds, per signer key ID (16 hex). */
  signer: Map<string, Promise<boolean>>;
  /** The same answers once settled (read synchronously by openpgpVerdictKnownPlain). */
  signerSettled: Map<string, boolean>;
}

const facts = new WeakMap<openpgp.PublicKey, KeyFacts>();

function neverExpires(sig: openpgp.SignaturePacket): boolean {
  return sig.getExpirationTime() === Infinity && !sig.keyExpirationTime;
}

/** The key's horizon (ms), or null when something in it expires or revokes. */
function horizonOf(key: openpgp.PublicKey): number | null {
  let horizon = key.keyPacket.getCreationTime().getTime();
  const sigs: openpgp.SignaturePacket[] = [];
  if (key.revocationSignatures.length > 0) return null;
  for (const u of key.users) {
    if (u.revocationSignatures.length > 0) return null;
    sigs.push(...u.selfCertifications);
  }
  for (const s of key.subkeys) {
    if (s.revocationSignatures.length > 0) return null;
    horizon = Math.max(horizon, s.keyPacket.getCreationTime().getTime());
    for (const b of s.bindingSignatures) {
      sigs.push(b);
      if (b.embeddedSignature) sigs.push(b.embeddedSignature);
    }
  }
  for (const sig of sigs) {
    if (!neverExpires(sig) || sig.created === null) return null;
    horizon = Math.max(horizon, sig.created.getTime());
  }
  return horizon;
}

function factsOf(key: openpgp.PublicKey): KeyFacts {
  let f = facts.get(key);
  if (!f) {
    f = { horizonMs: horizonOf(key), signer: new Map(), signerSettled: new Map() };
    facts.set(key, f);
  }
  return f;
}

/**
 * openpgp.js pads each signature value to its field before the arithmetic and refuses a value longer than
 * the field ("Input array too long"), which the profile reads (an MPI with extra leading zero octets). The
 * fields of RSA (the modulus' length), EdDSA legacy (32 octets each) and Ed25519 (64 octets, fixed) are
 * checked here; ECDSA (the curve's size) is left to openpgp.js.
 */
async function fieldsFit(sig: openpgp.SignaturePacket, key: { publicParams: object }): Promise<boolean> {
  const params = (await (sig as unknown as { params: unknown }).params) as Record<
    string,
    Uint8Array | undefined
  >;
  const alg = sig.publicKeyAlgorithm;
  if (alg === openpgp.enums.publicKey.rsaEncryptSign || alg === openpgp.enums.publicKey.rsaSign) {
    const n = (key.publicParams as { n?: Uint8Array }).n;
    return params.s !== undefined && n !== undefined && params.s.length <= n.length;
  }
  if (alg === openpgp.enums.publicKey.eddsaLegacy) {
    return params.r !== undefined && params.s !== undefined && params.r.length <= 32 && params.s.length <= 32;
  }
  if (alg === openpgp.enums.publicKey.ed25519) return params.RS !== undefined && params.RS.length === 64;
  return false;
}

/** openpgp.js's normalizeDate: whole seconds. */
const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * True when openpgp.js 6 would accept `signature` (one packet) by `key` at the verification date `date`,
 * given that the signature profile has verified its arithmetic with the key whose ID is `profileSignerKeyId`
 * (16 or 0x-prefixed hex); undefined when that does not follow from cached key facts (run openpgp.js).
 */
export async function openpgpVerdictKnown(
  signature: openpgp.Signature,
  key: openpgp.PublicKey,
  profileSignerKeyId: string,
  date: Date,
): Promise<true | undefined> {
  if (signature.packets.length !== 1) return undefined;
  const sig = signature.packets[0];
  const signerId = profileSignerKeyId.replace(/^0x/, "").toLowerCase();
  if (sig.issuerKeyID.toHex() !== signerId || sig.created === null) return undefined;
  const signingKey = key.getKeys(sig.issuerKeyID)[0];
  if (signingKey === undefined || signingKey.keyPacket.algorithm !== sig.publicKeyAlgorithm) return undefined;
  // the signature's own checks (SignaturePacket.verify after the arithmetic)
  const at = seconds(date.getTime());
  const created = sig.created.getTime();
  if (created > at || at >= Number(sig.getExpirationTime())) return undefined;
  if (sig.hashAlgorithm === null) return undefined;
  if (openpgp.config.rejectHashAlgorithms.has(sig.hashAlgorithm)) return undefined;
  if (openpgp.config.rejectMessageHashAlgorithms.has(sig.hashAlgorithm)) return undefined;
  if (sig.unknownSubpackets.some((s) => s.critical) || sig.rawNotations.some((n) => n.critical))
    return undefined;
  if (sig.revocationKeyClass !== null) return undefined;
  if (!(await fieldsFit(sig, signingKey.keyPacket))) return undefined;
  // the key's checks, constant from the horizon on
  const f = factsOf(key);
  if (f.horizonMs === null || created < f.horizonMs) return undefined;
  let ok = f.signer.get(signerId);
  if (ok === undefined) {
    ok = key
      .getSigningKey(sig.issuerKeyID, new Date(f.horizonMs))
      .then((k) => k.getKeyID().toHex() === signerId)
      .catch(() => false)
      .then((settled) => {
        f.signerSettled.set(signerId, settled);
        return settled;
      });
    f.signer.set(signerId, ok);
  }
  return (await ok) ? true : undefined;
}

/**
 * openpgpVerdictKnown for a signature in the plain form (openpgp-readings.ts) and a key openpgp.js has already
 * read, synchronously: the same tests on the same values (the plain form has no expiration, notation,
 * revocation-key or unknown subpacket, so those tests pass; RSA's field is the modulus' octets). Undefined when
 * the key's signer fact has not been settled yet by openpgpVerdictKnown (the caller then runs it).
 */
export function openpgpVerdictKnownPlain(
  sig: PlainSignature,
  reading: KeyReading,
  profileSignerKeyId: string,
  date: Date,
): true | undefined {
  const signerId = profileSignerKeyId.replace(/^0x/, "").toLowerCase();
  if (sig.issuerKeyId !== signerId) return undefined;
  const packet = reading.packets.get(signerId);
  if (packet === undefined || packet.algorithm !== sig.parsed.publicKeyAlgorithm) return undefined;
  const created = sig.parsed.created * 1000;
  if (created > seconds(date.getTime())) return undefined;
  const hash = sig.parsed.hashAlgorithm as openpgp.enums.hash;
  if (openpgp.config.rejectHashAlgorithms.has(hash) || openpgp.config.rejectMessageHashAlgorithms.has(hash))
    return undefined;
  if (packet.rsaModulusLength === null || sig.rsaValueLength > packet.rsaModulusLength) return undefined;
  const f = factsOf(reading.key);
  if (f.horizonMs === null || created < f.horizonMs) return undefined;
  return f.signerSettled.get(signerId) === true ? true : undefined;
}
