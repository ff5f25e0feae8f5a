/**
 * OpenPGP public-key algorithm ids and curve OIDs (RFC 4880 / RFC 9580), and the set the key registry
 * accepts. The ids are what the KeyRegistry contract records from the primary key packet.
 */
export const ALGORITHM = {
  RSA: 1,
  RSA_ENCRYPT_ONLY: 2,
  RSA_SIGN_ONLY: 3,
  ELGAMAL: 16,
  DSA: 17,
  ECDH: 18,
  ECDSA: 19,
  EDDSA_LEGACY: 22,
  X25519: 25,
  X448: 26,
  ED25519: 27,
  ED448: 28,
} as const;

/**
 * The algorithm ids a registered key's primary key (and its signing subkeys) may use (the client profile,
 * docs/client-profile.md section 1): RSA, ECDSA on NIST P-256, EdDSA legacy on Ed25519 (22) and Ed25519 (27).
 */
export type AllowedAlgorithmId = 1 | 19 | 22 | 27;

export const ALLOWED_ALGORITHMS: readonly AllowedAlgorithmId[] = [1, 19, 22, 27];

/** Smallest accepted RSA modulus, in bits (the MPI bit count of n). */
export const MIN_RSA_BITS = 2048;

/** Largest accepted RSA modulus, in bits: the on-chain MODEXP cost stays bounded. */
export const MAX_RSA_BITS = 4096;

/** The only accepted RSA public exponent. */
export const RSA_EXPONENT = 65537;

/** Largest accepted key, in bytes (the on-chain cap; `sq`'s default RSA keys are 4,734 and 6,014 bytes). */
export const MAX_KEY_BYTES = 8192;

/** Curve OIDs (without the length octet), lowercase hex. */
export const CURVE_OID = {
  nistP256: "2a8648ce3d030107",
  nistP384: "2b81040022",
  nistP521: "2b81040023",
  secp256k1: "2b8104000a",
  brainpoolP256r1: "2b2403030208010107",
  brainpoolP384r1: "2b240303020801010b",
  brainpoolP512r1: "2b240303020801010d",
  ed25519Legacy: "2b06010401da470f01",
  curve25519Legacy: "2b060104019755010501",
} as const;

const ALGORITHM_NAMES: Record<number, string> = {
  1: "RSA",
  2: "RSA (encrypt only)",
  3: "RSA (sign only)",
  16: "ElGamal",
  17: "DSA",
  18: "ECDH",
  19: "ECDSA",
  20: "ElGamal (sign and encrypt)",
  22: "EdDSA",
  25: "X25519",
  26: "X448",
  27: "Ed25519",
  28: "Ed448",
};

/** Human name of a curve OID (hex, no length octet). */
export function curveName(oidHex: string): string {
  for (const [name, oid] of Object.entries(CURVE_OID)) if (oid === oidHex) return name;
  return `unknown curve (OID ${oidHex})`;
}

/** Human name of an algorithm, with curve or modulus size when known ("ECDSA NIST P-256", "RSA-3072"). */
export function describeAlgorithm(
  algorithm: number,
  detail: { rsaBits?: number; curveOid?: string } = {},
): string {
  const base = ALGORITHM_NAMES[algorithm] ?? `algorithm ${algorithm}`;
  if ((algorithm === 1 || algorithm === 2 || algorithm === 3) && detail.rsaBits !== undefined) {
    return `${base}-${detail.rsaBits}`;
  }
  if (detail.curveOid !== undefined) {
    if (detail.curveOid === CURVE_OID.nistP256) return `${base} NIST P-256`;
    if (detail.curveOid === CURVE_OID.ed25519Legacy) return `${base} Ed25519 (legacy)`;
    return `${base} on ${curveName(detail.curveOid)}`;
  }
  return base;
}
