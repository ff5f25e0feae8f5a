import { expect } from "chai";
import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { KeyRegistry } from "../../typechain-types";
import { deployVerifier } from "../../src/deploy/verifier";
import {
  KeyRequestError,
  KeyStateError,
  checkCanAdd,
  checkCanRevoke,
  fetchKeys,
  generateWalletKey,
  keyRegistryDomain,
  keyRequestDigest,
  parseKeyRequest,
  signKeyRequest,
  verifyKeyRequestSignature,
  type KeyRequest,
} from "../../src/keys";
import { makeKey } from "./fixtures";

const { ethers, upgrades } = hre;
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("keys: KeyRegistry client (src/keys/registry.ts)", () => {
  let owner: HardhatEthersSigner;
  let other: HardhatEthersSigner;
  let registry: KeyRegistry;
  let contract: string;
  let chainId: bigint;
  let publicKey: Uint8Array;

  before(async () => {
    const signers = await ethers.getSigners();
    [, owner, other] = signers;
    const factory = await ethers.getContractFactory("KeyRegistry");
    const { address: verifier } = await deployVerifier(hre, signers[0]);
    registry = (await upgrades.deployProxy(factory, [signers[0].address, signers[0].address], {
      kind: "uups",
      constructorArgs: [verifier],
    })) as unknown as KeyRegistry;
    contract = await registry.getAddress();
    chainId = (await ethers.provider.getNetwork()).chainId;
    publicKey = (await generateWalletKey({ address: owner.address, chainId })).publicKey;
  });

  async function deadline(inSeconds = 3600): Promise<bigint> {
    return BigInt((await ethers.provider.getBlock("latest"))!.timestamp + inSeconds);
  }

  it("uses the contract's EIP-712 domain", async () => {
    const d = await registry.eip712Domain();
    const ours = keyRegistryDomain(chainId, contract);
    expect([d.name, d.version, d.chainId, d.verifyingContract]).to.deep.equal([
      ours.name,
      ours.version,
      ours.chainId,
      ours.verifyingContract,
    ]);
  });

  it("signs requests the contract accepts, and verifies them locally", async () => {
    const req = await signKeyRequest(owner, {
      kind: "add",
      chainId,
      contract,
      publicKey,
      nonce: await registry.nonces(owner.address),
      deadline: await deadline(),
    });
    expect(await verifyKeyRequestSignature(req, ethers.provider)).to.equal(true);
    expect(ethers.recoverAddress(keyRequestDigest(req), req.signature)).to.equal(owner.address);
    await registry.connect(other).addKeyFor.staticCall(req.owner, publicKey, req.deadline, req.signature);
  });

  it("refuses locally what the contract refuses: other signer, other fields, malleable signature", async () => {
    const req = await signKeyRequest(owner, {
      kind: "add",
      chainId,
      contract,
      publicKey,
      nonce: await registry.nonces(owner.address),
      deadline: await deadline(),
    });
    const sig = ethers.Signature.from(req.signature);
    // The same signature with s -> n - s (and v flipped) recovers the same address but is malleable.
    const highS = ethers.concat([
      sig.r,
      ethers.toBeHex(N - BigInt(sig.s), 32),
      sig.v === 27 ? "0x1c" : "0x1b",
    ]);
    expect(BigInt(sig.s) <= HALF_N).to.equal(true);
    const variants: KeyRequest[] = [
      { ...req, signature: highS },
      { ...req, owner: other.address },
      { ...req, deadline: req.deadline + 1 },
      { ...req, nonce: "1" },
      { ...req, chainId: 1 },
      { ...req, kind: "revoke" },
      { ...req, signature: req.signature.slice(0, 130) },
    ];
    for (const v of variants) {
      expect(await verifyKeyRequestSignature(v, ethers.provider), JSON.stringify(v)).to.equal(false);
    }
    await expect(
      registry.connect(other).addKeyFor.staticCall(req.owner, publicKey, req.deadline, highS),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
  });

  it("verifies a contract wallet's request through ERC-1271, as the contract does", async () => {
    const wallet = await ethers.deployContract("TestERC1271Wallet", [owner.address]);
    const walletAddress = await wallet.getAddress();
    const { publicKey: bytes } = await generateWalletKey({ address: walletAddress, chainId });
    const req = await signKeyRequest(owner, {
      kind: "add",
      owner: walletAddress,
      chainId,
      contract,
      publicKey: bytes,
      nonce: await registry.nonces(walletAddress),
      deadline: await deadline(),
    });
    expect(req.owner).to.equal(walletAddress);
    expect(await verifyKeyRequestSignature(req, ethers.provider)).to.equal(true);
    await registry.connect(other).addKeyFor.staticCall(walletAddress, bytes, req.deadline, req.signature);
    // Signed by someone the wallet does not accept.
    const stranger = await signKeyRequest(other, {
      ...req,
      kind: "add",
      publicKey: bytes,
      nonce: 0n,
      owner: walletAddress,
    });
    expect(await verifyKeyRequestSignature(stranger, ethers.provider)).to.equal(false);
    // The wallet stops accepting its signer's signatures.
    await wallet.connect(owner).setAccepting(false);
    expect(await verifyKeyRequestSignature(req, ethers.provider)).to.equal(false);
    await expect(
      registry.connect(other).addKeyFor.staticCall(walletAddress, bytes, req.deadline, req.signature),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
  });

  it("parseKeyRequest names what is wrong with a request file", async () => {
    const req = await signKeyRequest(owner, {
      kind: "add",
      chainId,
      contract,
      publicKey,
      nonce: 0n,
      deadline: await deadline(),
    });
    expect(parseKeyRequest(JSON.stringify(req))).to.deep.equal({ ...req, publicKey: req.publicKey });
    const cases: [unknown, RegExp][] = [
      ["{", /not valid JSON/],
      [{ ...req, type: "x" }, /no "type": "push-key-request"/],
      [{ ...req, kind: "update" }, /"kind" other than/],
      [{ ...req, chainId: "1" }, /no valid chainId/],
      [{ ...req, owner: "0x12" }, /no valid owner address/],
      [{ ...req, nonce: 1 }, /no valid nonce/],
      [{ ...req, deadline: -1 }, /no valid deadline/],
      [{ ...req, publicKey: undefined }, /no public key/],
    ];
    for (const [input, message] of cases) {
      expect(() => parseKeyRequest(typeof input === "string" ? input : JSON.stringify(input))).to.throw(
        KeyRequestError,
        message,
      );
    }
    const other = (await makeKey()).publicKey.write();
    expect(() => parseKeyRequest({ ...req, publicKey: ethers.hexlify(other) }))
      .to.throw(KeyRequestError, /keyHash is not keccak256 of its public key/)
      .with.property("code", "KEY_HASH_MISMATCH");
  });

  it("fetchKeys pages through keysOf and joins the KeyAdded events; keys without their event are flagged", async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { publicKey: bytes, keyHash } = await generateWalletKey({ address: other.address, chainId });
      await registry.connect(other).addKey(bytes);
      hashes.push(keyHash);
    }
    await registry.connect(other).revokeKey(hashes[1]);
    const keys = await fetchKeys(registry, other.address, { pageSize: 2 });
    expect(keys.map((k) => [k.keyHash, k.active, k.hashMatches, k.algorithm])).to.deep.equal([
      [hashes[0], true, true, 19],
      [hashes[1], false, true, 19],
      [hashes[2], true, true, 19],
    ]);
    expect(keys.every((k) => k.fingerprint?.length === 40)).to.equal(true);
    const late = await fetchKeys(registry, other.address, {
      fromBlock: (await ethers.provider.getBlockNumber()) + 1,
    });
    expect(late.map((k) => [k.publicKey, k.hashMatches])).to.deep.equal([
      [undefined, false],
      [undefined, false],
      [undefined, false],
    ]);
  });

  it("checkCanAdd and checkCanRevoke predict the contract's refusals", async () => {
    const [, , , many] = await ethers.getSigners();
    const max = Number(await registry.MAX_ACTIVE_KEYS());
    let last = "";
    for (let i = 0; i < max; i++) {
      const k = await generateWalletKey({ address: many.address, chainId });
      await checkCanAdd(registry, many.address, k.keyHash);
      await registry.connect(many).addKey(k.publicKey);
      last = k.keyHash;
    }
    const extra = await generateWalletKey({ address: many.address, chainId });
    const refused = async (p: Promise<void>, code: string) => {
      await p.then(
        () => expect.fail(`expected ${code}`),
        (e: unknown) => {
          expect(e).to.be.instanceOf(KeyStateError);
          expect((e as KeyStateError).code).to.equal(code);
        },
      );
    };
    await refused(checkCanAdd(registry, many.address, extra.keyHash), "TOO_MANY_KEYS");
    await expect(registry.connect(many).addKey(extra.publicKey)).to.be.revertedWithCustomError(
      registry,
      "KeyRegistryTooManyKeys",
    );
    await refused(checkCanAdd(registry, many.address, last), "ALREADY_ACTIVE");
    await registry.connect(many).revokeKey(last);
    await refused(checkCanAdd(registry, many.address, last), "REVOKED_BEFORE");
    await refused(checkCanRevoke(registry, many.address, last), "ALREADY_REVOKED");
    await refused(checkCanRevoke(registry, many.address, extra.keyHash), "UNKNOWN_KEY");
    await checkCanAdd(registry, many.address, extra.keyHash); // a slot is free again
  });
});
