// Crafting helpers for key-profile tests: RSA keys of any size and exponent (node:crypto or a random
// modulus), packets with any header form, secret packets inserted at any position.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { ethers } from "hardhat";

export const concat = (...parts: Uint8Array[]): Uint8Array => ethers.getBytes(ethers.concat(parts));

/** Big-endian bytes of `v` (no leading zero). */
export function bigBytes(v: bigint): Uint8Array {
  let h = v.toString(16);
  if (h.length % 2) h = "0" + h;
  return ethers.getBytes("0x" + h);
}

/** An OpenPGP MPI: 2-byte bit count of `value` (leading zero bytes dropped) then the bytes. */
export function mpi(value: Uint8Array): Uint8Array {
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i++;
  const v = value.subarray(i);
  const bits = v[0] === 0 ? 0 : (v.length - 1) * 8 + (32 - Math.clz32(v[0]));
  return concat(Uint8Array.of(bits >> 8, bits & 0xff), v);
}

export type HeaderForm = "minimal" | "five" | "old" | "partial";

/** A packet with tag `tag` and body `body`, its header in `form` (old format: 2-octet length type 1). */
export function packet(tag: number, body: Uint8Array, form: HeaderForm = "minimal"): Uint8Array {
  const len = body.length;
  let header: Uint8Array;
  if (form === "old") {
    header = Uint8Array.of(0x80 | (tag << 2) | 1, len >> 8, len & 0xff);
  } else if (form === "five") {
    header = Uint8Array.of(0xc0 | tag, 0xff, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  } else if (form === "partial") {
    header = Uint8Array.of(0xc0 | tag, 0xe0); // a 1-byte partial chunk: refused before it is read
  } else if (len < 192) {
    header = Uint8Array.of(0xc0 | tag, len);
  } else {
    header = Uint8Array.of(0xc0 | tag, ((len - 192) >> 8) + 192, (len - 192) & 0xff);
  }
  return concat(header, body);
}

const CREATED = Uint8Array.of(0x67, 0x73, 0x34, 0x00); // 2024-12-31

/** Body of a v4 RSA public key packet with modulus `n` and exponent `e` (MPIs minimal unless given raw). */
export function rsaBody(n: Uint8Array, e: Uint8Array | bigint): Uint8Array {
  const eMpi = typeof e === "bigint" ? mpi(bigBytes(e)) : e;
  return concat(Uint8Array.of(4), CREATED, Uint8Array.of(1), mpi(n), eMpi);
}

/** The packets that follow a primary key in these tests: a user ID and a (dummy, unchecked) signature. */
export function tail(): Uint8Array[] {
  return [
    packet(13, ethers.toUtf8Bytes("eip155:31337:0x0000000000000000000000000000000000000001")),
    packet(2, ethers.getBytes("0x0413010800060502677334000000" + "00".repeat(20))),
  ];
}

/** A transferable public key: the primary key packet with `body`, then a user ID and a signature. */
export function keyWithBody(body: Uint8Array, form: HeaderForm = "minimal"): Uint8Array {
  return concat(packet(6, body, form), ...tail());
}

const rsaCache = new Map<string, Uint8Array>();

/** The modulus of a real RSA key from node:crypto, exactly `bits` bits (may be odd: 2047, 4097). Cached. */
export function cryptoModulus(bits: number, publicExponent = 65537): Uint8Array {
  const id = `${bits}/${publicExponent}`;
  let n = rsaCache.get(id);
  // OpenSSL may return a modulus one bit short of an odd `modulusLength`: retry until it is exact.
  for (let attempt = 0; n === undefined && attempt < 8; attempt++) {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent });
    const jwk = publicKey.export({ format: "jwk" });
    const candidate = new Uint8Array(Buffer.from(jwk.n as string, "base64url"));
    if ((candidate.length - 1) * 8 + (32 - Math.clz32(candidate[0])) === bits) n = candidate;
  }
  if (n === undefined) throw new Error(`node:crypto made no ${bits}-bit modulus in 8 attempts`);
  rsaCache.set(id, n);
  return n;
}

/** A random odd number of exactly `bits` bits: a stand-in modulus for sizes too slow to generate (8200). */
export function randomModulus(bits: number): Uint8Array {
  const n = new Uint8Array(randomBytes((bits + 7) >> 3));
  const top = bits - ((n.length - 1) << 3);
  n[0] = (n[0] & ((1 << top) - 1)) | (1 << (top - 1));
  n[n.length - 1] |= 1;
  return n;
}

/** The packets of `key` (new-format headers only), as [offset, end) pairs. */
export function packetBounds(key: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let p = 0; p < key.length;) {
    const a = key[p + 1];
    let end: number;
    if (a < 192) end = p + 2 + a;
    else if (a < 224) end = p + 3 + ((a - 192) << 8) + key[p + 2] + 192;
    else end = p + 6 + ((key[p + 2] << 24) | (key[p + 3] << 16) | (key[p + 4] << 8) | key[p + 5]);
    out.push([p, end]);
    p = end;
  }
  return out;
}

/** `key` with `extra` inserted at every packet boundary after the first packet (and at the end). */
export function insertedEverywhere(
  key: Uint8Array,
  extra: Uint8Array,
): Array<{ at: number; bytes: Uint8Array }> {
  return packetBounds(key).map(([, end]) => ({
    at: end,
    bytes: concat(key.subarray(0, end), extra, key.subarray(end)),
  }));
}
