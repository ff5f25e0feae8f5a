import { expect } from "chai";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getBytes, keccak256 } from "ethers";
import { checkKeyProfile, decodeKeyInput, validatePublicKey } from "../../src/keys";
import { NotASignatureError, readDetachedSignature, verifyDigestSignature } from "../../src/message";

// Keys and signatures made by GnuPG 2.2 and Sequoia sq 0.27 on this machine with their defaults, signing
// the digest's 64 hex characters as docs/client-profile.md section 3 says: the key profile admits the
// keys as exported (old-format headers, certify-only primary with a signing subkey) and the signature
// profile admits the signatures, binary and armored (de-armored as msg:send --signature does).

const digest = getBytes(keccak256("0x5151"));
const hex = Buffer.from(digest).toString("hex");

describe("signatures made by GnuPG and Sequoia with their defaults", function () {
  let dir: string;
  let digestFile: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgp-tools-"));
    fs.chmodSync(dir, 0o700);
    digestFile = path.join(dir, "digest.txt");
    fs.writeFileSync(digestFile, hex);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const gpg = (...args: string[]) =>
    execFileSync(
      "gpg",
      ["--homedir", dir, "--batch", "--yes", "--passphrase", "", "--pinentry-mode", "loopback", ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );

  for (const [algo, usage] of [
    ["default", "default"],
    ["nistp256", "sign"],
    ["ed25519", "sign"],
  ]) {
    it(`gpg --quick-gen-key ${algo}: the exported key and its detached signatures (binary, armored, text mode)`, async () => {
      const uid = `${algo}@example.org`;
      gpg("--quick-gen-key", uid, algo, usage, "never");
      const key = new Uint8Array(gpg("--export", uid));
      expect(key[0] & 0xc0).to.equal(0x80); // old-format header, as gpg writes
      const profile = checkKeyProfile(key);
      expect(profile.signingKeys.length).to.be.greaterThan(0);
      await validatePublicKey(key);
      for (const extra of [[], ["--armor"], ["--textmode"]]) {
        const out = path.join(dir, `sig-${algo}-${extra.join("")}`);
        gpg("-u", uid, "--detach-sign", ...extra, "-o", out, digestFile);
        const sig = await readDetachedSignature(new Uint8Array(fs.readFileSync(out)), out);
        const v = await verifyDigestSignature(digest, sig, key);
        if (!v.ok) expect.fail(`${extra.join(" ")}: ${v.stage} ${v.reason}`);
        expect(v.form).to.equal("hex");
        expect(v.signature.signatureType).to.equal(extra[0] === "--textmode" ? 1 : 0);
        const other = await verifyDigestSignature(getBytes(keccak256("0x52")), sig, key);
        expect(other.ok).to.equal(false);
      }
    });
  }

  it("sq key generate (defaults: certify-only EdDSA primary, signing subkey) and sq sign --detached", async () => {
    try {
      execFileSync("sq", ["--version"], { stdio: "ignore" });
    } catch {
      throw new Error(
        "sq (Sequoia) is not installed: run scripts/install-sq.sh (it runs apt-get install -y sq as root), then this test again.",
      );
    }
    const secret = path.join(dir, "sq-key.pgp");
    execFileSync("sq", ["key", "generate", "--userid", "<sq@example.org>", "--export", secret], {
      stdio: "pipe",
    });
    const cert = execFileSync("sq", ["key", "extract-cert", secret], { stdio: ["ignore", "pipe", "pipe"] });
    const key = await decodeKeyInput(cert.toString("utf8"));
    const profile = checkKeyProfile(key);
    expect(profile.signingKeys.map((k) => k.subkey)).to.deep.equal([false, true]);
    expect(profile.algorithm).to.equal(22);
    const v6 = await validatePublicKey(key);
    expect(v6.signingSubkeys.length).to.equal(1);
    const armored = execFileSync("sq", ["sign", "--detached", "--signer-key", secret, digestFile], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const sig = await readDetachedSignature(new Uint8Array(armored), "digest.txt.asc");
    const v = await verifyDigestSignature(digest, sig, key);
    if (!v.ok) expect.fail(`${v.stage} ${v.reason}`);
    expect([v.signer.subkey, v.signature.hashAlgorithm, v.form]).to.deep.equal([true, 10, "hex"]);
  });

  it("readDetachedSignature: one sentence for a file that is not a signature", async () => {
    for (const bytes of [
      new TextEncoder().encode("hello"),
      new TextEncoder().encode(
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxsBNBGV=\n-----END PGP PUBLIC KEY BLOCK-----\n",
      ),
      Uint8Array.of(0xc6, 0x01, 0x04),
      new Uint8Array(),
    ]) {
      let err: unknown;
      await readDetachedSignature(bytes, "x.sig").catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(NotASignatureError);
      expect((err as Error).message).to.match(/^x\.sig is not an OpenPGP detached signature [^\n]*\.$/);
    }
  });
});
