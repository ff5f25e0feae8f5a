/** Why a public key was refused. Each code has exactly one sentence (the error message). */
export type KeyValidationCode =
  | "NOT_A_KEY"
  | "MULTIPLE_KEYS"
  | "PRIVATE_KEY"
  | "OVERSIZE"
  | "UNSUPPORTED_VERSION"
  | "UNSUPPORTED_ALGORITHM"
  | "RSA_TOO_SHORT"
  | "RSA_TOO_LONG"
  | "RSA_EXPONENT"
  | "REVOKED"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "BAD_SELF_SIGNATURE"
  | "PRIMARY_CANNOT_SIGN";

/** A public key that is refused by the strict profile; `message` is one sentence naming the problem. */
export class KeyValidationError extends Error {
  readonly code: KeyValidationCode;

  constructor(code: KeyValidationCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeyValidationError";
    this.code = code;
  }
}

/** Why a private key file could not be written, read or decrypted. */
export type KeyFileCode =
  "UNENCRYPTED_PRIVATE_KEY" | "WRONG_PASSPHRASE" | "FILE_EXISTS" | "FILE_NOT_FOUND" | "BAD_KEY_FILE";

/** A key file problem; `message` is one sentence naming the problem. */
export class KeyFileError extends Error {
  readonly code: KeyFileCode;

  constructor(code: KeyFileCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeyFileError";
    this.code = code;
  }
}

/** Message of any thrown value (for wrapping library errors). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
