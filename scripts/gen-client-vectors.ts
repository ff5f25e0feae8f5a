/**
 * Generates the real-client OpenPGP vectors of issue 12 in test/fixtures/clients/*.json: keys and
 * detached signatures over message digests made by GnuPG (`gpg`), Sequoia (`sq`), openpgp.js 6 and
 * openpgp.js 5 (the version the Push Chat SDK pins), with corrupted twins of every signature and what
 * openpgp.js 6 says about each. Checked by test/clients/vectors.test.ts.
 *
 *   npm run vectors:clients          # or: npx ts-node scripts/gen-client-vectors.ts
 *
 * Needs `gpg` and `sq` on the PATH (scripts/install-sq.sh installs sq). Keys are random, so every run
 * writes new keys and signatures; the digests, the plan (which tool, key, signer, hash, data form, mode)
 * and the twin positions are fixed. gpg runs in a throwaway GNUPGHOME whose agent is stopped at the end.
 * The keys' secret parts are never written; only public keys (binary, exactly as the tool wrote them).
 *
 * Data signed: digest i = sha256("vector i"), i = 0..7; signature k of a file signs digest k mod 8, in
 * one of two forms: "raw" (the 32 bytes) or "hex" (the 64 lowercase hex characters, no newline; the
 * form section 3 of docs/client-profile.md tells users to sign).
 */
import { execFileSync, execSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as openpgp from "openpgp";
import * as openpgp5 from "openpgp5";

const OUT = path.join(__dirname, "..", "test", "fixtures", "clients");
const DIGESTS: string[] = Array.from({ length: 8 }, (_, i) =>
  crypto.createHash("sha256").update(`vector ${i}`).digest("hex"),
);
/** openpgp.js 6 judges every signature at its creation time plus this (keys expire: gpg 2y, sq 3y). */
const VERIFY_AFTER_SECONDS = 60;

// ------------------------------------------------------------------------------------------ types

export type Tool = "gpg" | "sq" | "openpgpjs6" | "openpgpjs5";
export type DataForm = "raw" | "hex";
export type HashName = "SHA256" | "SHA384" | "SHA512";
/** [subpacket type without the critical bit, critical] in the order written. */
export type SubpacketLayout = [number, boolean][];
export type TwinKind = "hashed" | "unhashed" | "values" | "left16" | "headerLength";

export interface BindingLayout {
  subkeyFingerprint: string;
  hashAlgorithm: number;
  keyFlags: number | null;
  hashed: SubpacketLayout;
  unhashed: SubpacketLayout;
  /** Where the embedded primary-key-binding signature (subpacket 32) is, and its own layout. */
  backSignature: {
    area: "hashed" | "unhashed";
    hashAlgorithm: number;
    publicKeyAlgorithm: number;
    hashed: SubpacketLayout;
    unhashed: SubpacketLayout;
  } | null;
}

export interface KeyInfo {
  fingerprint: string;
  version: number;
  algorithm: number;
  /** RSA modulus bits, or the curve name for ECC keys. */
  size: number | string;
  created: number;
}

export interface ClientKey {
  id: string;
  tool: Tool;
  toolVersion: string;
  /** The exact commands or calls that made the key and exported the public key. */
  commands: string[];
  keyType: string;
  /** Public key, binary, as the tool wrote it (0x hex). */
  key: string;
  size: number;
  /** Packet header format of every packet: "old" (gpg --export) or "new". */
  headerFormat: "old" | "new" | "mixed";
  primary: KeyInfo & { keyFlags: number | null };
  subkeys: (KeyInfo & { keyFlags: number | null; signing: boolean })[];
  bindings: BindingLayout[];
  /** null: the profile admits the key; else why it must refuse it (negative vector). */
  refusedByProfile: string | null;
}

/**
 * A corrupted twin of a signature: [kind, byte offset in the binary signature, mask XORed into that
 * byte (one bit), what openpgp.js 6 says of the corrupted signature]. A tuple: the files stay small.
 */
export type Twin = [kind: TwinKind, offset: number, mask: number, openpgpjs6Valid: boolean];

export interface ClientSignature {
  id: string;
  tool: Tool;
  command: string;
  /** ClientKey.id of the key in the same file (its keyType, key bytes and the tool's version are there). */
  keyId: string;
  signer: "primary" | "subkey";
  signerFingerprint: string;
  /** The hash the command asked for ("default": none). */
  hashOption: "default" | HashName;
  hash: HashName | string;
  hashAlgorithm: number;
  publicKeyAlgorithm: number;
  signatureType: number;
  version: number;
  dataForm: DataForm;
  /** 0x + 64 hex: the digest whose raw or hex form was signed. */
  digest: string;
  /** The tool wrote armor (sq's default); `signature` is its de-armored packet. */
  armored: boolean;
  signature: string;
  headerFormat: "old" | "new";
  created: number;
  /** Date (unix seconds) at which openpgp.js 6 was asked. */
  verifiedAt: number;
  hashed: SubpacketLayout;
  unhashed: SubpacketLayout;
  openpgpjs6Valid: boolean;
  openpgpjs6Error: string | null;
  twins: Twin[];
  /** null: the profile admits the signature (when valid); else why it must refuse it. */
  refusedByProfile: string | null;
}

export interface ClientVectorFile {
  tool: Tool;
  toolVersion: string;
  generatedBy: string;
  digests: string[];
  keys: ClientKey[];
  signatures: ClientSignature[];
}

// ------------------------------------------------------------------------------ packet reading

interface Packet {
  tag: number;
  offset: number;
  headerLength: number;
  bodyOffset: number;
  bodyLength: number;
  oldFormat: boolean;
}

function readPackets(b: Uint8Array): Packet[] {
  const out: Packet[] = [];
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if ((c & 0x80) === 0) throw new Error(`not a packet at ${i}`);
    let tag: number;
    let len: number;
    let hl: number;
    const old = (c & 0x40) === 0;
    if (old) {
      tag = (c >> 2) & 0x0f;
      const lt = c & 3;
      if (lt === 3) throw new Error("indeterminate length");
      const n = [1, 2, 4][lt];
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + b[i + 1 + k];
      hl = 1 + n;
    } else {
      tag = c & 0x3f;
      const l0 = b[i + 1];
      if (l0 < 192) [len, hl] = [l0, 2];
      else if (l0 < 224) [len, hl] = [((l0 - 192) << 8) + b[i + 2] + 192, 3];
      else if (l0 === 255)
        [len, hl] = [b[i + 2] * 2 ** 24 + (b[i + 3] << 16) + (b[i + 4] << 8) + b[i + 5], 6];
      else throw new Error("partial length");
    }
    out.push({ tag, offset: i, headerLength: hl, bodyOffset: i + hl, bodyLength: len, oldFormat: old });
    i += hl + len;
  }
  if (i !== b.length) throw new Error("packet past the end");
  return out;
}

interface Subpacket {
  type: number;
  critical: boolean;
  /** Offsets in the buffer given to readSubpackets. */
  offset: number;
  dataOffset: number;
  dataLength: number;
}

function readSubpackets(b: Uint8Array, start: number, end: number): Subpacket[] {
  const out: Subpacket[] = [];
  let i = start;
  while (i < end) {
    const l0 = b[i];
    let len: number;
    let ll: number;
    if (l0 < 192) [len, ll] = [l0, 1];
    else if (l0 < 255) [len, ll] = [((l0 - 192) << 8) + b[i + 1] + 192, 2];
    else [len, ll] = [b[i + 1] * 2 ** 24 + (b[i + 2] << 16) + (b[i + 3] << 8) + b[i + 4], 5];
    const t = b[i + ll];
    out.push({
      type: t & 0x7f,
      critical: (t & 0x80) !== 0,
      offset: i,
      dataOffset: i + ll + 1,
      dataLength: len - 1,
    });
    i += ll + len;
  }
  if (i !== end) throw new Error("subpackets overrun");
  return out;
}

interface SigParts {
  version: number;
  type: number;
  publicKeyAlgorithm: number;
  hashAlgorithm: number;
  hashed: Subpacket[];
  unhashed: Subpacket[];
  left16Offset: number;
  valuesOffset: number;
  end: number;
}

/** A v4 (or v6) signature body starting at `o`, ending at `end`. */
function readSignatureBody(b: Uint8Array, o: number, end: number): SigParts {
  const version = b[o];
  const wide = version === 6 ? 4 : 2;
  const rd = (p: number): number =>
    wide === 4 ? b[p] * 2 ** 24 + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3] : (b[p] << 8) + b[p + 1];
  const hStart = o + 4 + wide;
  const hLen = rd(o + 4);
  const uLenAt = hStart + hLen;
  const uStart = uLenAt + wide;
  const uLen = rd(uLenAt);
  const left16Offset = uStart + uLen;
  return {
    version,
    type: b[o + 1],
    publicKeyAlgorithm: b[o + 2],
    hashAlgorithm: b[o + 3],
    hashed: readSubpackets(b, hStart, hStart + hLen),
    unhashed: readSubpackets(b, uStart, uStart + uLen),
    left16Offset,
    valuesOffset: left16Offset + 2 + (version === 6 ? 1 + b[left16Offset + 2] : 0),
    end,
  };
}

const layout = (s: Subpacket[]): SubpacketLayout => s.map((p) => [p.type, p.critical]);
const toHex = (b: Uint8Array): string => "0x" + Buffer.from(b).toString("hex");
export const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/^0x/, ""), "hex"));

function keyInfo(b: Uint8Array, p: Packet): KeyInfo {
  const o = p.bodyOffset;
  const version = b[o];
  const created = b[o + 1] * 2 ** 24 + (b[o + 2] << 16) + (b[o + 3] << 8) + b[o + 4];
  const algorithm = b[o + 5];
  const body = b.subarray(o, o + p.bodyLength);
  let fingerprint: string;
  if (version === 4) {
    const pre = Buffer.from([0x99, p.bodyLength >> 8, p.bodyLength & 0xff]);
    fingerprint = crypto.createHash("sha1").update(pre).update(body).digest("hex");
  } else {
    const n = p.bodyLength;
    const pre = Buffer.from([0x9b, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
    fingerprint = crypto.createHash("sha256").update(pre).update(body).digest("hex");
  }
  const f = o + (version === 6 ? 10 : 6);
  let size: number | string;
  if (algorithm === 1 || algorithm === 2 || algorithm === 3) size = (b[f] << 8) + b[f + 1];
  else if (algorithm === 25) size = "x25519";
  else if (algorithm === 27) size = "ed25519";
  else {
    const oid = Buffer.from(b.subarray(f + 1, f + 1 + b[f])).toString("hex");
    size =
      {
        "2a8648ce3d030107": "nistp256",
        "2b81040022": "nistp384",
        "2b06010401da470f01": "ed25519",
        "2b060104019755010501": "cv25519",
      }[oid] ?? `oid ${oid}`;
  }
  return { fingerprint, version, algorithm, size, created };
}

function keyFlagsOf(sig: SigParts, b: Uint8Array): number | null {
  const kf = sig.hashed.find((s) => s.type === 27);
  return kf && kf.dataLength > 0 ? b[kf.dataOffset] : null;
}

function describeKey(
  bytes: Uint8Array,
): Pick<ClientKey, "primary" | "subkeys" | "bindings" | "headerFormat" | "size"> {
  const packets = readPackets(bytes);
  const olds = packets.filter((p) => p.oldFormat).length;
  const headerFormat = olds === 0 ? "new" : olds === packets.length ? "old" : "mixed";
  if (packets[0].tag !== 6) throw new Error("first packet is not a public key");
  const primaryInfo = keyInfo(bytes, packets[0]);
  let primaryFlags: number | null = null;
  const subkeys: ClientKey["subkeys"] = [];
  const bindings: BindingLayout[] = [];
  let current: ClientKey["subkeys"][number] | null = null;
  for (const p of packets.slice(1)) {
    if (p.tag === 14) {
      current = { ...keyInfo(bytes, p), keyFlags: null, signing: false };
      subkeys.push(current);
    } else if (p.tag === 13 || p.tag === 17) {
      current = null;
    } else if (p.tag === 2) {
      const sig = readSignatureBody(bytes, p.bodyOffset, p.bodyOffset + p.bodyLength);
      const flags = keyFlagsOf(sig, bytes);
      if (
        current === null &&
        sig.version === primaryInfo.version &&
        (sig.type & 0xfc) === 0x10 &&
        flags !== null
      )
        primaryFlags ??= flags;
      if (current === null && sig.type === 0x1f && flags !== null) primaryFlags ??= flags;
      if (current !== null && sig.type === 0x18) {
        current.keyFlags ??= flags;
        if (flags !== null && (flags & 0x02) !== 0) current.signing = true;
        let backSignature: BindingLayout["backSignature"] = null;
        for (const [area, list] of [
          ["hashed", sig.hashed],
          ["unhashed", sig.unhashed],
        ] as const) {
          const emb = list.find((s) => s.type === 32);
          if (emb && backSignature === null) {
            const e = readSignatureBody(bytes, emb.dataOffset, emb.dataOffset + emb.dataLength);
            backSignature = {
              area,
              hashAlgorithm: e.hashAlgorithm,
              publicKeyAlgorithm: e.publicKeyAlgorithm,
              hashed: layout(e.hashed),
              unhashed: layout(e.unhashed),
            };
          }
        }
        bindings.push({
          subkeyFingerprint: current.fingerprint,
          hashAlgorithm: sig.hashAlgorithm,
          keyFlags: flags,
          hashed: layout(sig.hashed),
          unhashed: layout(sig.unhashed),
          backSignature,
        });
      }
    }
  }
  return {
    primary: { ...primaryInfo, keyFlags: primaryFlags },
    subkeys,
    bindings,
    headerFormat,
    size: bytes.length,
  };
}

// ------------------------------------------------------------------------- openpgp.js 6 verdicts

const HASHES: Record<number, HashName | string> = {
  2: "SHA1",
  8: "SHA256",
  9: "SHA384",
  10: "SHA512",
  11: "SHA224",
};

interface Verdict {
  valid: boolean;
  error: string | null;
}

function shortError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/[0-9a-f]{16,}/gi, "…").slice(0, 100);
}

/** What openpgp.js 6's verify says of `sig` (binary) over the vector's data. */
export async function verify6(
  keyBytes: Uint8Array,
  sig: Uint8Array,
  data: Uint8Array,
  text: boolean,
  date: Date,
): Promise<Verdict> {
  try {
    const verificationKeys = await openpgp.readKey({ binaryKey: keyBytes });
    const signature = await openpgp.readSignature({ binarySignature: sig });
    const message = text
      ? await openpgp.createMessage({ text: Buffer.from(data).toString("latin1") })
      : await openpgp.createMessage({ binary: data });
    const r = await openpgp.verify({ message, signature, verificationKeys, date, expectSigned: false });
    if (r.signatures.length !== 1) return { valid: false, error: `${r.signatures.length} signatures` };
    await r.signatures[0].verified;
    return { valid: true, error: null };
  } catch (e) {
    return { valid: false, error: shortError(e) };
  }
}

/** The five one-bit corruptions of a v4 signature packet (an empty unhashed area has no twin). */
function twinPositions(sig: Uint8Array): { kind: TwinKind; offset: number; mask: number }[] {
  const [p] = readPackets(sig);
  const s = readSignatureBody(sig, p.bodyOffset, p.bodyOffset + p.bodyLength);
  const out: { kind: TwinKind; offset: number; mask: number }[] = [];
  const ct = s.hashed.find((x) => x.type === 2);
  if (ct) out.push({ kind: "hashed", offset: ct.dataOffset + ct.dataLength - 1, mask: 1 });
  if (s.unhashed.length > 0) {
    const last = s.unhashed[s.unhashed.length - 1];
    out.push({ kind: "unhashed", offset: last.dataOffset + last.dataLength - 1, mask: 1 });
  }
  out.push({ kind: "values", offset: s.end - 1, mask: 1 });
  out.push({ kind: "left16", offset: s.left16Offset + 1, mask: 1 });
  out.push({ kind: "headerLength", offset: p.headerLength - 1, mask: 1 });
  return out;
}

// ------------------------------------------------------------------------------- vector building

interface Signed {
  command: string;
  signature: Uint8Array;
  armored: boolean;
  hashOption: "default" | HashName;
  dataForm: DataForm;
  digestIndex: number;
  refusedByProfile?: string | null;
}

async function buildSignature(file: ClientVectorFile, key: ClientKey, s: Signed): Promise<ClientSignature> {
  const keyBytes = fromHex(key.key);
  const [p] = readPackets(s.signature);
  const parts = readSignatureBody(s.signature, p.bodyOffset, p.bodyOffset + p.bodyLength);
  const digest = DIGESTS[s.digestIndex];
  const data = s.dataForm === "raw" ? Buffer.from(digest, "hex") : Buffer.from(digest, "latin1");
  const text = parts.type === 0x01;
  const ctSub = parts.hashed.find((x) => x.type === 2);
  const created = ctSub
    ? Buffer.from(s.signature.subarray(ctSub.dataOffset, ctSub.dataOffset + 4)).readUInt32BE(0)
    : 0;
  const issuerFpr = [...parts.hashed, ...parts.unhashed].find((x) => x.type === 33);
  const issuerId = [...parts.hashed, ...parts.unhashed].find((x) => x.type === 16);
  let signerFingerprint: string;
  if (issuerFpr) {
    signerFingerprint = Buffer.from(
      s.signature.subarray(issuerFpr.dataOffset + 1, issuerFpr.dataOffset + issuerFpr.dataLength),
    ).toString("hex");
  } else if (issuerId) {
    const id = Buffer.from(s.signature.subarray(issuerId.dataOffset, issuerId.dataOffset + 8)).toString(
      "hex",
    );
    const all = [key.primary.fingerprint, ...key.subkeys.map((k) => k.fingerprint)];
    signerFingerprint = all.find((f) => f.endsWith(id)) ?? `keyid ${id}`;
  } else throw new Error("signature without issuer");
  const signer = signerFingerprint === key.primary.fingerprint ? "primary" : "subkey";
  if (signer === "subkey" && !key.subkeys.some((k) => k.fingerprint === signerFingerprint))
    throw new Error(`${key.id}: issuer ${signerFingerprint} is not in the key`);
  const verifiedAt = created + VERIFY_AFTER_SECONDS;
  const date = new Date(verifiedAt * 1000);
  const v = await verify6(keyBytes, s.signature, data, text, date);
  const twins: Twin[] = [];
  if (parts.version === 4) {
    for (const t of twinPositions(s.signature)) {
      const bad = Uint8Array.from(s.signature);
      bad[t.offset] ^= t.mask;
      const tv = await verify6(keyBytes, bad, data, text, date);
      twins.push([t.kind, t.offset, t.mask, tv.valid]);
    }
  }
  const n = file.signatures.length;
  return {
    id: `${key.id}#${n}`,
    tool: key.tool,
    command: s.command,
    keyId: key.id,
    signer,
    signerFingerprint,
    hashOption: s.hashOption,
    hash: HASHES[parts.hashAlgorithm] ?? `hash ${parts.hashAlgorithm}`,
    hashAlgorithm: parts.hashAlgorithm,
    publicKeyAlgorithm: parts.publicKeyAlgorithm,
    signatureType: parts.type,
    version: parts.version,
    dataForm: s.dataForm,
    digest: "0x" + digest,
    armored: s.armored,
    signature: toHex(s.signature),
    headerFormat: p.oldFormat ? "old" : "new",
    created,
    verifiedAt,
    hashed: layout(parts.hashed),
    unhashed: layout(parts.unhashed),
    openpgpjs6Valid: v.valid,
    openpgpjs6Error: v.error,
    twins,
    refusedByProfile: s.refusedByProfile ?? key.refusedByProfile,
  };
}

function makeKey(
  tool: Tool,
  toolVersion: string,
  id: string,
  keyType: string,
  commands: string[],
  bytes: Uint8Array,
  refusedByProfile: string | null = null,
): ClientKey {
  return {
    id,
    tool,
    toolVersion,
    commands,
    keyType,
    key: toHex(bytes),
    ...describeKey(bytes),
    refusedByProfile,
  };
}

function writeFile(file: ClientVectorFile): void {
  // One key or signature per line: readable diffs, no indentation bloat.
  const lines = [
    "{",
    `  "tool": ${JSON.stringify(file.tool)},`,
    `  "toolVersion": ${JSON.stringify(file.toolVersion)},`,
    `  "generatedBy": ${JSON.stringify(file.generatedBy)},`,
    `  "digests": ${JSON.stringify(file.digests)},`,
    `  "keys": [\n${file.keys.map((k) => "    " + JSON.stringify(k)).join(",\n")}\n  ],`,
    `  "signatures": [\n${file.signatures.map((s) => "    " + JSON.stringify(s)).join(",\n")}\n  ]`,
    "}",
  ];
  const text = lines.join("\n") + "\n";
  const name = `${file.tool}.json`;
  fs.writeFileSync(path.join(OUT, name), text);
  const valid = file.signatures.filter((s) => s.openpgpjs6Valid).length;
  console.log(
    `wrote test/fixtures/clients/${name}: ${file.keys.length} keys, ${file.signatures.length} signatures ` +
      `(${valid} valid for openpgp.js 6), ${text.length} bytes`,
  );
}

function newFile(tool: Tool, toolVersion: string): ClientVectorFile {
  return {
    tool,
    toolVersion,
    generatedBy: "scripts/gen-client-vectors.ts",
    digests: DIGESTS.map((d) => "0x" + d),
    keys: [],
    signatures: [],
  };
}

const HASH_OPTIONS = ["default", "SHA256", "SHA384", "SHA512"] as const;
const sh = (s: string): string => (/^[A-Za-z0-9_./:=@%+,!-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

// ---------------------------------------------------------------------------------------- GnuPG

interface GpgKeyPlan {
  id: string;
  keyType: string;
  /** quick-gen-key arguments after the user ID. */
  gen: string[];
  /** quick-add-key arguments after the fingerprint (a signing subkey), if any. */
  add?: string[];
  /** Who signs: the primary, the signing subkey, or both. */
  signers: ("primary" | "subkey")[];
}

const GPG_KEYS: GpgKeyPlan[] = [
  {
    id: "gpg/default",
    keyType: "rsa3072 (sign,cert) + rsa3072 encryption subkey",
    gen: [],
    signers: ["primary"],
  },
  { id: "gpg/nistp256", keyType: "nistp256 ECDSA (sign,cert)", gen: ["nistp256"], signers: ["primary"] },
  { id: "gpg/ed25519", keyType: "ed25519 EdDSA legacy (sign,cert)", gen: ["ed25519"], signers: ["primary"] },
  { id: "gpg/rsa4096", keyType: "rsa4096 (sign,cert)", gen: ["rsa4096"], signers: ["primary"] },
  {
    id: "gpg/cert-ed25519+sign-ed25519",
    keyType: "ed25519 certify-only primary + ed25519 signing subkey",
    gen: ["ed25519", "cert"],
    add: ["ed25519", "sign"],
    signers: ["subkey"],
  },
  {
    id: "gpg/cert-nistp256+sign-nistp256",
    keyType: "nistp256 certify-only primary + nistp256 ECDSA signing subkey",
    gen: ["nistp256", "cert"],
    // gpg 2.2 reads a bare "nistp256" subkey as ECDH: `--quick-add-key FPR nistp256 sign` fails with
    // "Wrong key usage"; "nistp256/ecdsa" is the ECDSA subkey.
    add: ["nistp256/ecdsa", "sign"],
    signers: ["subkey"],
  },
  {
    id: "gpg/cert-rsa2048+sign-rsa2048",
    keyType: "rsa2048 certify-only primary + rsa2048 signing subkey",
    gen: ["rsa2048", "cert"],
    add: ["rsa2048", "sign"],
    signers: ["subkey"],
  },
  {
    id: "gpg/cert-ed25519+sign-nistp256",
    keyType: "ed25519 certify-only primary + nistp256 ECDSA signing subkey",
    gen: ["ed25519", "cert"],
    add: ["nistp256/ecdsa", "sign"],
    signers: ["subkey"],
  },
  {
    id: "gpg/nistp256+sign-nistp256",
    keyType: "nistp256 ECDSA (sign,cert) primary + nistp256 ECDSA signing subkey",
    gen: ["nistp256"],
    add: ["nistp256/ecdsa", "sign"],
    signers: ["primary", "subkey"],
  },
];

async function genGpg(): Promise<ClientVectorFile> {
  const version = execFileSync("gpg", ["--version"], { encoding: "utf8" })
    .split("\n")[0]
    .replace(/^gpg \(GnuPG\) /, "");
  const file = newFile("gpg", version);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "gpgv-"));
  fs.chmodSync(home, 0o700);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gpgw-"));
  const env = { ...process.env, GNUPGHOME: home };
  const BATCH = ["--batch", "--pinentry-mode", "loopback", "--passphrase", ""];
  const gpg = (args: string[]): Buffer =>
    execFileSync("gpg", [...BATCH, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const batchText = "gpg --batch --pinentry-mode loopback --passphrase ''";
  try {
    let k = 0;
    for (const plan of GPG_KEYS) {
      const uid = `${plan.id.replace("gpg/", "")} <vectors-${k++}@example.org>`;
      gpg(["--quick-gen-key", uid, ...plan.gen]);
      const fpr = primaryFingerprint(
        execFileSync("gpg", ["--with-colons", "--list-keys", uid], {
          env,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        }),
      );
      const commands = [`${batchText} --quick-gen-key ${[uid, ...plan.gen].map(sh).join(" ")}`];
      if (plan.add) {
        gpg(["--quick-add-key", fpr, ...plan.add]);
        commands.push(`${batchText} --quick-add-key ${fpr} ${plan.add.join(" ")}`);
      }
      const bytes = new Uint8Array(gpg(["--export", fpr]));
      commands.push(`gpg --export ${fpr} > key.pgp`);
      const key = makeKey("gpg", version, plan.id, plan.keyType, commands, bytes);
      file.keys.push(key);
      const signingSub = key.subkeys.filter((s) => s.signing);
      if (plan.add && signingSub.length !== 1) throw new Error(`${plan.id}: expected one signing subkey`);
      for (const signer of plan.signers) {
        const who = signer === "primary" ? `${fpr}!` : `${signingSub[0].fingerprint.toUpperCase()}!`;
        for (const hashOption of HASH_OPTIONS) {
          for (const [dataForm, textmode] of [
            ["raw", false],
            ["hex", false],
            ["hex", true],
          ] as const) {
            const digestIndex = file.signatures.length % DIGESTS.length;
            const name = dataForm === "raw" ? "digest.bin" : "digest.txt";
            const dataPath = path.join(work, name);
            fs.rmSync(`${dataPath}.sig`, { force: true });
            const opts = [
              "--detach-sign",
              ...(textmode ? ["--textmode"] : []),
              ...(hashOption === "default" ? [] : ["--digest-algo", hashOption]),
              "-u",
              who,
            ];
            let command: string;
            if (dataForm === "hex") {
              // Section 3 of docs/client-profile.md, verbatim but for the options.
              command = `printf %s "$DIGEST" > digest.txt && gpg ${opts.map(sh).join(" ")} digest.txt`;
              execSync(command.replace(/\bgpg /, `${batchText} `), {
                cwd: work,
                env: { ...env, DIGEST: DIGESTS[digestIndex] },
                stdio: ["ignore", "pipe", "pipe"],
                shell: "/bin/bash",
              });
            } else {
              fs.writeFileSync(dataPath, Buffer.from(DIGESTS[digestIndex], "hex"));
              command = `gpg ${opts.map(sh).join(" ")} digest.bin  # digest.bin: the 32 digest bytes`;
              gpg([...opts, dataPath]);
            }
            const signature = new Uint8Array(fs.readFileSync(`${dataPath}.sig`));
            const v = await buildSignature(file, key, {
              command,
              signature,
              armored: false,
              hashOption,
              dataForm,
              digestIndex,
            });
            if (v.signer !== signer)
              throw new Error(`${plan.id}: gpg signed with the ${v.signer}, not the ${signer}`);
            file.signatures.push(v);
          }
        }
      }
      // The section-3 command as a user types it, gpg picking the signer: -u the key's fingerprint, and
      // -u its e-mail address (then gpg adds a signer's user ID subpacket, 28, to the hashed area).
      const email = uid.replace(/^.*<(.*)>$/, "$1");
      for (const who of [fpr, email]) {
        const digestIndex = file.signatures.length % DIGESTS.length;
        const command = `printf %s "$DIGEST" > digest.txt && gpg --detach-sign -u "$KEY" digest.txt`;
        fs.rmSync(path.join(work, "digest.txt.sig"), { force: true });
        execSync(command.replace(/\bgpg /, `${batchText} `), {
          cwd: work,
          env: { ...env, DIGEST: DIGESTS[digestIndex], KEY: who },
          stdio: ["ignore", "pipe", "pipe"],
          shell: "/bin/bash",
        });
        file.signatures.push(
          await buildSignature(file, key, {
            command: `KEY=${who}; ${command}`,
            signature: new Uint8Array(fs.readFileSync(path.join(work, "digest.txt.sig"))),
            armored: false,
            hashOption: "default",
            dataForm: "hex",
            digestIndex,
          }),
        );
      }
    }
  } finally {
    try {
      execFileSync("gpgconf", ["--kill", "gpg-agent"], { env, stdio: "ignore" });
    } catch {
      // no agent was started
    }
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
  return file;
}

function primaryFingerprint(colons: string): string {
  const lines = colons.split("\n");
  const pub = lines.findIndex((l) => l.startsWith("pub:"));
  const fpr = lines.slice(pub).find((l) => l.startsWith("fpr:"));
  if (pub < 0 || !fpr) throw new Error("no fingerprint in gpg --list-keys");
  return fpr.split(":")[9];
}

// -------------------------------------------------------------------------------------- Sequoia

const SQ_KEYS = [
  {
    id: "sq/default",
    suite: null,
    keyType: "cv25519: ed25519 certify-only primary + ed25519 signing, auth + cv25519 encryption subkeys",
  },
  {
    id: "sq/rsa3k",
    suite: "rsa3k",
    keyType: "rsa3k: rsa3072 certify-only primary + rsa3072 signing, auth, encryption subkeys",
  },
  {
    id: "sq/rsa4k",
    suite: "rsa4k",
    keyType: "rsa4k: rsa4096 certify-only primary + rsa4096 signing, auth, encryption subkeys",
  },
];

async function genSq(): Promise<ClientVectorFile> {
  const version = execFileSync("sq", ["--version"], { encoding: "utf8" }).trim().replace(/^sq /, "");
  const file = newFile("sq", version);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sqw-"));
  const sq = (args: string[], input?: Buffer): Buffer =>
    execFileSync("sq", args, { cwd: work, input, stdio: ["pipe", "pipe", "pipe"] });
  try {
    let k = 0;
    for (const plan of SQ_KEYS) {
      const uid = `${plan.id.replace("sq/", "sq-")} <vectors-${k++}@example.org>`;
      fs.rmSync(path.join(work, "key.pgp"), { force: true });
      fs.rmSync(path.join(work, "key.pgp.rev"), { force: true });
      const gen = [
        "key",
        "generate",
        ...(plan.suite ? ["--cipher-suite", plan.suite] : []),
        "--userid",
        uid,
        "--export",
        "key.pgp",
      ];
      sq(gen);
      const armoredCert = sq(["key", "extract-cert", "key.pgp"]);
      const bytes = new Uint8Array(sq(["dearmor"], armoredCert));
      const key = makeKey(
        "sq",
        version,
        plan.id,
        plan.keyType,
        [
          `sq ${gen.map(sh).join(" ")}`,
          "sq key extract-cert key.pgp > cert.asc",
          "sq dearmor cert.asc > cert.pgp",
        ],
        bytes,
      );
      file.keys.push(key);
      for (const dataForm of ["raw", "hex"] as const) {
        for (const binary of [false, true]) {
          const digestIndex = file.signatures.length % DIGESTS.length;
          const name = dataForm === "raw" ? "digest.bin" : "digest.txt";
          const out = binary ? `${name}.sig` : `${name}.asc`;
          const opts = ["sign", "--detached", ...(binary ? ["--binary"] : []), "--signer-key", "key.pgp"];
          let command: string;
          if (dataForm === "hex") {
            command = `printf %s "$DIGEST" > digest.txt && sq ${opts.join(" ")} digest.txt > ${out}`;
            execSync(command, {
              cwd: work,
              env: { ...process.env, DIGEST: DIGESTS[digestIndex] },
              stdio: ["ignore", "pipe", "pipe"],
              shell: "/bin/bash",
            });
          } else {
            fs.writeFileSync(path.join(work, name), Buffer.from(DIGESTS[digestIndex], "hex"));
            command = `sq ${opts.join(" ")} digest.bin > ${out}  # digest.bin: the 32 digest bytes`;
            fs.writeFileSync(path.join(work, out), sq([...opts, name]));
          }
          const written = fs.readFileSync(path.join(work, out));
          const signature = new Uint8Array(binary ? written : sq(["dearmor"], written));
          if (!binary && !written.toString("latin1").startsWith("-----BEGIN PGP SIGNATURE-----"))
            throw new Error("sq sign --detached did not write armor");
          file.signatures.push(
            await buildSignature(file, key, {
              command: binary ? command : `${command} && sq dearmor ${out} > ${name}.sig`,
              signature,
              armored: !binary,
              hashOption: "default",
              dataForm,
              digestIndex,
            }),
          );
        }
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return file;
}

// ---------------------------------------------------------------------------------- openpgp.js 6

interface JsKeyPlan {
  id: string;
  keyType: string;
  options: Record<string, unknown>;
  call: string;
  refusedByProfile?: string;
  /** The signing calls' hash options (default: all of HASH_OPTIONS). */
  hashOptions?: readonly ("default" | HashName)[];
}

const JS6_KEYS: JsKeyPlan[] = [
  {
    id: "openpgpjs6/default",
    keyType: "curve25519Legacy: EdDSA legacy (22) primary + ECDH cv25519 subkey",
    options: {},
    call: "{}",
  },
  {
    id: "openpgpjs6/rsa2048",
    keyType: "rsa2048 + rsa2048 encryption subkey",
    options: { type: "rsa", rsaBits: 2048 },
    call: "{type: 'rsa', rsaBits: 2048}",
  },
  {
    id: "openpgpjs6/rsa3072",
    keyType: "rsa3072 + rsa3072 encryption subkey",
    options: { type: "rsa", rsaBits: 3072 },
    call: "{type: 'rsa', rsaBits: 3072}",
  },
  {
    id: "openpgpjs6/rsa4096",
    keyType: "rsa4096 + rsa4096 encryption subkey",
    options: { type: "rsa", rsaBits: 4096 },
    call: "{type: 'rsa', rsaBits: 4096}",
  },
  {
    id: "openpgpjs6/nistp256",
    keyType: "nistP256 ECDSA primary + ECDH subkey",
    options: { type: "ecc", curve: "nistP256" },
    call: "{type: 'ecc', curve: 'nistP256'}",
  },
  {
    id: "openpgpjs6/curve25519",
    keyType: "v4 Ed25519 (27) primary + X25519 (25) subkey",
    options: { type: "curve25519" },
    call: "{type: 'curve25519'}",
  },
  {
    id: "openpgpjs6/nistp256+sign-subkey",
    keyType: "nistP256 ECDSA primary + nistP256 ECDSA signing subkey",
    options: { type: "ecc", curve: "nistP256", subkeys: [{ sign: true }] },
    call: "{type: 'ecc', curve: 'nistP256', subkeys: [{sign: true}]}",
  },
  // openpgp.js 6 signs with config.preferredHashAlgorithm only when the signing key's own preferences
  // list it (or the curve asks for it): its default keys list SHA-512 and SHA-256, so a SHA-384 signature
  // needs a key generated with SHA-384 preferred.
  {
    id: "openpgpjs6/rsa2048-prefers-sha384",
    keyType: "rsa2048 + rsa2048 encryption subkey, SHA-384 first in its hash preferences",
    options: { type: "rsa", rsaBits: 2048, config: { preferredHashAlgorithm: openpgp.enums.hash.sha384 } },
    call: "{type: 'rsa', rsaBits: 2048, config: {preferredHashAlgorithm: openpgp.enums.hash.sha384}}",
    hashOptions: ["SHA384"],
  },
  {
    id: "openpgpjs6/nistp256-prefers-sha384",
    keyType: "nistP256 ECDSA primary + ECDH subkey, SHA-384 first in its hash preferences",
    options: {
      type: "ecc",
      curve: "nistP256",
      config: { preferredHashAlgorithm: openpgp.enums.hash.sha384 },
    },
    call: "{type: 'ecc', curve: 'nistP256', config: {preferredHashAlgorithm: openpgp.enums.hash.sha384}}",
    hashOptions: ["SHA384"],
  },
  {
    id: "openpgpjs6/curve25519-prefers-sha384",
    keyType: "v4 Ed25519 (27) primary + X25519 subkey, SHA-384 first in its hash preferences",
    options: { type: "curve25519", config: { preferredHashAlgorithm: openpgp.enums.hash.sha384 } },
    call: "{type: 'curve25519', config: {preferredHashAlgorithm: openpgp.enums.hash.sha384}}",
    hashOptions: ["SHA384"],
  },
  {
    id: "openpgpjs6/v6-curve25519",
    keyType: "v6 Ed25519 (27) primary + X25519 subkey (RFC 9580 v6 key: negative vector)",
    options: { type: "curve25519", config: { v6Keys: true } },
    call: "{type: 'curve25519', config: {v6Keys: true}}",
    refusedByProfile: "v6 key (OpenPgpKeyUnsupportedVersion(6)); its signatures are v6 (Version)",
  },
];

const JS_HASH = { SHA256: "sha256", SHA384: "sha384", SHA512: "sha512" } as const;

async function genOpenpgp6(): Promise<ClientVectorFile> {
  const version = openpgp.config.versionString.replace(/^OpenPGP\.js v?/, "");
  const file = newFile("openpgpjs6", version);
  let k = 0;
  for (const plan of JS6_KEYS) {
    const userIDs = [{ name: plan.id.replace("openpgpjs6/", "o6-"), email: `vectors-${k++}@example.org` }];
    const { privateKey, publicKey } = (await openpgp.generateKey({
      ...plan.options,
      userIDs,
      format: "object",
    } as never)) as unknown as { privateKey: openpgp.PrivateKey; publicKey: openpgp.PublicKey };
    const bytes = publicKey.write();
    const callText = `openpgp.generateKey({...${plan.call}, userIDs: ${JSON.stringify(userIDs)}}); publicKey.write()`;
    const key = makeKey(
      "openpgpjs6",
      version,
      plan.id,
      plan.keyType,
      [callText],
      bytes,
      plan.refusedByProfile ?? null,
    );
    file.keys.push(key);
    const signers: ("primary" | "subkey")[] = key.subkeys.some((s) => s.signing)
      ? ["subkey", "primary"]
      : ["primary"];
    for (const signer of signers) {
      const hashOptions =
        plan.refusedByProfile || (signer === "primary" && signers.length > 1)
          ? (["default"] as const)
          : (plan.hashOptions ?? HASH_OPTIONS);
      for (const hashOption of hashOptions) {
        for (const [dataForm, asText] of [
          ["raw", false],
          ["hex", false],
          ["hex", true],
        ] as const) {
          const digestIndex = file.signatures.length % DIGESTS.length;
          const hex = DIGESTS[digestIndex];
          const config =
            hashOption === "default"
              ? undefined
              : { preferredHashAlgorithm: openpgp.enums.hash[JS_HASH[hashOption]] };
          const message = asText
            ? await openpgp.createMessage({ text: hex })
            : await openpgp.createMessage({
                binary: dataForm === "raw" ? fromHex(hex) : new Uint8Array(Buffer.from(hex, "latin1")),
              });
          const signingKeyIDs =
            signer === "primary" && signers.length > 1 ? [privateKey.getKeyID()] : undefined;
          const signature = (await openpgp.sign({
            message,
            signingKeys: privateKey,
            detached: true,
            format: "binary",
            ...(signingKeyIDs ? { signingKeyIDs } : {}),
            ...(config ? { config } : {}),
          })) as Uint8Array;
          const msg = asText
            ? "{text: hex}"
            : dataForm === "raw"
              ? "{binary: digestBytes}"
              : "{binary: hexBytes}";
          const cfg = config
            ? `, config: {preferredHashAlgorithm: openpgp.enums.hash.${JS_HASH[hashOption as HashName]}}`
            : "";
          const sel = signingKeyIDs ? ", signingKeyIDs: [privateKey.getKeyID()]" : "";
          file.signatures.push(
            await buildSignature(file, key, {
              command: `openpgp.sign({message: await openpgp.createMessage(${msg}), signingKeys: privateKey, detached: true, format: 'binary'${sel}${cfg}})`,
              signature,
              armored: false,
              hashOption,
              dataForm,
              digestIndex,
            }),
          );
        }
      }
    }
  }
  return file;
}

// ---------------------------------------------------------------------------------- openpgp.js 5

const JS5_KEYS: JsKeyPlan[] = [
  {
    id: "openpgpjs5/push-sdk-rsa2048",
    keyType: "rsa2048 + rsa2048 encryption subkey (Push Chat SDK PGPHelper.generateKeyPair)",
    options: { type: "rsa", rsaBits: 2048, userIDs: [{ name: "", email: "" }] },
    call: "{type: 'rsa', rsaBits: 2048, userIDs: [{name: '', email: ''}]}",
  },
  {
    id: "openpgpjs5/default",
    keyType: "curve25519 (legacy): EdDSA (22) primary + ECDH cv25519 subkey",
    options: { userIDs: [{ name: "o5-default", email: "vectors-o5@example.org" }] },
    call: "{userIDs: [{name: 'o5-default', email: 'vectors-o5@example.org'}]}",
  },
];

/** The part of the Push Chat SDK's PGPHelper used here. */
interface PushSdkPgp {
  generateKeyPair(): Promise<{ privateKeyArmored: string; publicKeyArmored: string }>;
  sign(o: { message: string; signingKey: string }): Promise<string>;
}

async function genOpenpgp5(): Promise<ClientVectorFile> {
  const version = openpgp5.config.versionString.replace(/^OpenPGP\.js v?/, "");
  const file = newFile("openpgpjs5", version);
  for (const plan of JS5_KEYS) {
    const { privateKey, publicKey } = (await openpgp5.generateKey({
      ...plan.options,
      format: "object",
    } as never)) as unknown as { privateKey: openpgp5.PrivateKey; publicKey: openpgp5.PublicKey };
    const bytes = publicKey.write();
    const key = makeKey(
      "openpgpjs5",
      version,
      plan.id,
      plan.keyType,
      [`openpgp.generateKey(${plan.call}); publicKey.write()`],
      bytes,
    );
    file.keys.push(key);
    for (const hashOption of HASH_OPTIONS) {
      for (const [dataForm, asText] of [
        ["hex", true],
        ["raw", false],
        ["hex", false],
      ] as const) {
        const digestIndex = file.signatures.length % DIGESTS.length;
        const hex = DIGESTS[digestIndex];
        const config =
          hashOption === "default"
            ? undefined
            : { preferredHashAlgorithm: openpgp5.enums.hash[JS_HASH[hashOption]] };
        const message = (
          asText
            ? await openpgp5.createMessage({ text: hex })
            : await openpgp5.createMessage({
                binary: dataForm === "raw" ? fromHex(hex) : new Uint8Array(Buffer.from(hex, "latin1")),
              })
        ) as openpgp5.Message<Uint8Array>;
        const armored = await openpgp5.sign({
          message,
          signingKeys: privateKey,
          detached: true,
          ...(config ? { config } : {}),
        });
        // Armored, as the SDK sends it (pgpv3:<armored signature>); stored de-armored.
        const signature = (await openpgp5.unarmor(armored as string)).data as Uint8Array;
        const msg = asText
          ? "{text: hex}"
          : dataForm === "raw"
            ? "{binary: digestBytes}"
            : "{binary: hexBytes}";
        const cfg = config
          ? `, config: {preferredHashAlgorithm: openpgp.enums.hash.${JS_HASH[hashOption as HashName]}}`
          : "";
        file.signatures.push(
          await buildSignature(file, key, {
            command: `openpgp.sign({message: await openpgp.createMessage(${msg}), signingKeys: privateKey, detached: true${cfg}})  # armored; de-armored here`,
            signature,
            armored: true,
            hashOption,
            dataForm,
            digestIndex,
          }),
        );
      }
    }
  }
  // The Push Chat SDK itself (@pushprotocol/restapi 1.7.32, its own openpgp 5.11.3): PGPHelper's key pair
  // and its `sign`, the signature of every pgpv3 message (over the 64-hex-character hash).
  const sdk = (require("@pushprotocol/restapi/src/lib/chat/helpers/pgp") as { PGPHelper: PushSdkPgp })
    .PGPHelper;
  const pair = await sdk.generateKeyPair();
  const sdkKey = makeKey(
    "openpgpjs5",
    version,
    "openpgpjs5/push-sdk-helper",
    "rsa2048 + rsa2048 encryption subkey (the SDK's own PGPHelper.generateKeyPair)",
    [
      "PGPHelper.generateKeyPair()  // @pushprotocol/restapi/src/lib/chat/helpers/pgp; publicKeyArmored de-armored",
    ],
    (await openpgp5.unarmor(pair.publicKeyArmored)).data as Uint8Array,
  );
  file.keys.push(sdkKey);
  for (let i = 0; i < 2; i++) {
    const digestIndex = file.signatures.length % DIGESTS.length;
    const armored = await sdk.sign({ message: DIGESTS[digestIndex], signingKey: pair.privateKeyArmored });
    file.signatures.push(
      await buildSignature(file, sdkKey, {
        command: "PGPHelper.sign({message: hex, signingKey: privateKeyArmored})  # armored; de-armored here",
        signature: (await openpgp5.unarmor(armored)).data as Uint8Array,
        armored: true,
        hashOption: "default",
        dataForm: "hex",
        digestIndex,
      }),
    );
  }
  return file;
}

// ------------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const gens: [Tool, () => Promise<ClientVectorFile>][] = [
    ["gpg", genGpg],
    ["sq", genSq],
    ["openpgpjs6", genOpenpgp6],
    ["openpgpjs5", genOpenpgp5],
  ];
  for (const [tool, gen] of gens) {
    if (only.length > 0 && !only.includes(tool)) continue;
    const t0 = Date.now();
    writeFile(await gen());
    console.log(`  ${tool}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

// ------------------------------------------------------------------------------ reading the files

export const CLIENT_TOOLS: readonly Tool[] = ["gpg", "sq", "openpgpjs6", "openpgpjs5"];

/** The committed vector file of one tool (test/fixtures/clients/<tool>.json). */
export function loadClientVectors(tool: Tool): ClientVectorFile {
  return JSON.parse(fs.readFileSync(path.join(OUT, `${tool}.json`), "utf8")) as ClientVectorFile;
}

/** The key a signature names (ClientSignature.keyId), from the same file. */
export function keyOf(file: ClientVectorFile, s: ClientSignature): ClientKey {
  const k = file.keys.find((x) => x.id === s.keyId);
  if (!k) throw new Error(`${s.id}: no key ${s.keyId} in ${file.tool}.json`);
  return k;
}

/** The data a signature was made over: the 32 digest bytes, or their 64 lowercase hex characters. */
export function signedData(s: Pick<ClientSignature, "digest" | "dataForm">): Uint8Array {
  const hex = s.digest.replace(/^0x/, "");
  return s.dataForm === "raw" ? fromHex(hex) : new Uint8Array(Buffer.from(hex, "latin1"));
}

/** The corrupted twin's bytes. */
export function twinSignature(s: Pick<ClientSignature, "signature">, twin: Twin): Uint8Array {
  const b = fromHex(s.signature);
  b[twin[1]] ^= twin[2];
  return b;
}
