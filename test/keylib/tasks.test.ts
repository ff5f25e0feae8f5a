import { expect } from "chai";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import * as openpgp from "openpgp";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { KeyRegistry } from "../../typechain-types";
import { TaskError } from "../../src/tasks-util";
import { deployVerifier } from "../../src/deploy/verifier";
import { deploymentPath, writeDeployment } from "../../src/deployments";
import { readKeyFile, type KeyRequest, type RegisteredKey } from "../../src/keys";
import type { GenerateResult, SignRequestResult, TxResult } from "../../tasks/key";
import { browserOpenpgp, makeKey, tamperSelfSignature } from "./fixtures";

const { ethers, upgrades } = hre;
const PASSPHRASE = "task test passphrase";

/** Runs a task with console.log captured; returns its result and the printed lines. */
async function run<T>(name: string, args: Record<string, unknown>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    const result = (await hre.run(name, args)) as T;
    return { result, lines };
  } finally {
    console.log = log;
  }
}

/** Expects the task to fail with a TaskError matching `message`, without sending any transaction from `account`. */
async function expectRefused(
  name: string,
  args: Record<string, unknown>,
  message: RegExp,
  account: HardhatEthersSigner,
): Promise<void> {
  const before = await ethers.provider.getTransactionCount(account.address);
  try {
    await run(name, args);
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(TaskError);
    expect((e as Error).message).to.match(message);
    expect(await ethers.provider.getTransactionCount(account.address)).to.equal(before);
    return;
  }
  expect.fail(`${name} accepted ${JSON.stringify(args)}`);
}

async function deployRegistry(admin: HardhatEthersSigner): Promise<KeyRegistry> {
  const factory = await ethers.getContractFactory("KeyRegistry");
  const { address: verifier } = await deployVerifier(hre, admin);
  const proxy = await upgrades.deployProxy(factory, [admin.address, admin.address], {
    kind: "uups",
    constructorArgs: [verifier],
  });
  await proxy.waitForDeployment();
  return proxy as unknown as KeyRegistry;
}

describe("keys: key:* tasks on the Hardhat network", () => {
  let dir: string;
  let signers: HardhatEthersSigner[];
  let alice: HardhatEthersSigner; // registers herself
  let bob: HardhatEthersSigner; // registers through a relayer
  let relayer: HardhatEthersSigner;
  let registry: KeyRegistry;
  let registryAddress: string;
  let aliceKey: GenerateResult;
  const savedEnv = process.env.PUSH_KEY_PASSPHRASE;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "keytasks-"));
    signers = await ethers.getSigners();
    [, alice, bob, relayer] = signers;
    registry = await deployRegistry(signers[0]);
    registryAddress = await registry.getAddress();
    process.env.PUSH_KEY_PASSPHRASE = PASSPHRASE;
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
    if (savedEnv === undefined) delete process.env.PUSH_KEY_PASSPHRASE;
    else process.env.PUSH_KEY_PASSPHRASE = savedEnv;
  });

  it("key:generate writes an encrypted key file bound to the wallet and prints keyHash, fingerprint, algorithm", async () => {
    const out = path.join(dir, "alice.json");
    const { result, lines } = await run<GenerateResult>("key:generate", { address: alice.address, out });
    aliceKey = result;
    expect(result.algorithm).to.equal(19);
    expect(result.userID).to.equal(`eip155:31337:${alice.address}`);
    const file = await readKeyFile(out);
    expect(file.keyHash).to.equal(result.keyHash);
    expect(file.address).to.equal(alice.address);
    expect((await openpgp.readPrivateKey({ armoredKey: file.privateKey })).isDecrypted()).to.equal(false);
    const printed = lines.join("\n");
    expect(printed).to.include(result.keyHash);
    expect(printed).to.include("19 (ECDSA NIST P-256)");
    expect(printed).to.include(result.fingerprint.toUpperCase().slice(0, 4));
  });

  it("key:generate refuses to run without a passphrase, or with a short one", async () => {
    delete process.env.PUSH_KEY_PASSPHRASE;
    try {
      await expectRefused(
        "key:generate",
        { out: path.join(dir, "x.json") },
        /needs? a passphrase|passphrase is needed/,
        alice,
      );
      process.env.PUSH_KEY_PASSPHRASE = "short";
      await expectRefused(
        "key:generate",
        { out: path.join(dir, "x.json") },
        /shorter than 8 characters/,
        alice,
      );
    } finally {
      process.env.PUSH_KEY_PASSPHRASE = PASSPHRASE;
    }
    await expectRefused("key:generate", { out: path.join(dir, "alice.json") }, /already exists/, alice);
  });

  it("key:register adds the caller's key, and key:show lists it with bytes checked against keyHash", async () => {
    const { result } = await run<TxResult>("key:register", {
      key: path.join(dir, "alice.json"),
      from: alice.address,
      registry: registryAddress,
    });
    expect(result.keyHash).to.equal(aliceKey.keyHash);
    const record = await registry.keyOf(alice.address, aliceKey.keyHash);
    expect(record.algorithm).to.equal(19n);
    expect(record.revokedAt).to.equal(0n);
    console.log(
      `      (addKey of a key:generate P-256 key, first key of the address: ${result.gasUsed} gas)`,
    );

    const { result: keys, lines } = await run<RegisteredKey[]>("key:show", {
      address: alice.address,
      registry: registryAddress,
    });
    expect(keys).to.have.length(1);
    const [k] = keys;
    expect(k.keyHash).to.equal(aliceKey.keyHash);
    expect(k.active).to.equal(true);
    expect(k.hashMatches).to.equal(true);
    expect(k.fingerprint).to.equal(aliceKey.fingerprint);
    expect(k.algorithm).to.equal(19);
    expect(k.algorithmName).to.equal("ECDSA NIST P-256");
    expect(k.addedAt).to.equal(Number(record.addedAt));
    expect(k.userIDs).to.deep.equal([`eip155:31337:${alice.address}`]);
    const printed = lines.join("\n");
    expect(printed).to.include("keccak256 matches keyHash");
    expect(printed).to.include("active");
  });

  it("key:register refuses a key the caller already has, before any transaction", async () => {
    await expectRefused(
      "key:register",
      { key: path.join(dir, "alice.json"), from: alice.address, registry: registryAddress },
      /already has key 0x[0-9a-f]{64}, active since/,
      alice,
    );
  });

  it("key:register takes the owner from the key file, or refuses with a sentence when it is not an account", async () => {
    const out = path.join(dir, "owner-from-key.json");
    const owner = signers[5];
    const gen = await run<GenerateResult>("key:generate", { address: owner.address, out });
    expect(gen.lines.join("\n")).to.include(
      `Register it (for ${owner.address}, the wallet in the key) with:`,
    );
    const before = await ethers.provider.getTransactionCount(signers[0].address);
    const { result, lines } = await run<TxResult>("key:register", { key: out, registry: registryAddress });
    expect(result.owner).to.equal(owner.address);
    expect(lines.join("\n")).to.include(`Registering for ${owner.address}:`);
    expect((await registry.keyOf(owner.address, gen.result.keyHash)).revokedAt).to.equal(0n);
    expect(await ethers.provider.getTransactionCount(signers[0].address)).to.equal(before);

    const stranger = ethers.Wallet.createRandom().address;
    const foreign = path.join(dir, "foreign.json");
    await run<GenerateResult>("key:generate", { address: stranger, out: foreign });
    await expectRefused(
      "key:register",
      { key: foreign, registry: registryAddress },
      new RegExp(
        `^The key belongs to ${stranger}, which is not an account configured for "hardhat": send from it with --keystore, or pass --from to register the key for another owner; nothing was sent\\.$`,
      ),
      signers[0],
    );
  });

  it("key:register refuses every bad key class with one sentence, before any transaction", async () => {
    const write = async (name: string, data: string | Uint8Array) => {
      const file = path.join(dir, name);
      await fs.writeFile(file, data);
      return file;
    };
    const past = new Date(Date.now() - 10 * 86_400_000);
    const good = await makeKey();
    const revoked = await openpgp.revokeKey({ key: good.privateKey, format: "object" });
    const browser = await browserOpenpgp();
    const secp256k1 = await browser.generateKey({
      type: "ecc",
      curve: "secp256k1",
      userIDs: [{ name: "x" }],
      format: "binary",
      config: { rejectCurves: new Set() },
    });
    const cases: [string, string | Uint8Array, RegExp][] = [
      ["private.gpg", good.privateKey.write(), /^The input contains private key material/],
      ["plain-private.asc", good.privateKey.armor(), /is not passphrase-encrypted/],
      [
        "expired.asc",
        (await makeKey({ keyExpirationTime: 60, date: past })).publicKey.armor(),
        /^The key expired at /,
      ],
      ["revoked.asc", revoked.publicKey.armor(), /^The key has been revoked by its owner\.$/],
      ["tampered.gpg", tamperSelfSignature(good.publicKey.write(), "value"), /no valid self-signature/],
      [
        "rsa1024.asc",
        (await makeKey({ type: "rsa", rsaBits: 1024, config: { minRSABits: 1024 } })).publicKey.armor(),
        /1024-bit modulus; at least 2048 bits are required/,
      ],
      ["secp256k1.gpg", secp256k1.publicKey, /ECDSA on secp256k1 is not supported/],
      [
        "oversize.asc",
        (
          await makeKey({ userIDs: Array.from({ length: 70 }, (_, i) => ({ name: `user id ${i}` })) })
        ).publicKey.armor(),
        /over the 8,192-byte limit/,
      ],
      ["garbage.bin", new Uint8Array(300).fill(0x42), /^The input is not an OpenPGP public key\.$/],
    ];
    for (const [name, data, message] of cases) {
      const file = await write(name, data);
      await expectRefused(
        "key:register",
        { key: file, from: alice.address, registry: registryAddress },
        message,
        alice,
      );
      await expectRefused(
        "key:sign-request",
        { key: file, from: alice.address, registry: registryAddress },
        message,
        alice,
      );
    }
  });

  describe("relayed registration and revocation", () => {
    let bobKey: GenerateResult;
    let request: SignRequestResult;

    before(async () => {
      ({ result: bobKey } = await run<GenerateResult>("key:generate", {
        address: bob.address,
        out: path.join(dir, "bob.asc"),
      }));
    });

    it("key:sign-request writes the owner's signed AddKey request, and key:relay submits it from another account", async () => {
      ({ result: request } = await run<SignRequestResult>("key:sign-request", {
        key: path.join(dir, "bob.asc"),
        from: bob.address,
        registry: registryAddress,
        out: path.join(dir, "bob-add.json"),
      }));
      const onDisk = JSON.parse(await fs.readFile(request.file, "utf8")) as KeyRequest;
      expect(onDisk).to.include({
        kind: "add",
        owner: bob.address,
        keyHash: bobKey.keyHash,
        nonce: "0",
        chainId: 31337,
        contract: registryAddress,
      });
      expect(onDisk.publicKey).to.match(/^0xc6/);
      expect(onDisk.signature).to.match(/^0x[0-9a-f]{130}$/);

      const bobTxs = await ethers.provider.getTransactionCount(bob.address);
      const { result } = await run<TxResult>("key:relay", {
        request: request.file,
        from: relayer.address,
        registry: registryAddress,
      });
      console.log(`      (addKeyFor, relayed: ${result.gasUsed} gas)`);
      expect(await ethers.provider.getTransactionCount(bob.address)).to.equal(bobTxs); // bob paid nothing
      expect((await registry.keyOf(bob.address, bobKey.keyHash)).addedAt).to.not.equal(0n);
      const { result: keys } = await run<RegisteredKey[]>("key:show", {
        address: bob.address,
        registry: registryAddress,
      });
      expect(keys.map((k) => [k.keyHash, k.active, k.hashMatches, k.fingerprint])).to.deep.equal([
        [bobKey.keyHash, true, true, bobKey.fingerprint],
      ]);
    });

    it("key:relay refuses a replayed request (nonce used), before any transaction", async () => {
      await expectRefused(
        "key:relay",
        { request: request.file, from: relayer.address, registry: registryAddress },
        /nonce 0 was already used or cancelled/,
        relayer,
      );
    });

    it("key:relay refuses requests for another contract or chain, tampered, expired or cancelled", async () => {
      const g = await run<GenerateResult>("key:generate", {
        address: bob.address,
        out: path.join(dir, "bob2.json"),
      });
      const { result: signed } = await run<SignRequestResult>("key:sign-request", {
        key: g.result.file,
        from: bob.address,
        registry: registryAddress,
        validFor: 600,
        out: path.join(dir, "bob2-add.json"),
      });
      const variant = async (name: string, edit: (r: KeyRequest) => void) => {
        const r = JSON.parse(JSON.stringify(signed.request)) as KeyRequest;
        edit(r);
        const file = path.join(dir, name);
        await fs.writeFile(file, JSON.stringify(r));
        return file;
      };
      const args = (file: string, registryAt = registryAddress) => ({
        request: file,
        from: relayer.address,
        registry: registryAt,
      });

      const other = await deployRegistry(signers[0]);
      await expectRefused(
        "key:relay",
        args(signed.file, await other.getAddress()),
        /signed for the KeyRegistry at .*, not the one at/,
        relayer,
      );
      await expectRefused(
        "key:relay",
        args(await variant("chain.json", (r) => (r.chainId = 1))),
        /signed for chain 1, but the connected chain is 31337/,
        relayer,
      );
      await expectRefused(
        "key:relay",
        args(await variant("owner.json", (r) => ((r.owner = alice.address), (r.nonce = "0")))),
        /is not 0x[0-9a-fA-F]{40}'s signature of this AddKey request/,
        relayer,
      );
      await expectRefused(
        "key:relay",
        args(await variant("deadline.json", (r) => (r.deadline += 1))),
        /signature of this AddKey request/,
        relayer,
      );
      await expectRefused(
        "key:relay",
        args(await variant("hash.json", (r) => (r.keyHash = aliceKey.keyHash))),
        /keyHash is not keccak256 of its public key/,
        relayer,
      );
      await expectRefused(
        "key:relay",
        args(await variant("nonce.json", (r) => (r.nonce = "5"))),
        /nonce 5 is ahead of/,
        relayer,
      );

      await time.increase(601);
      await expectRefused("key:relay", args(signed.file), /^The request expired at /, relayer);

      // A fresh request, cancelled by the owner with key:cancel-request before anyone relays it.
      const { result: fresh } = await run<SignRequestResult>("key:sign-request", {
        key: g.result.file,
        from: bob.address,
        registry: registryAddress,
        out: path.join(dir, "bob2-add-again.json"),
      });
      await run("key:cancel-request", { from: bob.address, registry: registryAddress });
      await expectRefused(
        "key:relay",
        args(fresh.file),
        new RegExp(`nonce ${fresh.request.nonce} was already used or cancelled`),
        relayer,
      );
    });

    it("key:sign-request --owner signs for a contract wallet (ERC-1271) that key:relay registers", async () => {
      const wallet = await ethers.deployContract("TestERC1271Wallet", [bob.address]);
      const walletAddress = await wallet.getAddress();
      const g = await run<GenerateResult>("key:generate", {
        address: walletAddress,
        out: path.join(dir, "wallet.json"),
      });
      const sign = (out: string, from = bob.address) =>
        run<SignRequestResult>("key:sign-request", {
          key: g.result.file,
          from,
          owner: walletAddress,
          registry: registryAddress,
          out: path.join(dir, out),
        });
      await expectRefused(
        "key:sign-request",
        {
          key: g.result.file,
          from: relayer.address,
          owner: walletAddress,
          registry: registryAddress,
          out: path.join(dir, "w0.json"),
        },
        /does not accept 0x[0-9a-fA-F]{40}'s signature \(ERC-1271\); no request was written/,
        relayer,
      );
      const { result: signed } = await sign("wallet-add.json");
      expect(signed.request.owner).to.equal(walletAddress);
      await run<TxResult>("key:relay", {
        request: signed.file,
        from: relayer.address,
        registry: registryAddress,
      });
      expect((await registry.keyOf(walletAddress, g.result.keyHash)).addedAt).to.not.equal(0n);
      await expectRefused(
        "key:sign-request",
        { key: g.result.file, owner: alice.address, from: bob.address, registry: registryAddress },
        /has no code: only a contract wallet/,
        bob,
      );
    });

    it("key:sign-request --revoke and key:relay revoke the key for the owner", async () => {
      const { result: signed } = await run<SignRequestResult>("key:sign-request", {
        revoke: true,
        keyHash: bobKey.keyHash,
        from: bob.address,
        registry: registryAddress,
        out: path.join(dir, "bob-revoke.json"),
      });
      expect(signed.request.kind).to.equal("revoke");
      expect(signed.request.publicKey).to.equal(undefined);
      await run<TxResult>("key:relay", {
        request: signed.file,
        from: relayer.address,
        registry: registryAddress,
      });
      const record = await registry.keyOf(bob.address, bobKey.keyHash);
      expect(record.revokedAt).to.not.equal(0n);
      const { result: keys } = await run<RegisteredKey[]>("key:show", {
        address: bob.address,
        registry: registryAddress,
      });
      expect(keys[0].active).to.equal(false);
      expect(keys[0].revokedAt).to.equal(Number(record.revokedAt));
    });
  });

  it("key:revoke revokes the caller's key; revoking again or re-adding it is refused before any transaction", async () => {
    const { result } = await run<TxResult>("key:revoke", {
      key: path.join(dir, "alice.json"),
      from: alice.address,
      registry: registryAddress,
    });
    expect(result.keyHash).to.equal(aliceKey.keyHash);
    expect((await registry.keyOf(alice.address, aliceKey.keyHash)).revokedAt).to.not.equal(0n);
    await expectRefused(
      "key:revoke",
      { keyHash: aliceKey.keyHash, from: alice.address, registry: registryAddress },
      /was already revoked at/,
      alice,
    );
    await expectRefused(
      "key:register",
      { key: path.join(dir, "alice.json"), from: alice.address, registry: registryAddress },
      /a revoked key is never added again by the same owner/,
      alice,
    );
    await expectRefused(
      "key:revoke",
      { keyHash: "0x" + "11".repeat(32), from: alice.address, registry: registryAddress },
      /never added key 0x1111/,
      alice,
    );
    const { lines } = await run("key:show", { address: alice.address, registry: registryAddress });
    expect(lines.join("\n")).to.match(/revoked\n[\s\S]*revoked\s+\d{4}-/);
  });

  it("--from takes an account index, as in every other task: key:register and key:revoke with --from 5", async () => {
    const carol = signers[5];
    const out = path.join(dir, "carol.json");
    const { result: key } = await run<GenerateResult>("key:generate", { address: carol.address, out });
    const { result } = await run<TxResult>("key:register", {
      key: out,
      from: "5",
      registry: registryAddress,
    });
    expect(result.keyHash).to.equal(key.keyHash);
    expect((await registry.keyOf(carol.address, key.keyHash)).algorithm).to.equal(19n);
    await run<TxResult>("key:revoke", { keyHash: key.keyHash, from: "5", registry: registryAddress });
    expect((await registry.keyOf(carol.address, key.keyHash)).revokedAt).to.not.equal(0n);
    await expectRefused(
      "key:register",
      { key: out, from: "999", registry: registryAddress },
      /^--from 999: there are only \d+ accounts/,
      carol,
    );
    await expectRefused(
      "key:register",
      { key: out, from: "carol", registry: registryAddress },
      /^--from "carol" is neither an account index nor an address\.$/,
      carol,
    );
  });

  it("key:sign-request --from 6 signs as account 6, key:relay --from 1 relays", async () => {
    const dave = signers[6];
    const out = path.join(dir, "dave.json");
    const { result: key } = await run<GenerateResult>("key:generate", { address: dave.address, out });
    const request = path.join(dir, "dave-request.json");
    const { result } = await run<SignRequestResult>("key:sign-request", {
      key: out,
      from: "6",
      out: request,
      registry: registryAddress,
    });
    expect(result.file).to.equal(request);
    await run<TxResult>("key:relay", { request, from: "1", registry: registryAddress });
    expect((await registry.keyOf(dave.address, key.keyHash)).algorithm).to.equal(19n);
  });

  it("finds the KeyRegistry through deployments/<network>.json when --registry is not given", async () => {
    const file = deploymentPath("hardhat");
    const previous = await fs.readFile(file, "utf8").catch(() => undefined);
    writeDeployment({
      network: "hardhat",
      chainId: 31337,
      deployBlock: 0,
      deployedAt: new Date().toISOString(),
      deployer: signers[0].address,
      contracts: { KeyRegistry: { address: registryAddress } },
      parameters: {},
    });
    try {
      const { result } = await run<RegisteredKey[]>("key:show", { address: alice.address });
      expect(result.map((k) => k.keyHash)).to.deep.equal([aliceKey.keyHash]);
    } finally {
      if (previous === undefined) await fs.rm(file, { force: true });
      else await fs.writeFile(file, previous);
    }
  });
});
