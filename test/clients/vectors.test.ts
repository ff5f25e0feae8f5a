import { expect } from "chai";
import {
  CLIENT_TOOLS,
  fromHex,
  keyOf,
  loadClientVectors,
  signedData,
  twinSignature,
  verify6,
} from "../../scripts/gen-client-vectors";
import type {
  ClientKey,
  ClientSignature,
  ClientVectorFile,
  SubpacketLayout,
  Tool,
  TwinKind,
} from "../../scripts/gen-client-vectors";

/**
 * The committed real-client vectors (test/fixtures/clients/*.json, made by `npm run vectors:clients`):
 * what openpgp.js 6 said of each signature and of each corrupted twin still holds, every tool / key type /
 * hash / mode combination of issue 12 is present (a regeneration that drops one fails here), and the
 * layout facts the profile relies on (header formats, issuer and back-signature placement) are true.
 */

const files = Object.fromEntries(CLIENT_TOOLS.map((t) => [t, loadClientVectors(t)])) as Record<
  Tool,
  ClientVectorFile
>;
const all = (): { file: ClientVectorFile; s: ClientSignature }[] =>
  CLIENT_TOOLS.flatMap((t) => files[t].signatures.map((s) => ({ file: files[t], s })));
const key = (tool: Tool, id: string): ClientKey => {
  const k = files[tool].keys.find((x) => x.id === id);
  if (!k) expect.fail(`${tool}.json has no key ${id}`);
  return k;
};
const sigsOf = (tool: Tool, keyId: string): ClientSignature[] =>
  files[tool].signatures.filter((s) => s.keyId === keyId);
const has = (l: SubpacketLayout, type: number, critical?: boolean): boolean =>
  l.some(([t, c]) => t === type && (critical === undefined || c === critical));

const MODES = [
  { dataForm: "raw", signatureType: 0x00 },
  { dataForm: "hex", signatureType: 0x00 },
  { dataForm: "hex", signatureType: 0x01 },
] as const;
const HASH_OPTIONS = ["default", "SHA256", "SHA384", "SHA512"] as const;

/** Expects one signature of `keyId` for every hash option and mode, by `signer`. */
function expectMatrix(
  tool: Tool,
  keyId: string,
  signer: "primary" | "subkey",
  hashOptions: readonly string[] = HASH_OPTIONS,
  modes: readonly { dataForm: string; signatureType: number }[] = MODES,
): void {
  const sigs = sigsOf(tool, keyId).filter((s) => s.signer === signer);
  for (const h of hashOptions)
    for (const m of modes) {
      const found = sigs.filter(
        (s) => s.hashOption === h && s.dataForm === m.dataForm && s.signatureType === m.signatureType,
      );
      expect(found.length, `${keyId} ${signer} ${h} ${m.dataForm} type ${m.signatureType}`).to.be.greaterThan(
        0,
      );
    }
}

describe("clients: committed real-tool vectors (test/fixtures/clients)", function () {
  this.timeout(600_000);

  describe("openpgp.js 6 still says what it said", () => {
    for (const tool of CLIENT_TOOLS) {
      it(`${tool}: every signature and every corrupted twin`, async () => {
        const file = files[tool];
        expect(file.signatures.length).to.be.greaterThan(0);
        for (const s of file.signatures) {
          const k = keyOf(file, s);
          const keyBytes = fromHex(k.key);
          const data = signedData(s);
          const date = new Date(s.verifiedAt * 1000);
          const text = s.signatureType === 0x01;
          const v = await verify6(keyBytes, fromHex(s.signature), data, text, date);
          expect(v.valid, `${s.id}: ${v.error}`).to.equal(s.openpgpjs6Valid);
          for (const twin of s.twins) {
            const t = await verify6(keyBytes, twinSignature(s, twin), data, text, date);
            expect(t.valid, `${s.id} twin ${twin[0]}: ${t.error}`).to.equal(twin[3]);
          }
        }
      });
    }

    it("every signature of a key the profile admits is valid, every twin invalid", () => {
      for (const { s } of all()) {
        if (s.refusedByProfile !== null) continue;
        expect(s.openpgpjs6Valid, s.id).to.equal(true);
        for (const twin of s.twins) expect(twin[3], `${s.id} twin ${twin[0]}`).to.equal(false);
      }
    });

    it("each v4 signature has its twins: hashed, unhashed (when not empty), values, left16, headerLength", () => {
      for (const { s } of all()) {
        if (s.version !== 4) continue;
        const kinds: TwinKind[] = [
          "hashed",
          ...(s.unhashed.length > 0 ? (["unhashed"] as const) : []),
          "values",
          "left16",
          "headerLength",
        ];
        expect(
          s.twins.map((t) => t[0]),
          s.id,
        ).to.deep.equal(kinds);
        for (const twin of s.twins) {
          const a = fromHex(s.signature);
          const b = twinSignature(s, twin);
          const diff = a
            .map((x, i) => x ^ b[i])
            .reduce((n, x) => n + (x === 0 ? 0 : x.toString(2).replace(/0/g, "").length), 0);
          expect(diff, `${s.id} twin ${twin[0]}`).to.equal(1);
        }
      }
    });
  });

  describe("every combination of issue 12 is present", () => {
    it("the files: one per tool, with the tool's version and the fixed digests", () => {
      expect(files.gpg.toolVersion).to.match(/^2\.2\./);
      expect(files.sq.toolVersion).to.match(/^0\.27\./);
      expect(files.openpgpjs6.toolVersion).to.match(/^6\./);
      expect(files.openpgpjs5.toolVersion).to.equal("5.11.3");
      for (const tool of CLIENT_TOOLS) {
        expect(files[tool].digests.length).to.equal(8);
        for (const s of files[tool].signatures) expect(files[tool].digests, s.id).to.include(s.digest);
      }
    });

    it("gpg: defaults (RSA-3072 + encryption subkey), nistp256, ed25519, rsa4096, by the primary, 4 hash options x 3 modes", () => {
      const d = key("gpg", "gpg/default");
      expect([d.primary.algorithm, d.primary.size]).to.deep.equal([1, 3072]);
      expect(d.subkeys.map((s) => [s.algorithm, s.size, s.signing])).to.deep.equal([[1, 3072, false]]);
      expect([
        key("gpg", "gpg/nistp256").primary.algorithm,
        key("gpg", "gpg/nistp256").primary.size,
      ]).to.deep.equal([19, "nistp256"]);
      expect([
        key("gpg", "gpg/ed25519").primary.algorithm,
        key("gpg", "gpg/ed25519").primary.size,
      ]).to.deep.equal([22, "ed25519"]);
      expect([
        key("gpg", "gpg/rsa4096").primary.algorithm,
        key("gpg", "gpg/rsa4096").primary.size,
      ]).to.deep.equal([1, 4096]);
      for (const id of ["gpg/default", "gpg/nistp256", "gpg/ed25519", "gpg/rsa4096"])
        expectMatrix("gpg", id, "primary");
    });

    it("gpg: certify-only primaries with ed25519, nistp256 and rsa2048 signing subkeys, signed by the subkey", () => {
      const cases: [string, number, number | string, number, number | string][] = [
        ["gpg/cert-ed25519+sign-ed25519", 22, "ed25519", 22, "ed25519"],
        ["gpg/cert-nistp256+sign-nistp256", 19, "nistp256", 19, "nistp256"],
        ["gpg/cert-rsa2048+sign-rsa2048", 1, 2048, 1, 2048],
        ["gpg/cert-ed25519+sign-nistp256", 22, "ed25519", 19, "nistp256"],
      ];
      for (const [id, pa, ps, sa, ss] of cases) {
        const k = key("gpg", id);
        expect([k.primary.algorithm, k.primary.size, k.primary.keyFlags], id).to.deep.equal([pa, ps, 0x01]);
        const signing = k.subkeys.filter((s) => s.signing);
        expect(
          signing.map((s) => [s.algorithm, s.size]),
          id,
        ).to.deep.equal([[sa, ss]]);
        expectMatrix("gpg", id, "subkey");
        expect(
          sigsOf("gpg", id).every((s) => s.signerFingerprint === signing[0].fingerprint),
          id,
        ).to.equal(true);
      }
      // A signing primary with a signing subkey: both sign.
      expectMatrix("gpg", "gpg/nistp256+sign-nistp256", "primary");
      expectMatrix("gpg", "gpg/nistp256+sign-nistp256", "subkey");
    });

    it("gpg: --digest-algo is obeyed; the defaults are SHA-512 for RSA and SHA-256 for ECC", () => {
      for (const s of files.gpg.signatures) {
        if (s.hashOption !== "default") expect(s.hash, s.id).to.equal(s.hashOption);
        else expect(s.hash, s.id).to.equal(s.publicKeyAlgorithm === 1 ? "SHA512" : "SHA256");
      }
    });

    it("gpg: old-format headers in exported keys and in signatures", () => {
      for (const k of files.gpg.keys) expect(k.headerFormat, k.id).to.equal("old");
      for (const s of files.gpg.signatures) expect(s.headerFormat, s.id).to.equal("old");
    });

    it("gpg: section 3's command (-u the key's fingerprint or e-mail) signs with the primary or the signing subkey", () => {
      for (const k of files.gpg.keys) {
        const s = sigsOf("gpg", k.id).filter((x) => x.command.startsWith("KEY="));
        expect(
          s.map((x) => /^KEY=[^;]*@example\.org;/.test(x.command)),
          k.id,
        ).to.deep.equal([false, true]);
        for (const x of s) {
          expect(x.command).to.contain(
            `printf %s "$DIGEST" > digest.txt && gpg --detach-sign -u "$KEY" digest.txt`,
          );
          expect([x.signatureType, x.dataForm, x.openpgpjs6Valid]).to.deep.equal([0, "hex", true]);
          expect(x.signer, k.id).to.equal(k.subkeys.some((y) => y.signing) ? "subkey" : "primary");
        }
        // -u an e-mail address: gpg adds the signer's user ID (28) to the hashed area, not critical.
        expect([has(s[0].hashed, 28), has(s[1].hashed, 28, false)], k.id).to.deep.equal([false, true]);
      }
    });

    it("sq: defaults (cv25519), rsa3k, rsa4k; detached armored and --binary, over raw and hex, by the signing subkey", () => {
      const suites: [string, number, number | string][] = [
        ["sq/default", 22, "ed25519"],
        ["sq/rsa3k", 1, 3072],
        ["sq/rsa4k", 1, 4096],
      ];
      for (const [id, alg, size] of suites) {
        const k = key("sq", id);
        expect([k.primary.algorithm, k.primary.size, k.primary.keyFlags, k.headerFormat], id).to.deep.equal([
          alg,
          size,
          0x01,
          "new",
        ]);
        const signing = k.subkeys.filter((s) => s.signing);
        expect(
          signing.map((s) => [s.algorithm, s.size]),
          id,
        ).to.deep.equal([[alg, size]]);
        for (const dataForm of ["raw", "hex"])
          for (const armored of [true, false]) {
            const s = sigsOf("sq", id).filter((x) => x.dataForm === dataForm && x.armored === armored);
            expect(s.length, `${id} ${dataForm} armored=${armored}`).to.equal(1);
            expect([s[0].signer, s[0].signatureType, s[0].hash, s[0].headerFormat]).to.deep.equal([
              "subkey",
              0,
              "SHA512",
              "new",
            ]);
          }
      }
    });

    it("sq: the sizes of its default keys (the RSA ones are over 4 KiB and within the 8 KiB cap)", () => {
      const size = (id: string): number => key("sq", id).size;
      expect(size("sq/default")).to.be.within(1000, 2000);
      expect(size("sq/rsa3k")).to.be.within(4700, 4800).and.greaterThan(4096);
      expect(size("sq/rsa4k")).to.be.within(5980, 6100).and.at.most(8192);
      for (const k of files.sq.keys) expect(fromHex(k.key).length, k.id).to.equal(k.size);
    });

    it("openpgp.js 6: defaults (EdDSA legacy), rsa 2048/3072/4096, nistP256, curve25519 (Ed25519, 27), 4 hash options x 3 modes", () => {
      const cases: [string, number, number | string][] = [
        ["openpgpjs6/default", 22, "ed25519"],
        ["openpgpjs6/rsa2048", 1, 2048],
        ["openpgpjs6/rsa3072", 1, 3072],
        ["openpgpjs6/rsa4096", 1, 4096],
        ["openpgpjs6/nistp256", 19, "nistp256"],
        ["openpgpjs6/curve25519", 27, "ed25519"],
      ];
      for (const [id, alg, size] of cases) {
        const k = key("openpgpjs6", id);
        expect([k.primary.version, k.primary.algorithm, k.primary.size, k.headerFormat], id).to.deep.equal([
          4,
          alg,
          size,
          "new",
        ]);
        expectMatrix("openpgpjs6", id, "primary");
      }
      for (const id of [
        "openpgpjs6/rsa2048-prefers-sha384",
        "openpgpjs6/nistp256-prefers-sha384",
        "openpgpjs6/curve25519-prefers-sha384",
      ]) {
        expectMatrix("openpgpjs6", id, "primary", ["SHA384"]);
        for (const s of sigsOf("openpgpjs6", id)) expect(s.hash, s.id).to.equal("SHA384");
      }
      expectMatrix("openpgpjs6", "openpgpjs6/nistp256+sign-subkey", "subkey");
      expectMatrix("openpgpjs6", "openpgpjs6/nistp256+sign-subkey", "primary", ["default"]);
      // Every profile hash with both signature types, over every profile algorithm openpgp.js 6 makes.
      for (const alg of [1, 19, 22, 27])
        for (const hash of alg === 22 ? ["SHA512"] : ["SHA256", "SHA384", "SHA512"])
          for (const type of [0, 1]) {
            const found = files.openpgpjs6.signatures.some(
              (s) =>
                s.publicKeyAlgorithm === alg &&
                s.hash === hash &&
                s.signatureType === type &&
                s.version === 4,
            );
            expect(found, `alg ${alg} ${hash} type ${type}`).to.equal(true);
          }
    });

    it("openpgp.js 6: a v6 key and its v6 signatures, valid for openpgp.js, recorded as refused by the profile", () => {
      const k = key("openpgpjs6", "openpgpjs6/v6-curve25519");
      expect([k.primary.version, k.primary.algorithm]).to.deep.equal([6, 27]);
      expect(k.refusedByProfile).to.match(/v6/);
      const sigs = sigsOf("openpgpjs6", k.id);
      expect(sigs.length).to.be.greaterThan(0);
      for (const s of sigs)
        expect([s.version, s.openpgpjs6Valid, s.refusedByProfile !== null]).to.deep.equal([6, true, true]);
      const v4 = files.openpgpjs6.keys.filter((x) => x.id !== k.id);
      for (const x of v4) expect([x.primary.version, x.refusedByProfile], x.id).to.deep.equal([4, null]);
    });

    it("openpgp.js 5 (the Push SDK's): its RSA-2048 key with an empty user ID and the text-mode SHA-256 signature over the hex", () => {
      const sdk = key("openpgpjs5", "openpgpjs5/push-sdk-rsa2048");
      expect([sdk.primary.algorithm, sdk.primary.size]).to.deep.equal([1, 2048]);
      expect(sdk.commands[0]).to.contain("userIDs: [{name: '', email: ''}]");
      const pgpv3 = sigsOf("openpgpjs5", sdk.id).filter(
        (s) => s.hashOption === "default" && s.signatureType === 0x01,
      );
      expect(
        pgpv3.map((s) => [s.dataForm, s.hash, s.publicKeyAlgorithm, s.version, s.openpgpjs6Valid]),
      ).to.deep.equal([["hex", "SHA256", 1, 4, true]]);
      for (const id of ["openpgpjs5/push-sdk-rsa2048", "openpgpjs5/default"])
        expectMatrix("openpgpjs5", id, "primary");
      // The SDK's own PGPHelper: the same key type and the same signature, made by its code.
      const helper = key("openpgpjs5", "openpgpjs5/push-sdk-helper");
      expect([helper.primary.algorithm, helper.primary.size]).to.deep.equal([1, 2048]);
      const helperSigs = sigsOf("openpgpjs5", helper.id);
      expect(helperSigs.length).to.equal(2);
      for (const s of helperSigs)
        expect([
          s.signatureType,
          s.dataForm,
          s.hash,
          s.publicKeyAlgorithm,
          s.armored,
          s.openpgpjs6Valid,
        ]).to.deep.equal([1, "hex", "SHA256", 1, true, true]);
      expect(key("openpgpjs5", "openpgpjs5/default").primary.algorithm).to.equal(22);
      for (const hash of ["SHA256", "SHA384", "SHA512"])
        expect(
          sigsOf("openpgpjs5", sdk.id).some((s) => s.hash === hash && s.signatureType === 1),
          hash,
        ).to.equal(true);
    });
  });

  describe("layout facts the profile relies on", () => {
    it("issuer subpackets: gpg puts the key ID unhashed and the fingerprint hashed; sq and openpgp.js put both hashed", () => {
      for (const { file, s } of all()) {
        if (s.version !== 4) continue;
        expect(has(s.hashed, 2), `${s.id} creation time hashed`).to.equal(true);
        if (file.tool === "gpg") {
          expect([has(s.unhashed, 16), has(s.hashed, 33, false), has(s.hashed, 16)], s.id).to.deep.equal([
            true,
            true,
            false,
          ]);
        } else {
          expect([has(s.hashed, 16), has(s.hashed, 33, false), s.unhashed.length], s.id).to.deep.equal([
            true,
            true,
            0,
          ]);
        }
      }
    });

    it("critical subpackets in detached signatures: only creation time (2) and, for openpgp.js 5, issuer key ID (16)", () => {
      for (const { file, s } of all()) {
        if (s.version !== 4) continue;
        const critical = [...s.hashed, ...s.unhashed].filter(([, c]) => c).map(([t]) => t);
        const expected = file.tool === "gpg" ? [] : file.tool === "openpgpjs5" ? [2, 16] : [2];
        expect(critical, s.id).to.deep.equal(expected);
      }
    });

    it("subkey bindings: the back signature is unhashed for gpg, hashed and critical for sq and openpgp.js 6", () => {
      for (const tool of CLIENT_TOOLS) {
        for (const k of files[tool].keys) {
          for (const b of k.bindings) {
            const sub = k.subkeys.find((s) => s.fingerprint === b.subkeyFingerprint);
            expect(sub, k.id).to.not.equal(undefined);
            if (!sub?.signing) {
              expect(b.backSignature, `${k.id}: no back signature on a non-signing subkey`).to.equal(null);
              continue;
            }
            expect(b.backSignature, k.id).to.not.equal(null);
            expect(b.backSignature?.publicKeyAlgorithm, k.id).to.equal(sub.algorithm);
            if (tool === "gpg") {
              expect(
                [b.backSignature?.area, has(b.unhashed, 32, false), has(b.hashed, 27, false)],
                k.id,
              ).to.deep.equal(["unhashed", true, true]);
            } else {
              expect(
                [b.backSignature?.area, has(b.hashed, 32, true), has(b.hashed, 27, true)],
                k.id,
              ).to.deep.equal(["hashed", true, true]);
            }
          }
        }
      }
    });
  });
});
