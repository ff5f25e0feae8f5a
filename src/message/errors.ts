/**
 * Raised when a JSON envelope or attestation does not follow the schema. `field` names the offending
 * field ("$" for the document itself); `message` is a sentence a node can return as a 400 body.
 */
export class EnvelopeDecodeError extends Error {
  /** HTTP status a server should answer with. */
  readonly status = 400;
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(field === "$" ? `invalid envelope: ${detail}` : `invalid envelope field "${field}": ${detail}`);
    this.name = "EnvelopeDecodeError";
  }
}

/**
 * Raised by `checkMessage` when its context is inconsistent (not when the message is bad): the key view
 * has no bytes for a registered key, or the bytes do not hash to the keyHash, or the attestation given
 * is not the attestation of this envelope.
 */
export class CheckContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckContextError";
  }
}
