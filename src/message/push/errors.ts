/**
 * Raised when a Push message or profile body does not have the SDK's shape. `field` names the offending
 * key ("$" for the document itself); the message is a sentence a node can return as a 400 body.
 */
export class PushDecodeError extends Error {
  readonly status = 400;
  constructor(
    readonly what: "message" | "profile",
    readonly field: string,
    readonly detail: string,
  ) {
    super(
      field === "$" ? `invalid Push ${what}: ${detail}` : `invalid Push ${what} field "${field}": ${detail}`,
    );
    this.name = "PushDecodeError";
  }
}
