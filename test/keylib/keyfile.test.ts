import { expect } from "chai";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as openpgp from "openpgp";
import {
  KeyFileError,
  decryptKeyFile,
  generateWalletKey,
  readKeyFile,
  writeKeyFile,
  type GeneratedWalletKey,
} from "../../src/keys";
import { ADDRESS, CHECKSUMMED } from "./fixtures";

async function expectFileError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(KeyFileError);
    expect((e as KeyFileError).code).to.equal(code);
    expect((e as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected KeyFileError ${code}`);
}

describe("keys: private key files", () => {
  const PASS = "a long passphrase";
  let dir: string;
  let key: GeneratedWalletKey;
  let plain: GeneratedWalletKey;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "keylib-"));
    key = await generateWalletKey({ address: ADDRESS, chainId: 31337, passphrase: PASS });
    plain = await generateWalletKey({ address: ADDRESS, chainId: 31337 });
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("writes a JSON key file (mode 0600) and reads it back", async () => {
    const file = path.join(dir, "nested", "alice.json");
    const written = await writeKeyFile(file, key.privateKey, { address: ADDRESS, chainId: 31337 });
    expect(written.keyHash).to.equal(key.keyHash);
    expect((await fs.stat(file)).mode & 0o777).to.equal(0o600);
    const doc = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>;
    expect(doc).to.include({
      type: "push-openpgp-private-key",
      version: 1,
      address: CHECKSUMMED,
      chainId: 31337,
      keyHash: key.keyHash,
      fingerprint: key.fingerprint,
      algorithm: 19,
    });
    const read = await readKeyFile(file);
    expect(read.format).to.equal("json");
    expect(read.keyHash).to.equal(key.keyHash);
    expect(read.address).to.equal(CHECKSUMMED);
    expect(read.chainId).to.equal(31337);
    expect(Buffer.from(read.publicKey).equals(Buffer.from(key.publicKey))).to.equal(true);
  });

  it("writes an armored key file for .asc and reads it back", async () => {
    const file = path.join(dir, "alice.asc");
    await writeKeyFile(file, key.privateKey);
    const text = await fs.readFile(file, "utf8");
    expect(text.startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----")).to.equal(true);
    const read = await readKeyFile(file);
    expect(read.format).to.equal("armored");
    expect(read.keyHash).to.equal(key.keyHash);
    expect(read.userIDs).to.deep.equal([key.userID]);
  });

  it("decrypts with the passphrase and refuses a wrong one with a clear error", async () => {
    const file = path.join(dir, "decrypt.json");
    await writeKeyFile(file, key.privateKey);
    const privateKey = await decryptKeyFile(file, PASS);
    expect(privateKey.isDecrypted()).to.equal(true);
    expect(privateKey.getFingerprint()).to.equal(key.fingerprint);
    await expectFileError(
      decryptKeyFile(file, "not it"),
      "WRONG_PASSPHRASE",
      new RegExp(
        `^The passphrase does not decrypt the private key in ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\.$`,
      ),
    );
  });

  it("refuses to write an unencrypted private key", async () => {
    const file = path.join(dir, "plain.json");
    await expectFileError(
      writeKeyFile(file, plain.privateKey),
      "UNENCRYPTED_PRIVATE_KEY",
      /not passphrase-encrypted/,
    );
    expect(
      await fs.access(file).then(
        () => true,
        () => false,
      ),
    ).to.equal(false);
    // Also when only a subkey is left unencrypted.
    const mixed = await openpgp.readPrivateKey({ armoredKey: plain.privateKey });
    await (mixed.keyPacket as openpgp.SecretKeyPacket).encrypt("x", openpgp.config);
    await expectFileError(
      writeKeyFile(file, mixed.armor()),
      "UNENCRYPTED_PRIVATE_KEY",
      /not passphrase-encrypted/,
    );
  });

  it("refuses to read an unencrypted private key file written by other tools", async () => {
    const file = path.join(dir, "other.asc");
    await fs.writeFile(file, plain.privateKey);
    await expectFileError(readKeyFile(file), "UNENCRYPTED_PRIVATE_KEY", /not passphrase-encrypted/);
  });

  it("refuses to overwrite an existing file unless asked", async () => {
    const file = path.join(dir, "once.json");
    await writeKeyFile(file, key.privateKey);
    await expectFileError(writeKeyFile(file, key.privateKey), "FILE_EXISTS", /already exists/);
    await writeKeyFile(file, key.privateKey, { overwrite: true });
  });

  it("reports missing, garbage and inconsistent files", async () => {
    await expectFileError(readKeyFile(path.join(dir, "missing.json")), "FILE_NOT_FOUND", /^No key file at /);
    const garbage = path.join(dir, "garbage.json");
    await fs.writeFile(garbage, "hello");
    await expectFileError(
      readKeyFile(garbage),
      "BAD_KEY_FILE",
      /neither a JSON key file nor an armored private key/,
    );
    await fs.writeFile(garbage, "{ not json");
    await expectFileError(readKeyFile(garbage), "BAD_KEY_FILE", /not valid JSON/);
    await fs.writeFile(garbage, JSON.stringify({ type: "something else" }));
    await expectFileError(readKeyFile(garbage), "BAD_KEY_FILE", /is not a push-openpgp-private-key file/);
    const file = path.join(dir, "edited.json");
    await writeKeyFile(file, key.privateKey);
    const doc = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>;
    doc.keyHash = plain.keyHash;
    await fs.writeFile(file, JSON.stringify(doc));
    await expectFileError(
      readKeyFile(file),
      "BAD_KEY_FILE",
      /keyHash recorded in .* does not match its private key/,
    );
  });
});
