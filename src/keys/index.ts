/**
 * OpenPGP key library for the key registry: generation bound to a wallet, canonical form and keyHash,
 * strict validation (the registry's profile), and passphrase-encrypted private key files.
 */
export * from "./algorithms";
export * from "./caip10";
export * from "./canonical";
export * from "./errors";
export * from "./generate";
export * from "./keyfile";
export * from "./packets";
export * from "./profile";
export * from "./validate";
export * from "./registry";
