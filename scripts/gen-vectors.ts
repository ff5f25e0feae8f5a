/**
 * Generates the message-standard test vectors in test/vectors/*.json, checked in TypeScript
 * (test/message/vectors.test.ts) and later on chain by the slashing contract tests.
 *
 *   npx ts-node scripts/gen-vectors.ts            # reuse committed keys and random outputs
 *   npx ts-node scripts/gen-vectors.ts --fresh    # new keys, new ciphertexts, new ECDSA signatures
 *
 * Deterministic where possible: fixed times, fixed addresses, EIP-712 signatures (RFC 6979), RSA and
 * Ed25519 signatures without the salt notation. Key generation, encryption and ECDSA (node:crypto picks
 * a random nonce) are not; so a run reuses the committed keys and, entry by entry, the committed random
 * output whenever the entry's inputs are unchanged. A second run therefore rewrites identical files.
 * THE PRIVATE KEYS IN keys.json ARE TEST KEYS, PUBLISHED ON PURPOSE.
 */
import fs from "node:fs";
import path from "node:path";
import * as openpgp from "openpgp";
import { Wallet, getBytes, hexlify, keccak256, toUtf8Bytes } from "ethers";
import * as M from "../src/message";

const OUT = path.join(__dirname, "..", "test", "vectors");
const FRESH = process.argv.includes("--fresh");

/** 2024-12-31T00:00:00Z: creation time of every test key. */
const KEY_CREATED = 1735603200;
/** 2025-01-01T00:00:00Z: the registry events of envelopes.json happen from here. */
const T0 = 1735689600n;
const CHAIN_ID = 31337n;
const SLASHING = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
/** Hardhat's well-known account #1, the node signer of every attestation here. */
const NODE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const USERS = {
  alice: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  bob: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  carol: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
  dave: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  erin: "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
  frank: "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
} as const;

type Json = Record<string, unknown>;

function readPrevious(file: string): Json {
  const p = path.join(OUT, file);
  if (FRESH || !fs.existsSync(p)) return {};
  return JSON.parse(fs.readFileSync(p, "utf8")) as Json;
}

function write(file: string, data: unknown): void {
  const text = JSON.stringify(data, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
  fs.writeFileSync(path.join(OUT, file), text);
  console.log(`wrote test/vectors/${file} (${text.length} bytes)`);
}

const hex = (b: Uint8Array): string => hexlify(b);
const utf8 = (s: string): Uint8Array => toUtf8Bytes(s);

// ---------------------------------------------------------------------------------------------- keys

interface KeySpec {
  name: string;
  owner: string | null;
  options: Json;
  comment: string;
}
const KEY_SPECS: KeySpec[] = [
  { name: "p256", owner: USERS.alice, options: { type: "ecc", curve: "nistP256" }, comment: "alice's key" },
  {
    name: "p256b",
    owner: USERS.alice,
    options: { type: "ecc", curve: "nistP256" },
    comment: "alice's second key, revoked at T0 + 1800",
  },
  { name: "rsa2048", owner: USERS.bob, options: { type: "rsa", rsaBits: 2048 }, comment: "bob's key" },
  { name: "rsa3072", owner: USERS.erin, options: { type: "rsa", rsaBits: 3072 }, comment: "erin's key" },
  {
    name: "ed25519",
    owner: USERS.dave,
    options: { type: "curve25519" },
    comment: "dave's key (RFC 9580 Ed25519)",
  },
  {
    name: "p256Subkey",
    owner: USERS.frank,
    options: { type: "ecc", curve: "nistP256", subkeys: [{}, { sign: true }] },
    comment: "frank's key: P-256 primary, ECDH subkey, P-256 SIGNING subkey (index 1)",
  },
];

interface LoadedKey {
  spec: KeySpec;
  privateKey: openpgp.PrivateKey;
  publicKey: Uint8Array;
  keyHash: string;
  primary: M.PrimaryKey;
}

async function loadKeys(): Promise<Record<string, LoadedKey>> {
  const prev = (readPrevious("keys.json").keys ?? {}) as Record<string, { privateKeyArmored: string }>;
  const out: Record<string, LoadedKey> = {};
  for (const spec of KEY_SPECS) {
    let privateKey: openpgp.PrivateKey;
    if (prev[spec.name]) {
      privateKey = await openpgp.readPrivateKey({ armoredKey: prev[spec.name].privateKeyArmored });
    } else {
      const gen = await openpgp.generateKey({
        ...(spec.options as object),
        userIDs: [{ name: spec.name, email: `${spec.name}@push.example` }],
        date: new Date(KEY_CREATED * 1000),
        format: "object",
      } as Parameters<typeof openpgp.generateKey>[0] & { format: "object" });
      privateKey = gen.privateKey;
    }
    const publicKey = privateKey.toPublic().write();
    out[spec.name] = {
      spec,
      privateKey,
      publicKey,
      keyHash: M.keyHashOf(publicKey),
      primary: M.parsePrimaryKey(publicKey),
    };
  }
  return out;
}

function primaryJson(p: M.PrimaryKey): Json {
  const base = { algorithm: p.algorithm, created: p.created, fingerprint: p.fingerprint, keyId: p.keyId };
  const k = p.params;
  if (k.kind === "rsa") return { ...base, kind: k.kind, bits: k.bits, n: hex(k.n), e: hex(k.e) };
  if (k.kind === "p256") return { ...base, kind: k.kind, qx: hex(k.x), qy: hex(k.y) };
  return { ...base, kind: k.kind, a: hex(k.a) };
}

// ------------------------------------------------------------------------------------------ messages

function jsonMessage(m: M.Message): Json {
  return {
    ...M.encodeEnvelope({ ...m, content: new Uint8Array(), signature: new Uint8Array() }),
    content: undefined,
    signature: undefined,
  };
}

function messageVectors(keys: Record<string, LoadedKey>): { list: Json[]; first: M.Message } {
  const hello = utf8("hello");
  const plain: M.Message = {
    version: 1,
    from: USERS.alice,
    to: USERS.carol,
    timestamp: T0 + 3600n,
    contentType: M.ContentType.Text,
    encryption: M.Encryption.Plaintext,
    contentHash: M.contentHashOf(hello),
    contentSize: hello.length,
    senderKey: keys.p256.keyHash,
    recipientKey: M.ZERO_BYTES32,
    previous: M.ZERO_BYTES32,
  };
  const pgp: M.Message = {
    ...plain,
    to: USERS.bob,
    timestamp: T0 + 3700n,
    contentType: M.ContentType.File,
    encryption: M.Encryption.PGP,
    contentHash: M.contentHashOf(utf8("ciphertext placeholder")),
    contentSize: 22,
    recipientKey: keys.rsa2048.keyHash,
    previous: M.messageDigest(plain),
  };
  const ff = (n: number): string => "0x" + "ff".repeat(n);
  const max: M.Message = {
    version: 255,
    from: "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF",
    to: "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE",
    timestamp: M.UINT64_MAX,
    contentType: 255,
    encryption: 255,
    contentHash: ff(32),
    contentSize: M.UINT32_MAX,
    senderKey: ff(32),
    recipientKey: ff(32),
    previous: ff(32),
  };
  const zero: M.Message = {
    version: 0,
    from: M.ZERO_ADDRESS,
    to: M.ZERO_ADDRESS,
    timestamp: 0n,
    contentType: 0,
    encryption: 0,
    contentHash: M.ZERO_BYTES32,
    contentSize: 0,
    senderKey: M.ZERO_BYTES32,
    recipientKey: M.ZERO_BYTES32,
    previous: M.ZERO_BYTES32,
  };
  const list = (
    [
      ["plaintext-hello", plain],
      ["pgp-with-previous", pgp],
      ["max-values", max],
      ["zero-values", zero],
    ] as const
  ).map(([name, m]) => ({
    name,
    message: jsonMessage(m),
    structHash: M.messageStructHash(m),
    digest: M.messageDigest(m),
  }));
  return { list, first: plain };
}

// -------------------------------------------------------------------------------------- signatures

interface Expect {
  ok: boolean;
  stage?: M.VerdictStage;
  code?: M.ProfileViolationCode;
  /** BAD_SIGNATURE provable on chain (profile or arithmetic failure under an RSA / P-256 key). */
  provable: boolean;
}

function expectOf(v: M.SignatureVerdict): Expect {
  if (v.ok) return { ok: true, provable: false };
  const provable = (v.stage === "profile" || v.stage === "crypto") && M.provableOnChain(v.keyAlgorithm);
  return { ok: false, stage: v.stage, ...(v.code ? { code: v.code } : {}), provable };
}

function parsedJson(sig: Uint8Array, digest: Uint8Array, key: M.PrimaryKey): Json | null {
  let p: M.ParsedSignature;
  try {
    p = M.parseSignaturePacket(sig);
  } catch {
    return null;
  }
  const v = p.values;
  const values: Json =
    v.kind === "rsa"
      ? {
          kind: v.kind,
          s: hex(v.s),
          sPadded: key.params.kind === "rsa" ? hex(padTo(v.s, key.params.n.length)) : null,
        }
      : v.kind === "ecdsa"
        ? {
            kind: v.kind,
            r: hex(padTo(v.r, 32)),
            s: hex(padTo(v.s, 32)),
            sLow: hex(M.lowS(v.s)),
            highS: M.isHighS(v.s),
          }
        : { kind: v.kind, signature: hex(v.signature) };
  return {
    bodyOffset: p.bodyOffset,
    version: p.version,
    signatureType: p.signatureType,
    publicKeyAlgorithm: p.publicKeyAlgorithm,
    hashAlgorithm: p.hashAlgorithm,
    created: p.created,
    issuerKeyIds: p.issuerKeyIds,
    issuerFingerprints: p.issuerFingerprints,
    hashedPart: hex(p.hashedPart),
    trailer: hex(p.trailer),
    signedHash: hex(M.signedHash(digest, p)),
    left16: hex(p.left16),
    values,
  };
}

function padTo(b: Uint8Array, n: number): Uint8Array {
  if (b.length >= n) return b;
  const out = new Uint8Array(n);
  out.set(b, n - b.length);
  return out;
}

type SigMaker = () => Promise<Uint8Array>;

async function signatureVectors(keys: Record<string, LoadedKey>, digestHex: string): Promise<Json[]> {
  const prev = new Map(
    ((readPrevious("signatures.json").signatures ?? []) as Json[]).map((e) => [e.name as string, e]),
  );
  const digest = getBytes(digestHex);
  const other = getBytes(keccak256(utf8("another digest")));
  const created = Number(T0 + 3600n);
  const date = new Date(created * 1000);
  const sign =
    (k: string, salt = false): SigMaker =>
    () =>
      M.signDigest(digest, keys[k].privateKey, { date, saltNotation: salt });
  const craft =
    (k: string, o: M.CraftOptions = {}): SigMaker =>
    async () =>
      M.craftSignature(digest, keys[k].privateKey, { created, ...o });
  const mutate =
    (make: SigMaker, f: (b: Uint8Array) => Uint8Array): SigMaker =>
    async () =>
      f(Uint8Array.from(await make()));
  const flipLast = (b: Uint8Array): Uint8Array => ((b[b.length - 1] ^= 0x01), b);

  const cases: Array<[string, string, SigMaker, string]> = [];
  for (const k of ["p256", "rsa2048", "rsa3072", "ed25519"]) {
    cases.push([`${k}-valid`, k, sign(k), "openpgp.js signDigest, no salt notation"]);
    cases.push([
      `${k}-valid-salted`,
      k,
      sign(k, true),
      "openpgp.js signDigest as clients make it (salt notation)",
    ]);
    cases.push([
      `${k}-valid-crafted`,
      k,
      craft(k),
      "crafted: creation time, issuer key ID, issuer fingerprint",
    ]);
    cases.push([`${k}-sha512`, k, craft(k, { hashAlgorithm: 10 }), "valid arithmetic, SHA-512"]);
    cases.push([
      `${k}-type-text`,
      k,
      craft(k, { signatureType: 1 }),
      "valid arithmetic, signature type 0x01",
    ]);
    cases.push([`${k}-corrupted`, k, mutate(sign(k), flipLast), "last byte of the signature values flipped"]);
    cases.push([
      `${k}-two-packets`,
      k,
      async () => M.signDigest(digest, keys[k].privateKey, { date }).then((s) => concat2(s, s)),
      "the valid packet twice",
    ]);
    cases.push([
      `${k}-other-digest`,
      k,
      async () => M.signDigest(other, keys[k].privateKey, { date }),
      "valid signature over another digest",
    ]);
  }
  cases.push([
    "p256-high-s",
    "p256",
    craft("p256", { highS: true }),
    "valid, s > N/2 (the contract must use N - s)",
  ]);
  cases.push(["p256-low-s", "p256", craft("p256", { highS: false }), "valid, s <= N/2"]);
  cases.push([
    "p256-sha512-openpgp-default",
    "p256",
    async () =>
      (await openpgp.sign({
        message: await openpgp.createMessage({ binary: digest }),
        signingKeys: keys.p256.privateKey,
        detached: true,
        format: "binary",
        date,
        config: { nonDeterministicSignaturesViaNotation: false },
      })) as Uint8Array,
    "openpgp.js default config (SHA-512 for ECC keys)",
  ]);
  cases.push([
    "p256Subkey-subkey-signature",
    "p256Subkey",
    async () =>
      (await openpgp.sign({
        message: await openpgp.createMessage({ binary: digest }),
        signingKeys: keys.p256Subkey.privateKey,
        signingKeyIDs: keys.p256Subkey.privateKey.getSubkeys()[1].getKeyID(),
        detached: true,
        format: "binary",
        date,
        config: {
          preferredHashAlgorithm: openpgp.enums.hash.sha256,
          nonDeterministicSignaturesViaNotation: false,
        },
      })) as Uint8Array,
    "openpgp.js signature by the signing SUBKEY",
  ]);
  cases.push([
    "p256Subkey-primary-valid",
    "p256Subkey",
    sign("p256Subkey"),
    "the same key's primary signs: valid",
  ]);
  cases.push([
    "p256-issuer-of-other-key",
    "p256",
    craft("p256b", {
      hashedSubpackets: [
        M.creationTimeSubpacket(created),
        M.issuerFingerprintSubpacket(keys.p256.primary.fingerprint),
      ],
    }),
    "made by p256b, claims p256 as issuer: arithmetic fails",
  ]);
  cases.push(["p256-wrong-key", "p256", craft("p256b"), "made and claimed by p256b, checked against p256"]);
  cases.push([
    "p256-old-format",
    "p256",
    mutate(sign("p256"), (b) => Uint8Array.from([0x88, ...b.subarray(1)])),
    "old-format tag octet 0x88",
  ]);
  cases.push([
    "p256-trailing-byte",
    "p256",
    mutate(sign("p256"), (b) => Uint8Array.from([...b, 0])),
    "one byte after the packet",
  ]);
  cases.push(["p256-version-3", "p256", craft("p256", { version: 3 }), "version 3 body"]);
  cases.push([
    "p256-left16-flipped",
    "p256",
    mutate(craft("p256", { unhashedSubpackets: [] }), (b) => {
      const p = M.parseSignaturePacket(b);
      const at = p.bodyOffset + p.hashedPart.length + 2; // unhashed area empty
      b[at] ^= 0xff;
      return b;
    }),
    "left 16 bits altered, arithmetic intact",
  ]);
  cases.push([
    "p256-no-issuer",
    "p256",
    craft("p256", {
      hashedSubpackets: [M.creationTimeSubpacket(created)],
      unhashedSubpackets: [M.issuerKeyIdSubpacket(keys.p256.primary.keyId)],
    }),
    "issuer only in the unhashed area",
  ]);
  cases.push([
    "p256-critical-notation",
    "p256",
    craft("p256", {
      hashedSubpackets: [
        M.creationTimeSubpacket(created),
        M.issuerFingerprintSubpacket(keys.p256.primary.fingerprint),
        M.notationSubpacket("x@push.example", utf8("1"), true),
      ],
    }),
    "critical notation (openpgp.js would refuse it)",
  ]);
  cases.push([
    "p256-noncritical-notation",
    "p256",
    craft("p256", {
      hashedSubpackets: [
        M.creationTimeSubpacket(created),
        M.issuerFingerprintSubpacket(keys.p256.primary.fingerprint),
        M.notationSubpacket("x@push.example", utf8("1"), false),
      ],
    }),
    "non-critical notation: valid",
  ]);
  cases.push([
    "p256-expiration-subpacket",
    "p256",
    craft("p256", {
      hashedSubpackets: [
        M.creationTimeSubpacket(created),
        M.issuerFingerprintSubpacket(keys.p256.primary.fingerprint),
        { type: 3, critical: false, body: Uint8Array.of(0, 0, 0, 60) },
      ],
    }),
    "signature expiration time subpacket (time-dependent, outside the profile)",
  ]);
  cases.push([
    "p256-before-key",
    "p256",
    craft("p256", { created: KEY_CREATED - 1 }),
    "created 1 s before the key",
  ]);
  cases.push([
    "rsa2048-non-canonical-mpi",
    "rsa2048",
    mutate(sign("rsa2048"), bumpRsaMpiBits),
    "MPI bit count one too low (same byte length)",
  ]);
  cases.push(["empty", "p256", async () => new Uint8Array(), "no bytes"]);

  const out: Json[] = [];
  for (const [name, keyName, make, note] of cases) {
    const key = keys[keyName];
    const old = prev.get(name);
    let sig: Uint8Array | undefined;
    if (old && old.key === keyName && old.digest === digestHex && old.keyHash === key.keyHash) {
      const candidate = getBytes(old.signature as string);
      const v = await M.verifyDigestSignature(digest, candidate, key.publicKey);
      if (JSON.stringify(expectOf(v)) === JSON.stringify(old.expect)) sig = candidate;
    }
    sig ??= await make();
    const verdict = await M.verifyDigestSignature(digest, sig, key.publicKey);
    out.push({
      name,
      note,
      key: keyName,
      keyHash: key.keyHash,
      digest: digestHex,
      signature: hex(sig),
      signatureHash: M.signatureHashOf(sig),
      expect: expectOf(verdict),
      reason: verdict.ok ? null : verdict.reason,
      parsed: parsedJson(sig, digest, key.primary),
    });
  }
  return out;
}

function concat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
}

function bumpRsaMpiBits(b: Uint8Array): Uint8Array {
  // RSA s is the last MPI: its 2-byte bit count sits right before the last ceil(bits/8) bytes.
  const p = M.parseSignaturePacket(b);
  if (p.values.kind !== "rsa") throw new Error("not RSA");
  const at = b.length - p.values.s.length - 2;
  const bits = ((b[at] << 8) | b[at + 1]) - 1;
  if (bits % 8 === 0) throw new Error("one bit less would change the byte length; regenerate");
  b[at] = bits >> 8;
  b[at + 1] = bits & 0xff;
  return b;
}

// ------------------------------------------------------------------------------------ attestations

async function attestationVectors(messages: Json[], sigs: Json[]): Promise<Json> {
  const node = new Wallet(NODE_KEY);
  const domain = { chainId: CHAIN_ID, verifyingContract: SLASHING };
  const other = { chainId: 137n, verifyingContract: SLASHING };
  const validSig = sigs.find((s) => s.name === "p256-valid") as Json;
  const base: M.Attestation = {
    digest: validSig.digest as string,
    signatureHash: validSig.signatureHash as string,
    signatureSize: (validSig.signature as string).length / 2 - 1,
    sequence: 1n,
    attestedAt: T0 + 3660n,
  };
  const items: Array<[string, M.Attestation, M.AttestationDomain]> = [
    ["basic", base, domain],
    [
      "max-values",
      {
        digest: "0x" + "ff".repeat(32),
        signatureHash: "0x" + "ee".repeat(32),
        signatureSize: M.UINT32_MAX,
        sequence: M.UINT64_MAX,
        attestedAt: M.UINT64_MAX,
      },
      domain,
    ],
    ["equivocation-a", { ...base, sequence: 7n }, domain],
    ["equivocation-b", { ...base, sequence: 7n, digest: messages[1].digest as string }, domain],
    ["equivocation-c-same-as-a", { ...base, sequence: 7n }, domain],
    ["equivocation-d-other-time", { ...base, sequence: 7n, attestedAt: base.attestedAt + 1n }, domain],
    ["equivocation-e-other-size", { ...base, sequence: 7n, signatureSize: base.signatureSize + 1 }, domain],
    ["monotonic-a", { ...base, sequence: 10n, attestedAt: base.attestedAt + 10n }, domain],
    ["monotonic-b-same-time", { ...base, sequence: 11n, attestedAt: base.attestedAt + 10n }, domain],
    ["monotonic-c-earlier", { ...base, sequence: 12n, attestedAt: base.attestedAt + 9n }, domain],
    ["other-chain", base, other],
  ];
  const list: Json[] = [];
  for (const [name, a, d] of items) {
    const signed = await M.signAttestation(node, a, d);
    list.push({
      name,
      chainId: d.chainId,
      verifyingContract: d.verifyingContract,
      attestation: M.encodeSignedAttestation(signed),
      structHash: M.attestationStructHash(a),
      domainSeparator: M.attestationDomainSeparator(d),
      eip712Digest: M.attestationDigest(a, d),
      signer: node.address,
      recoveredUnderMainDomain: M.recoverAttestationSigner(signed, domain),
    });
  }
  return {
    attestationType: M.ATTESTATION_TYPE,
    attestationTypeHash: M.ATTESTATION_TYPEHASH,
    domain: { name: "Push Nodes", version: "1", chainId: CHAIN_ID, verifyingContract: SLASHING },
    domainSeparator: M.attestationDomainSeparator(domain),
    nodeSigner: node.address,
    nodePrivateKey: NODE_KEY,
    attestations: list,
    equivocation: [
      { a: "equivocation-a", b: "equivocation-b", fault: true },
      { a: "equivocation-a", b: "equivocation-d-other-time", fault: true },
      { a: "equivocation-a", b: "equivocation-c-same-as-a", fault: false },
      { a: "equivocation-a", b: "equivocation-e-other-size", fault: true },
      { a: "equivocation-a", b: "basic", fault: false },
    ],
    // attestedAt must not decrease as the sequence grows (a: the lower sequence).
    nonMonotonic: [
      { a: "monotonic-a", b: "monotonic-b-same-time", fault: false },
      { a: "monotonic-a", b: "monotonic-c-earlier", fault: true },
      { a: "monotonic-b-same-time", b: "monotonic-c-earlier", fault: true },
      { a: "basic", b: "monotonic-a", fault: false },
    ],
  };
}

// ----------------------------------------------------------------------------------------- content

async function contentVectors(): Promise<Json[]> {
  const pattern = Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff);
  const list: Array<[string, Uint8Array]> = [
    ["hello", utf8("hello")],
    ["empty", new Uint8Array()],
    ["bytes-0-255-x4", pattern],
  ];
  return Promise.all(
    list.map(async ([name, c]) => ({
      name,
      content: hex(c),
      contentHash: M.contentHashOf(c),
      cid: await M.cidOf(c),
    })),
  );
}

// ---------------------------------------------------------------------------------------- envelopes

interface Case {
  name: string;
  note: string;
  from: string;
  to: string;
  sender: string; // key name
  recipient?: string; // key name (PGP) or undefined (plaintext)
  plaintext: string;
  timestamp: bigint;
  attestedAt?: bigint;
  edit?: (m: M.Message) => M.Message;
  signature?: (digest: Uint8Array, k: LoadedKey) => Promise<Uint8Array>;
  editContent?: (c: Uint8Array) => Uint8Array;
  /** The signatureSize the node attests, from the signature's real length (default: that length). */
  signatureSize?: (actual: number) => number;
}

async function envelopeVectors(keys: Record<string, LoadedKey>): Promise<Json> {
  const prev = new Map(
    ((readPrevious("envelopes.json").cases ?? []) as Json[]).map((e) => [e.name as string, e]),
  );
  const node = new Wallet(NODE_KEY);
  const domain = { chainId: CHAIN_ID, verifyingContract: SLASHING };
  const registry = [
    { owner: USERS.alice, key: "p256", addedAt: T0, revokedAt: null },
    { owner: USERS.alice, key: "p256b", addedAt: T0, revokedAt: T0 + 1800n },
    { owner: USERS.bob, key: "rsa2048", addedAt: T0, revokedAt: null },
    { owner: USERS.erin, key: "rsa3072", addedAt: T0, revokedAt: null },
    { owner: USERS.dave, key: "ed25519", addedAt: T0, revokedAt: null },
    { owner: USERS.frank, key: "p256Subkey", addedAt: T0, revokedAt: null },
  ];
  const view = new M.MemoryKeyView();
  for (const r of registry) {
    const h = view.addKey(r.owner, keys[r.key].publicKey, r.addedAt);
    if (r.revokedAt !== null) view.revokeKey(r.owner, h, r.revokedAt);
  }
  const t = T0 + 7200n;
  const { alice, bob, carol, dave, erin, frank } = USERS;
  const craftWith = (o: M.CraftOptions) => async (d: Uint8Array, k: LoadedKey) =>
    M.craftSignature(d, k.privateKey, { created: Number(t), ...o });
  const cases: Case[] = [
    {
      name: "valid-pgp-p256",
      note: "alice to bob, encrypted",
      from: alice,
      to: bob,
      sender: "p256",
      recipient: "rsa2048",
      plaintext: "hi bob",
      timestamp: t,
    },
    {
      name: "valid-pgp-rsa2048",
      note: "bob to alice, encrypted",
      from: bob,
      to: alice,
      sender: "rsa2048",
      recipient: "p256",
      plaintext: "hi alice",
      timestamp: t,
    },
    {
      name: "valid-pgp-rsa3072",
      note: "erin to alice",
      from: erin,
      to: alice,
      sender: "rsa3072",
      recipient: "p256",
      plaintext: "hello from erin",
      timestamp: t,
    },
    {
      name: "valid-plaintext-ed25519",
      note: "dave to carol (no key): plaintext",
      from: dave,
      to: carol,
      sender: "ed25519",
      plaintext: "welcome carol",
      timestamp: t,
    },
    {
      name: "valid-p256-high-s",
      note: "valid signature with s > N/2: must not be slashable",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "high s",
      timestamp: t,
      signature: craftWith({ highS: true }),
    },
    {
      name: "malformed-version",
      note: "version 2",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "v2",
      timestamp: t,
      edit: (m) => ({ ...m, version: 2 }),
    },
    {
      name: "malformed-to-zero",
      note: "to is the zero address",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "x",
      timestamp: t,
      edit: (m) => ({ ...m, to: M.ZERO_ADDRESS }),
    },
    {
      name: "malformed-from-equals-to",
      note: "alice to alice",
      from: alice,
      to: alice,
      sender: "p256",
      plaintext: "me",
      timestamp: t,
      edit: (m) => ({ ...m, encryption: 0, recipientKey: M.ZERO_BYTES32 }),
    },
    {
      name: "malformed-content-type",
      note: "contentType 7",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "x",
      timestamp: t,
      edit: (m) => ({ ...m, contentType: 7 }),
    },
    {
      name: "malformed-encryption",
      note: "encryption 2",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "x",
      timestamp: t,
      edit: (m) => ({ ...m, encryption: 2 }),
    },
    {
      name: "malformed-content-size",
      note: "contentSize 65537 (over 64 KiB)",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "x",
      timestamp: t,
      edit: (m) => ({ ...m, contentSize: 65537 }),
    },
    {
      name: "malformed-clock-skew",
      note: "attested 901 s after the timestamp",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "late",
      timestamp: t,
      attestedAt: t + 901n,
    },
    {
      name: "malformed-clock-skew-future",
      note: "timestamp 901 s after attestedAt",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "early",
      timestamp: t,
      attestedAt: t - 901n,
    },
    {
      name: "unauthorized-revoked-key",
      note: "signed with alice's key revoked at T0 + 1800",
      from: alice,
      to: carol,
      sender: "p256b",
      plaintext: "old key",
      timestamp: t,
    },
    {
      name: "unauthorized-someone-elses-key",
      note: "alice's message signed with bob's key",
      from: alice,
      to: carol,
      sender: "rsa2048",
      plaintext: "not mine",
      timestamp: t,
    },
    {
      name: "unauthorized-before-key",
      note: "timestamp 60 s before alice added her key; attested 700 s after the key was added",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "too early",
      timestamp: T0 - 60n,
      attestedAt: T0 + 700n,
    },
    {
      name: "unauthorized-key-added-after-timestamp",
      note:
        "timestamp 60 s before alice added her key, attested at the key's addition: the addition came after " +
        "the timestamp, so it does not change the answer and the state lag excuses nothing (as on chain)",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "too early, but fresh",
      timestamp: T0 - 60n,
      attestedAt: T0,
    },
    {
      name: "excused-state-lag",
      note: "p256b revoked 240 s before the timestamp, 300 s before attestedAt (< state lag)",
      from: alice,
      to: carol,
      sender: "p256b",
      plaintext: "lag",
      timestamp: T0 + 2040n,
      attestedAt: T0 + 2100n,
    },
    {
      name: "wrong-encryption-plaintext-to-keyed",
      note: "plaintext to bob, who has a key",
      from: alice,
      to: bob,
      sender: "p256",
      plaintext: "in the clear",
      timestamp: t,
    },
    {
      name: "wrong-encryption-recipient-key",
      note: "recipientKey is alice's own key, not bob's",
      from: alice,
      to: bob,
      sender: "p256",
      recipient: "p256",
      plaintext: "to myself",
      timestamp: t,
    },
    {
      name: "valid-sha512",
      note: "P-256, SHA-512 (admitted since wave 2: docs/client-profile.md)",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "sha512",
      timestamp: t,
      signature: craftWith({ hashAlgorithm: 10 }),
    },
    {
      name: "bad-signature-corrupted-rsa",
      note: "RSA-2048, last byte flipped",
      from: bob,
      to: carol,
      sender: "rsa2048",
      plaintext: "rsa",
      timestamp: t,
      signature: async (d, k) => {
        const s = Uint8Array.from(
          await M.signDigest(d, k.privateKey, { date: new Date(Number(t) * 1000), saltNotation: false }),
        );
        s[s.length - 1] ^= 1;
        return s;
      },
    },
    {
      name: "valid-signing-subkey",
      note: "frank's signing subkey signs (admitted since wave 2: docs/client-profile.md)",
      from: frank,
      to: carol,
      sender: "p256Subkey",
      plaintext: "subkey",
      timestamp: t,
      signature: craftWith({ subkeyIndex: 1 }),
    },
    {
      name: "bad-signature-ed25519-text-over-raw",
      note: "Ed25519, type 0x01 over the raw digest: a text signature signs the digest's hex, so the signed hash matches nothing (provable on chain since wave 2)",
      from: dave,
      to: carol,
      sender: "ed25519",
      plaintext: "ed",
      timestamp: t,
      signature: craftWith({ signatureType: 1 }),
    },
    {
      name: "malformed-signature-oversize",
      note: "a valid signature followed by junk up to MAX_SIGNATURE_SIZE + 1 bytes, attested at that size",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "long signature",
      timestamp: t,
      signature: async (d, k) => {
        const sig = await M.signDigest(d, k.privateKey, {
          date: new Date(Number(t) * 1000),
          saltNotation: false,
        });
        return concat2(sig, new Uint8Array(M.MAX_SIGNATURE_SIZE + 1 - sig.length));
      },
    },
    {
      name: "malformed-signature-size-attested",
      note: "a valid signature, but the node attests signatureSize MAX_SIGNATURE_SIZE + 1 (provable unrevealed)",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "size lie",
      timestamp: t,
      signatureSize: () => M.MAX_SIGNATURE_SIZE + 1,
    },
    {
      name: "bad-signature-size-mismatch",
      note: "a valid signature, attested with signatureSize one byte more than its length",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "off by one",
      timestamp: t,
      signatureSize: (n) => n + 1,
    },
    {
      name: "content-hash-mismatch",
      note: "content altered after signing: not provable on chain",
      from: alice,
      to: carol,
      sender: "p256",
      plaintext: "original",
      timestamp: t,
      editContent: (c) => Uint8Array.from([...c.subarray(0, c.length - 1), 0x21]),
    },
  ];

  const out: Json[] = [];
  let sequence = 0n;
  for (const c of cases) {
    sequence++;
    const sender = keys[c.sender];
    const plaintextBytes = utf8(c.plaintext);
    const old = prev.get(c.name);
    let content: Uint8Array;
    if (c.recipient !== undefined) {
      const recipient = keys[c.recipient];
      const oldEnv = old?.envelope as Json | undefined;
      if (oldEnv && oldEnv.recipientKey === recipient.keyHash && old?.plaintext === c.plaintext) {
        content = M.decodeEnvelope(oldEnv).content;
      } else {
        content = await M.encryptContent(plaintextBytes, recipient.publicKey, sender.publicKey);
      }
    } else {
      content = plaintextBytes;
    }
    let message: M.Message = {
      version: 1,
      from: c.from,
      to: c.to,
      timestamp: c.timestamp,
      contentType: M.ContentType.Text,
      encryption: c.recipient !== undefined ? M.Encryption.PGP : M.Encryption.Plaintext,
      contentHash: M.contentHashOf(content),
      contentSize: content.length,
      senderKey: sender.keyHash,
      recipientKey: c.recipient !== undefined ? keys[c.recipient].keyHash : M.ZERO_BYTES32,
      previous: M.ZERO_BYTES32,
    };
    if (c.edit) message = c.edit(message);
    const digest = getBytes(M.messageDigest(message));
    let signature: Uint8Array | undefined;
    const oldEnv = old?.envelope as Json | undefined;
    if (oldEnv && M.messageDigest(M.decodeEnvelope(oldEnv)) === hex(digest) && old?.sender === c.sender) {
      signature = M.decodeEnvelope(oldEnv).signature;
    }
    signature ??= c.signature
      ? await c.signature(digest, sender)
      : await M.signDigest(digest, sender.privateKey, {
          date: new Date(Number(c.timestamp) * 1000),
          saltNotation: false,
        });
    if (c.editContent) content = c.editContent(content);
    const envelope: M.Envelope = { ...message, content, signature };
    const attestation = await M.signAttestation(
      node,
      {
        digest: hex(digest),
        signatureHash: M.signatureHashOf(signature),
        signatureSize: c.signatureSize ? c.signatureSize(signature.length) : signature.length,
        sequence,
        attestedAt: c.attestedAt ?? c.timestamp + 60n,
      },
      domain,
    );
    const result = await M.checkMessage(envelope, attestation, { keys: view });
    out.push({
      name: c.name,
      note: c.note,
      sender: c.sender,
      recipient: c.recipient ?? null,
      plaintext: c.plaintext,
      envelope: M.encodeEnvelope(envelope),
      digest: hex(digest),
      attestation: M.encodeSignedAttestation(attestation),
      attestationDigest: M.attestationDigest(attestation, domain),
      expect: result.ok
        ? { ok: true, excused: result.excused.map((f) => f.rule) }
        : {
            ok: false,
            code: result.code,
            rule: result.rule,
            provable: result.provable,
            excused: result.excused.map((f) => f.rule),
          },
      reason: result.ok ? null : result.reason,
    });
  }
  return {
    params: {
      maxContentSize: M.DEFAULT_CHECK_PARAMS.maxContentSize,
      maxClockSkew: M.DEFAULT_CHECK_PARAMS.maxClockSkew,
      stateLag: M.DEFAULT_CHECK_PARAMS.stateLag,
    },
    chainId: CHAIN_ID,
    verifyingContract: SLASHING,
    nodeSigner: node.address,
    registry: registry.map((r) => ({ ...r, keyHash: keys[r.key].keyHash })),
    cases: out,
  };
}

// -------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const keys = await loadKeys();
  write("keys.json", {
    comment: "TEST KEYS ONLY (published on purpose). Generated by scripts/gen-vectors.ts.",
    keyCreated: KEY_CREATED,
    keys: Object.fromEntries(
      Object.values(keys).map((k) => [
        k.spec.name,
        {
          comment: k.spec.comment,
          owner: k.spec.owner,
          publicKey: hex(k.publicKey),
          publicKeyLength: k.publicKey.length,
          keyHash: k.keyHash,
          primary: primaryJson(k.primary),
          privateKeyArmored: k.privateKey.armor(),
        },
      ]),
    ),
  });
  const { list, first } = messageVectors(keys);
  write("messages.json", {
    messageType: M.MESSAGE_TYPE,
    messageTypeHash: M.MESSAGE_TYPEHASH,
    domain: { name: "Push Chat", version: "1" },
    domainSeparator: M.CHAT_DOMAIN_SEPARATOR,
    messages: list,
  });
  const sigs = await signatureVectors(keys, M.messageDigest(first));
  write("signatures.json", {
    comment:
      "Every signature is checked against keys[key].publicKey over `digest`. expect.provable: a BAD_SIGNATURE " +
      "proof with this signature must succeed on chain; otherwise (ok, or Ed25519) it must revert.",
    signatures: sigs,
  });
  write("attestations.json", await attestationVectors(list, sigs));
  write("content.json", { contents: await contentVectors() });
  write("envelopes.json", await envelopeVectors(keys));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
