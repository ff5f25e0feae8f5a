// KeyRegistry: additions and revocations relayed with the owner's EIP-712 signature (EOA and ERC-1271),
// nonces, deadlines and replay protection.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer, TypedDataDomain } from "ethers";
import type { KeyRegistry, TestERC1271Wallet } from "../../typechain-types";
import {
  ALG,
  FAR_DEADLINE,
  deployRegistry,
  domainOf,
  generate,
  keyHashOf,
  requestDigest,
  signRequest,
} from "./helpers";
import type { Request } from "./helpers";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("KeyRegistry: relayed requests", () => {
  let p256: Uint8Array;
  let ed25519: Uint8Array;
  let other: Uint8Array;

  before(async () => {
    p256 = (await generate("p256")).publicKey;
    ed25519 = (await generate("ed25519")).publicKey;
    other = (await generate("p256")).publicKey;
  });

  interface Ctx {
    registry: KeyRegistry;
    domain: TypedDataDomain;
    relayer: Signer;
    alice: Signer;
    bob: Signer;
    a: string;
    b: string;
  }

  async function setup(): Promise<Ctx> {
    const d = await loadFixture(deployRegistry);
    const [alice, bob] = d.users;
    return {
      registry: d.registry,
      domain: await domainOf(d.registry),
      relayer: d.relayer,
      alice,
      bob,
      a: await alice.getAddress(),
      b: await bob.getAddress(),
    };
  }

  function addRequest(owner: string, key: Uint8Array, nonce = 0n, deadline = FAR_DEADLINE): Request {
    return { kind: "AddKey", owner, keyHash: keyHashOf(key), nonce, deadline };
  }

  it("addKeyFor: any account relays the owner's signature; the key is the owner's", async () => {
    const { registry, domain, relayer, alice, a } = await setup();
    const sig = await signRequest(alice, domain, addRequest(a, p256));
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, sig))
      .to.emit(registry, "KeyAdded")
      .withArgs(a, keyHashOf(p256), ALG.ECDSA, ethers.hexlify(p256));
    expect(await registry.nonces(a)).to.equal(1n);
    expect(await registry.nonces(await relayer.getAddress())).to.equal(0n);
    expect(await registry.keyCount(await relayer.getAddress())).to.equal(0n);
    expect(await registry.isActiveAt(a, keyHashOf(p256), await time.latest())).to.equal(true);
  });

  it("revokeKeyFor: revokes with the owner's signature and the next nonce", async () => {
    const { registry, domain, relayer, alice, a } = await setup();
    await registry.connect(alice).addKey(p256);
    const req: Request = {
      kind: "RevokeKey",
      owner: a,
      keyHash: keyHashOf(p256),
      nonce: 0n,
      deadline: FAR_DEADLINE,
    };
    const sig = await signRequest(alice, domain, req);
    await expect(registry.connect(relayer).revokeKeyFor(a, req.keyHash, req.deadline, sig))
      .to.emit(registry, "KeyRevoked")
      .withArgs(a, req.keyHash);
    expect(await registry.nonces(a)).to.equal(1n);
    expect((await registry.keyOf(a, req.keyHash)).revokedAt).to.equal(BigInt(await time.latest()));
  });

  it("a signature is good up to and including its deadline, then KeyRegistryExpiredSignature", async () => {
    const { registry, domain, relayer, alice, bob, a, b } = await setup();
    const deadline = BigInt(await time.latest()) + 100n;
    const sigA = await signRequest(alice, domain, addRequest(a, p256, 0n, deadline));
    const sigB = await signRequest(bob, domain, addRequest(b, p256, 0n, deadline));
    await time.setNextBlockTimestamp(deadline);
    await expect(registry.connect(relayer).addKeyFor(a, p256, deadline, sigA)).to.emit(registry, "KeyAdded");
    await expect(registry.connect(relayer).addKeyFor(b, p256, deadline, sigB))
      .to.be.revertedWithCustomError(registry, "KeyRegistryExpiredSignature")
      .withArgs(deadline);
    const revoke: Request = { kind: "RevokeKey", owner: a, keyHash: keyHashOf(p256), nonce: 1n, deadline };
    await expect(
      registry
        .connect(relayer)
        .revokeKeyFor(a, revoke.keyHash, deadline, await signRequest(alice, domain, revoke)),
    )
      .to.be.revertedWithCustomError(registry, "KeyRegistryExpiredSignature")
      .withArgs(deadline);
  });

  it("wrong signer, another key, another deadline or the other request type: KeyRegistryInvalidSignature", async () => {
    const { registry, domain, relayer, alice, bob, a } = await setup();
    const bySomeoneElse = await signRequest(bob, domain, addRequest(a, p256));
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, bySomeoneElse))
      .to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature")
      .withArgs(a);
    const good = await signRequest(alice, domain, addRequest(a, p256));
    await expect(
      registry.connect(relayer).addKeyFor(a, other, FAR_DEADLINE, good),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
    await expect(
      registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE - 1n, good),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
    // an AddKey signature does not revoke, nor the reverse
    await registry.connect(alice).addKey(ed25519);
    const addEd = await signRequest(alice, domain, addRequest(a, ed25519));
    await expect(
      registry.connect(relayer).revokeKeyFor(a, keyHashOf(ed25519), FAR_DEADLINE, addEd),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
    // the good one still works: failed attempts consumed nothing
    expect(await registry.nonces(a)).to.equal(0n);
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, good)).to.emit(
      registry,
      "KeyAdded",
    );
  });

  it("malformed signatures: KeyRegistryInvalidSignature", async () => {
    const { registry, domain, relayer, alice, a } = await setup();
    const good = ethers.getBytes(await signRequest(alice, domain, addRequest(a, p256)));
    for (const bad of ["0x", good.slice(0, 64), ethers.concat([good, "0x00"]), ethers.randomBytes(65)]) {
      await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, bad))
        .to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature")
        .withArgs(a);
    }
    // the zero address has no signature at all
    await expect(
      registry.connect(relayer).addKeyFor(ethers.ZeroAddress, p256, FAR_DEADLINE, good),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
  });

  it("a malleated signature (s -> n - s) that ecrecover accepts is refused", async () => {
    const { registry, domain, relayer, alice, a } = await setup();
    const req = addRequest(a, p256);
    const sig = ethers.Signature.from(await signRequest(alice, domain, req));
    const highS = ethers.toBeHex(SECP256K1_N - BigInt(sig.s), 32);
    const v = sig.v === 27 ? 28 : 27;
    // the precompile itself recovers alice from the malleated form: only the low-s rule stops it
    const digest = requestDigest(domain, req);
    const recovered = await ethers.provider.call({
      to: "0x0000000000000000000000000000000000000001",
      data: ethers.concat([digest, ethers.toBeHex(v, 32), sig.r, highS]),
    });
    expect(ethers.getAddress(ethers.dataSlice(recovered, 12))).to.equal(a);
    const malleated = ethers.concat([sig.r, highS, Uint8Array.of(v)]);
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, malleated))
      .to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature")
      .withArgs(a);
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, sig.serialized)).to.emit(
      registry,
      "KeyAdded",
    );
  });

  it("a used signature cannot be replayed; nonces go up by one per use", async () => {
    const { registry, domain, relayer, alice, a } = await setup();
    const sig = await signRequest(alice, domain, addRequest(a, p256));
    await registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, sig);
    const revoke: Request = {
      kind: "RevokeKey",
      owner: a,
      keyHash: keyHashOf(p256),
      nonce: 1n,
      deadline: FAR_DEADLINE,
    };
    const revokeSig = await signRequest(alice, domain, revoke);
    await registry.connect(relayer).revokeKeyFor(a, revoke.keyHash, FAR_DEADLINE, revokeSig);
    expect(await registry.nonces(a)).to.equal(2n);
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, sig))
      .to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature")
      .withArgs(a);
    await expect(
      registry.connect(relayer).revokeKeyFor(a, revoke.keyHash, FAR_DEADLINE, revokeSig),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
    expect(await registry.nonces(a)).to.equal(2n);
  });

  it("useNonce cancels the next nonce: its signature fails, the following nonce works", async () => {
    const { registry, domain, relayer, alice, a } = await setup();
    const sig0 = await signRequest(alice, domain, addRequest(a, p256, 0n));
    expect(await registry.connect(alice).useNonce.staticCall()).to.equal(0n);
    await expect(registry.connect(alice).useNonce()).to.emit(registry, "NonceCancelled").withArgs(a, 0n);
    expect(await registry.nonces(a)).to.equal(1n);
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, sig0))
      .to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature")
      .withArgs(a);
    const sig1 = await signRequest(alice, domain, addRequest(a, p256, 1n));
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, sig1)).to.emit(
      registry,
      "KeyAdded",
    );
    expect(await registry.nonces(a)).to.equal(2n);
  });

  it("a valid signature for a key the owner revoked still reverts with the key's error, keeping the nonce", async () => {
    const { registry, domain, relayer, alice, a } = await setup();
    await registry.connect(alice).addKey(p256);
    await registry.connect(alice).revokeKey(keyHashOf(p256));
    const sig = await signRequest(alice, domain, addRequest(a, p256));
    await expect(registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, sig))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyRevoked")
      .withArgs(a, keyHashOf(p256));
    const revoke: Request = {
      kind: "RevokeKey",
      owner: a,
      keyHash: keyHashOf(other),
      nonce: 0n,
      deadline: FAR_DEADLINE,
    };
    await expect(
      registry
        .connect(relayer)
        .revokeKeyFor(a, revoke.keyHash, FAR_DEADLINE, await signRequest(alice, domain, revoke)),
    )
      .to.be.revertedWithCustomError(registry, "KeyRegistryUnknownKey")
      .withArgs(a, revoke.keyHash);
    expect(await registry.nonces(a)).to.equal(0n);
  });

  it("a signature for another chain or another registry does not verify here", async () => {
    const { registry, domain, relayer, alice, a } = await setup();
    const otherChain = await signRequest(alice, { ...domain, chainId: 1n }, addRequest(a, p256));
    await expect(
      registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, otherChain),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
    // a second deployment on the same chain: its signatures are not this registry's
    const second = await deployRegistry();
    const forSecond = await signRequest(alice, await domainOf(second.registry), addRequest(a, p256));
    await expect(
      registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, forSecond),
    ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
    await expect(second.registry.connect(relayer).addKeyFor(a, p256, FAR_DEADLINE, forSecond)).to.emit(
      second.registry,
      "KeyAdded",
    );
    // other domain names or versions do not verify either
    for (const d of [
      { ...domain, name: "Push Chat" },
      { ...domain, version: "2" },
    ]) {
      await expect(
        registry
          .connect(relayer)
          .addKeyFor(a, p256, FAR_DEADLINE, await signRequest(alice, d, addRequest(a, p256))),
      ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
    }
  });

  it("eip712Domain reports the signing domain", async () => {
    const { registry, domain } = await setup();
    const d = await registry.eip712Domain();
    expect([d.name, d.version, d.chainId, d.verifyingContract]).to.deep.equal([
      domain.name,
      domain.version,
      domain.chainId,
      domain.verifyingContract,
    ]);
    expect(await registry.ADD_KEY_TYPEHASH()).to.equal(
      ethers.id("AddKey(address owner,bytes32 keyHash,uint256 nonce,uint256 deadline)"),
    );
    expect(await registry.REVOKE_KEY_TYPEHASH()).to.equal(
      ethers.id("RevokeKey(address owner,bytes32 keyHash,uint256 nonce,uint256 deadline)"),
    );
  });

  describe("ERC-1271 wallets", () => {
    async function withWallet(): Promise<Ctx & { wallet: TestERC1271Wallet; w: string }> {
      const ctx = await setup();
      const wallet = await ethers.deployContract("TestERC1271Wallet", [ctx.a]);
      return { ...ctx, wallet, w: await wallet.getAddress() };
    }

    it("a wallet's key is added and revoked by a relayer with the wallet's ERC-1271 approval", async () => {
      const { registry, domain, relayer, alice, w } = await withWallet();
      const sig = await signRequest(alice, domain, addRequest(w, p256));
      await expect(registry.connect(relayer).addKeyFor(w, p256, FAR_DEADLINE, sig))
        .to.emit(registry, "KeyAdded")
        .withArgs(w, keyHashOf(p256), ALG.ECDSA, ethers.hexlify(p256));
      const revoke: Request = {
        kind: "RevokeKey",
        owner: w,
        keyHash: keyHashOf(p256),
        nonce: 1n,
        deadline: FAR_DEADLINE,
      };
      await expect(
        registry
          .connect(relayer)
          .revokeKeyFor(w, revoke.keyHash, FAR_DEADLINE, await signRequest(alice, domain, revoke)),
      )
        .to.emit(registry, "KeyRevoked")
        .withArgs(w, revoke.keyHash);
      expect(await registry.nonces(w)).to.equal(2n);
    });

    it("a wallet that rejects the signature: KeyRegistryInvalidSignature", async () => {
      const { registry, domain, relayer, alice, bob, wallet, w } = await withWallet();
      const sig = await signRequest(alice, domain, addRequest(w, p256));
      await wallet.connect(alice).setAccepting(false);
      await expect(registry.connect(relayer).addKeyFor(w, p256, FAR_DEADLINE, sig))
        .to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature")
        .withArgs(w);
      await wallet.connect(alice).setAccepting(true);
      // someone who is not the wallet's signer
      const byBob = await signRequest(bob, domain, addRequest(w, p256));
      await expect(
        registry.connect(relayer).addKeyFor(w, p256, FAR_DEADLINE, byBob),
      ).to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature");
      await expect(registry.connect(relayer).addKeyFor(w, p256, FAR_DEADLINE, sig)).to.emit(
        registry,
        "KeyAdded",
      );
    });

    it("a contract without ERC-1271 cannot be an owner by signature", async () => {
      const { registry, domain, relayer, alice } = await withWallet();
      const notAWallet = await registry.getAddress();
      const sig = await signRequest(alice, domain, addRequest(notAWallet, p256));
      await expect(registry.connect(relayer).addKeyFor(notAWallet, p256, FAR_DEADLINE, sig))
        .to.be.revertedWithCustomError(registry, "KeyRegistryInvalidSignature")
        .withArgs(notAWallet);
    });

    it("a wallet may also call addKey and revokeKey itself", async () => {
      const { registry, alice, wallet, w } = await withWallet();
      const target = await registry.getAddress();
      await wallet.connect(alice).execute(target, registry.interface.encodeFunctionData("addKey", [p256]));
      expect((await registry.keyOf(w, keyHashOf(p256))).algorithm).to.equal(ALG.ECDSA);
      await wallet
        .connect(alice)
        .execute(target, registry.interface.encodeFunctionData("revokeKey", [keyHashOf(p256)]));
      expect(await registry.activeKeyCount(w)).to.equal(0n);
    });
  });
});
