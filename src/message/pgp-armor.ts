import * as openpgp from "openpgp";

/** A file given as a detached signature holds none (one sentence). */
export class NotASignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotASignatureError";
  }
}

/** Signature packet tag octets: new format C2, old format 88, 89, 8A (one, two, four length octets). */
const SIGNATURE_TAG_OCTETS = new Set([0xc2, 0x88, 0x89, 0x8a]);

/**
 * The binary detached signature in `bytes`, as an external tool writes it: ASCII armor ("-----BEGIN PGP
 * SIGNATURE-----", what `gpg --armor`, `sq sign` and openpgp.js write by default) is removed; binary
 * bytes (`gpg --detach-sign`) are returned as they are. Armor is never submitted (docs/client-profile.md
 * section 2). Throws NotASignatureError when the bytes are neither, naming `what` (e.g. the file name).
 * The profile itself is not checked here.
 */
export async function readDetachedSignature(bytes: Uint8Array, what = "the input"): Promise<Uint8Array> {
  const head = Buffer.from(bytes.subarray(0, 64)).toString("latin1").trimStart();
  if (head.startsWith("-----BEGIN PGP")) {
    let unarmored: { type: openpgp.enums.armor; data: unknown };
    try {
      unarmored = await openpgp.unarmor(Buffer.from(bytes).toString("utf8"));
    } catch {
      throw notASignature(what);
    }
    if (unarmored.type !== openpgp.enums.armor.signature || !(unarmored.data instanceof Uint8Array)) {
      throw notASignature(what);
    }
    return checkBinary(unarmored.data, what);
  }
  return checkBinary(bytes, what);
}

function checkBinary(bytes: Uint8Array, what: string): Uint8Array {
  if (bytes.length < 2 || !SIGNATURE_TAG_OCTETS.has(bytes[0])) throw notASignature(what);
  return Uint8Array.from(bytes);
}

function notASignature(what: string): NotASignatureError {
  return new NotASignatureError(
    `${what} is not an OpenPGP detached signature (armored "-----BEGIN PGP SIGNATURE-----" or binary).`,
  );
}
