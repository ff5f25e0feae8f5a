import * as openpgp from "openpgp";

/**
 * OpenPGP side of a Push message: the signature over the 64-hex text, checked with openpgp.js (6) and
 * the signature profile.
 */

/** A refusal of the signature profile: `code` names the profile rule (docs/client-profile.md section 2). */
export interface PushProfileRefusal {
  code: string;
  reason: string;
}

/**
 * THE PLUG POINT for the widened signature profile (src/message/pgp-profile.ts, docs/client-profile.md
 * section 2): returns null when `signature` (binary, one packet) is inside the profile for the signer
 * key `publicKey` (binary) over the text `signedHex` (64 lowercase hex: text-mode 0x01 signatures sign
 * exactly these bytes), else the rule it breaks. validatePushMessage calls it before openpgp.js, and
 * reports a refusal as BAD_SIGNATURE SIGNATURE_PROFILE.
 *
 * Until the widened profile lands, this applies its rules 1 and 2 only (packet form and the version,
 * type, algorithm and hash octets); the profile checker replaces the body of this function, with the
 * same signature.
 */
export function checkPushSignatureProfile(
  signature: Uint8Array,
  publicKey: Uint8Array,
  signedHex: string,
): PushProfileRefusal | null {
  void publicKey;
  void signedHex;
  const b = signature;
  if (b.length < 2) return { code: "PacketLength", reason: "signature shorter than a packet header" };
  let header: number;
  let length: number;
  if (b[0] === 0xc2) {
    if (b[1] < 192) [header, length] = [2, b[1]];
    else if (b[1] < 224) [header, length] = [3, ((b[1] - 192) << 8) + (b[2] ?? 0) + 192];
    else if (b[1] === 0xff && b.length >= 6)
      [header, length] = [6, ((b[2] << 24) | (b[3] << 16) | (b[4] << 8) | b[5]) >>> 0];
    else return { code: "PacketLength", reason: "partial or truncated new-format length" };
  } else if (b[0] === 0x88) [header, length] = [2, b[1]];
  else if (b[0] === 0x89 && b.length >= 3) [header, length] = [3, (b[1] << 8) | b[2]];
  else if (b[0] === 0x8a && b.length >= 5)
    [header, length] = [5, ((b[1] << 24) | (b[2] << 16) | (b[3] << 8) | b[4]) >>> 0];
  else
    return {
      code: "PacketTag",
      reason: `first octet 0x${b[0].toString(16)} is not a signature packet header`,
    };
  if (header + length > b.length)
    return { code: "PacketLength", reason: "signature packet body runs past the data" };
  if (header + length < b.length)
    return { code: "TrailingData", reason: `${b.length - header - length} bytes after the signature packet` };
  if (length < 6) return { code: "PacketLength", reason: "signature packet body shorter than 6 octets" };
  const [version, type, pk, hash] = b.subarray(header, header + 4);
  if (version !== 4) return { code: "Version", reason: `signature version ${version}, the profile wants 4` };
  if (type !== 0x00 && type !== 0x01)
    return {
      code: "SignatureType",
      reason: `signature type 0x${type.toString(16)}, the profile wants 0x00 or 0x01`,
    };
  if (![1, 19, 22, 27].includes(pk))
    return { code: "PublicKeyAlgorithm", reason: `public-key algorithm ${pk} is outside the profile` };
  if (![8, 9, 10].includes(hash))
    return { code: "HashAlgorithm", reason: `hash algorithm ${hash} is outside the profile` };
  return null;
}

/** The key IDs (16 lowercase hex) the signature names as its issuer, or null when it cannot be read. */
export async function signatureIssuerKeyIds(signature: Uint8Array): Promise<string[] | null> {
  try {
    const sig = await openpgp.readSignature({ binarySignature: signature });
    return sig.getSigningKeyIDs().map((id) => id.toHex());
  } catch {
    return null;
  }
}

/** Whether the key `publicKey` (binary) holds a key (primary or subkey) with one of these key IDs. */
export async function keyHasKeyId(publicKey: Uint8Array, keyIds: readonly string[]): Promise<boolean> {
  try {
    const key = await openpgp.readKey({ binaryKey: publicKey });
    const own = new Set(key.getKeyIDs().map((id) => id.toHex()));
    return keyIds.some((id) => own.has(id));
  } catch {
    return false;
  }
}

/** Clock tolerance Push's backend and the SDK's PGPHelper give a signature's creation time. */
export const SIGNATURE_CLOCK_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/**
 * openpgp.js verification of `signature` (binary) over the text `signedHex` under `publicKey` (binary),
 * as the SDK's PGPHelper.verifySignature does it (a text message; the verification date one day ahead
 * of `now`). Never throws.
 */
export async function verifyPushSignature(
  signedHex: string,
  signature: Uint8Array,
  publicKey: Uint8Array,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const [key, sig, message] = await Promise.all([
      openpgp.readKey({ binaryKey: publicKey }),
      openpgp.readSignature({ binarySignature: signature }),
      openpgp.createMessage({ text: signedHex }),
    ]);
    const result = await openpgp.verify({
      message,
      signature: sig,
      verificationKeys: key,
      date: new Date(now.getTime() + SIGNATURE_CLOCK_TOLERANCE_MS),
    });
    if (result.signatures.length !== 1)
      return { ok: false, reason: `${result.signatures.length} signatures, want 1` };
    await result.signatures[0].verified;
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
