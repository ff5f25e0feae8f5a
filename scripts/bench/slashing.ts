// Gas of fault proofs, quorum reports, disputes and governance slashes, from receipts on the Hardhat network
// (default hardfork), through the proxies, against the real staking layer and key registry.
// Each proof hits a fresh Active node (so the slash also jails it and updates the active stake), with keys and
// signatures as clients make them (the committed vector keys; openpgp.js signatures with the salt notation).
// The main keys are sent by a watcher that has reported before and not yet claimed (its reward balance in the
// vault is non-zero); the `.firstReward` keys by an account credited for the first time, which costs the
// vault a new storage slot (about 17,000 gas more).
// Every proof is the reveal of a commitment (commit-reveal): the commit (`commitProof`, measured once) is mined
// in its own block, one more block is mined, and the figure of each prove* key is the reveal alone.
import { AbiCoder, MaxUint256, Wallet, getBytes, hexlify, keccak256, randomBytes } from "ethers";
import type { ContractTransactionResponse, Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import * as openpgp from "openpgp";
import { deployStaking } from "../../src/deploy/staking";
import { deploySlashing } from "../../src/deploy/slashing";
import {
  ContentType,
  Encryption,
  ZERO_BYTES32,
  contentHashOf,
  messageDigest,
  signAttestation,
  signDigest,
  signatureHashOf,
} from "../../src/message";
import type { Attestation, Message } from "../../src/message";
import { signerConsent } from "../../src/testing/consent";
import { courtDomain, packSignatures, planDispute, signReport } from "../../src/slashing/court";
import type { CourtReport } from "../../src/slashing/court";
import type { KeyRegistry } from "../../typechain-types";
import { deployVerifier } from "../../src/deploy/verifier";
import keysJson from "../../test/vectors/keys.json";

type KeyName = keyof typeof keysJson.keys;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

export default async function bench(hre: HardhatRuntimeEnvironment): Promise<Record<string, number>> {
  const { ethers, upgrades } = hre;
  const signers = await ethers.getSigners();
  const [governor, guardian, treasury, operator, alice, bob] = signers;
  const reporters = signers.slice(7);
  let nextReporter = 0;
  const freshReporter = (): Signer => reporters[nextReporter++];
  const watcher = signers[6];

  const staking = await deployStaking(hre, {
    governor: governor.address,
    guardian: guardian.address,
    shortTimeBounds: false,
  });
  const { address: verifier } = await deployVerifier(hre, governor);
  const keys = (await upgrades.deployProxy(
    await ethers.getContractFactory("KeyRegistry"),
    [governor.address, guardian.address],
    { kind: "uups", constructorArgs: [verifier] },
  )) as unknown as KeyRegistry;
  const { slashing, court } = await deploySlashing(hre, {
    registry: await staking.registry.getAddress(),
    keyRegistry: await keys.getAddress(),
    verifier,
    governor: governor.address,
    guardian: guardian.address,
    treasury: treasury.address,
    shortTimeBounds: false,
    deployer: governor,
    grantSlasherRole: true,
  });
  const { token, registry } = staking;
  await token.mint(operator.address, 100_000_000n * 10n ** 18n);
  await token.connect(operator).approve(await staking.vault.getAddress(), MaxUint256);
  await token.mint(bob.address, 10_000n * 10n ** 18n);
  await token.connect(bob).approve(await court.getAddress(), MaxUint256);

  const { chainId } = await ethers.provider.getNetwork();
  const domain = { chainId, verifyingContract: await slashing.getAddress() };
  const minStake = await registry.minStake(0);

  const registerNode = async (stake = minStake): Promise<Wallet> => {
    const node = new Wallet(Wallet.createRandom().privateKey);
    await registry
      .connect(operator)
      .registerNode(
        node.address,
        0,
        "https://node.push.example.org",
        stake,
        await signerConsent(registry, node, operator, chainId),
      );
    return node;
  };
  const vectorKey = async (name: KeyName) => {
    const k = keysJson.keys[name];
    return {
      publicKey: getBytes(k.publicKey),
      keyHash: k.keyHash,
      privateKey: await openpgp.readPrivateKey({ armoredKey: k.privateKeyArmored }),
    };
  };
  const now = async (): Promise<bigint> => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const message = async (key: { keyHash: string }, fields: Partial<Message> = {}): Promise<Message> => {
    const content = new TextEncoder().encode("gm, this is a chat message of typical length for the bench");
    return {
      version: 1,
      from: alice.address,
      to: bob.address,
      timestamp: await now(),
      contentType: ContentType.Text,
      encryption: Encryption.Plaintext,
      contentHash: contentHashOf(content),
      contentSize: content.length,
      senderKey: key.keyHash,
      recipientKey: ZERO_BYTES32,
      previous: ZERO_BYTES32,
      ...fields,
    };
  };
  const attest = async (node: Wallet, m: Message, signature: Uint8Array, sequence = 1n) => {
    const a: Attestation = {
      digest: messageDigest(m),
      signatureHash: signatureHashOf(signature),
      signatureSize: signature.length,
      sequence,
      attestedAt: m.timestamp,
    };
    const signed = await signAttestation(node, a, domain);
    return { a, nodeSignature: signed.signature };
  };
  const signed = async (name: KeyName, corrupt: boolean) => {
    const key = await vectorKey(name);
    const m = await message(key);
    const sig = await signDigest(messageDigest(m), key.privateKey, {
      date: new Date((keysJson.keyCreated + 60) * 1000),
    });
    if (corrupt) sig[sig.length - 1] ^= 0x01;
    return { key, m, sig };
  };

  const out: Record<string, number> = {};
  const coder = AbiCoder.defaultAbiCoder();
  const messageOffence = (node: Wallet, a: Attestation): string =>
    keccak256(coder.encode(["address", "bytes32"], [node.address, a.digest]));
  // Commits to `offenceId` for `reporter` (sent by `reporter`), mines one more block, returns the claim.
  const claimOf = async (reporter: Signer, offenceId: string) => {
    const claim = { reporter: await reporter.getAddress(), salt: hexlify(randomBytes(32)) };
    const commitment = keccak256(
      coder.encode(["address", "bytes32", "bytes32"], [claim.reporter, claim.salt, offenceId]),
    );
    const gas = await gasOf(slashing.connect(reporter).commitProof(commitment));
    if (out.commitProof === undefined) out.commitProof = gas;
    await ethers.provider.send("evm_mine", []);
    return claim;
  };
  // Measures `send` twice on fresh nodes: as the watcher (main key) and as a first-time reporter.
  const both = async (label: string, send: (reporter: Signer) => Promise<number>): Promise<void> => {
    out[label] = await send(watcher);
    out[`${label}.firstReward`] = await send(freshReporter());
  };
  {
    // the watcher's first proof, not measured: from now on its reward balance is non-zero
    const node = await registerNode();
    const m = await message(await vectorKey("p256"), { version: 2 });
    const { a, nodeSignature } = await attest(node, m, new Uint8Array([0xc2]));
    await slashing
      .connect(watcher)
      .proveMalformed(m, a, nodeSignature, await claimOf(watcher, messageOffence(node, a)));
  }

  await both("proveMalformed", async (r) => {
    const node = await registerNode();
    const m = await message(await vectorKey("p256"), { contentSize: 100_000 });
    const { a, nodeSignature } = await attest(node, m, new Uint8Array([0xc2]));
    return gasOf(
      slashing.connect(r).proveMalformed(m, a, nodeSignature, await claimOf(r, messageOffence(node, a))),
    );
  });
  await both("proveUnauthorizedSender", async (r) => {
    const node = await registerNode();
    const m = await message(await vectorKey("p256"));
    const { a, nodeSignature } = await attest(node, m, new Uint8Array([0xc2]));
    return gasOf(
      slashing
        .connect(r)
        .proveUnauthorizedSender(m, a, nodeSignature, await claimOf(r, messageOffence(node, a))),
    );
  });
  {
    // the sender's key exists but was revoked long ago: the key record is read in full
    const key = await vectorKey("p256");
    await keys.connect(alice).addKey(key.publicKey);
    await keys.connect(alice).revokeKey(key.keyHash);
    await ethers.provider.send("evm_increaseTime", [86_400]);
    await ethers.provider.send("evm_mine", []);
    const node = await registerNode();
    const m = await message(key);
    const { a, nodeSignature } = await attest(node, m, new Uint8Array([0xc2]));
    out["proveUnauthorizedSender.revokedKey"] = await gasOf(
      slashing
        .connect(watcher)
        .proveUnauthorizedSender(m, a, nodeSignature, await claimOf(watcher, messageOffence(node, a))),
    );
  }
  await both("proveWrongEncryption", async (r) => {
    const node = await registerNode();
    const m = await message(await vectorKey("p256"), {
      encryption: Encryption.PGP,
      recipientKey: ethers.id("x"),
    });
    const { a, nodeSignature } = await attest(node, m, new Uint8Array([0xc2]));
    return gasOf(
      slashing
        .connect(r)
        .proveWrongEncryption(m, a, nodeSignature, ZERO_BYTES32, await claimOf(r, messageOffence(node, a))),
    );
  });
  for (const [name, label] of [
    ["p256", "proveBadSignatureP256"],
    ["rsa2048", "proveBadSignatureRsa2048"],
    ["rsa3072", "proveBadSignatureRsa3072"],
  ] as const) {
    await both(label, async (r) => {
      const node = await registerNode();
      const { key, m, sig } = await signed(name, true);
      const { a, nodeSignature } = await attest(node, m, sig);
      return gasOf(
        slashing
          .connect(r)
          .proveBadSignature(
            m,
            a,
            nodeSignature,
            sig,
            key.publicKey,
            await claimOf(r, messageOffence(node, a)),
          ),
      );
    });
  }
  {
    // A signature whose arithmetic holds but names another key as issuer: the costliest BAD_SIGNATURE path
    // (the SHA-1 fingerprint of the primary key is computed).
    const node = await registerNode();
    const { craftSignature, issuerFingerprintSubpacket, creationTimeSubpacket } =
      await import("../../src/message");
    const key = await vectorKey("rsa2048");
    const m = await message(key);
    const sig = craftSignature(getBytes(messageDigest(m)), key.privateKey, {
      created: keysJson.keyCreated + 60,
      hashedSubpackets: [
        creationTimeSubpacket(keysJson.keyCreated + 60),
        issuerFingerprintSubpacket(new Uint8Array(20)),
      ],
    });
    const { a, nodeSignature } = await attest(node, m, sig);
    out["proveBadSignatureRsa2048.issuerMismatch"] = await gasOf(
      slashing
        .connect(watcher)
        .proveBadSignature(
          m,
          a,
          nodeSignature,
          sig,
          key.publicKey,
          await claimOf(watcher, messageOffence(node, a)),
        ),
    );
  }
  {
    // Issue 12's client profile: SHA-512 (gpg's and sq's default for RSA), Ed25519 (verified in Solidity) and a
    // signature by a P-256 signing subkey (found by its issuer fingerprint). Crafted like the client tools
    // write them, the last byte flipped (the arithmetic runs and fails).
    const { craftSignature, issuerFingerprintSubpacket, issuerKeyIdSubpacket, creationTimeSubpacket } =
      await import("../../src/message");
    const created = keysJson.keyCreated + 60;
    const cases: [
      string,
      KeyName,
      (d: Uint8Array, k: Awaited<ReturnType<typeof vectorKey>>) => Uint8Array,
    ][] = [
      [
        "proveBadSignatureRsa2048Sha512",
        "rsa2048",
        (d, k) => {
          const kp = k.privateKey.keyPacket;
          return craftSignature(d, k.privateKey, {
            hashAlgorithm: 10,
            created,
            hashedSubpackets: [
              creationTimeSubpacket(created),
              issuerFingerprintSubpacket(kp.getFingerprintBytes()!),
            ],
            unhashedSubpackets: [issuerKeyIdSubpacket("0x" + kp.getKeyID().toHex())],
          });
        },
      ],
      ["proveBadSignatureEd25519", "ed25519", (d, k) => craftSignature(d, k.privateKey, { created })],
      [
        "proveBadSignatureSubkeyP256",
        "p256Subkey",
        (d, k) => craftSignature(d, k.privateKey, { subkeyIndex: 1, created }),
      ],
    ];
    for (const [label, name, sign] of cases) {
      await both(label, async (r) => {
        const node = await registerNode();
        const key = await vectorKey(name);
        const m = await message(key);
        const sig = sign(getBytes(messageDigest(m)), key);
        sig[sig.length - 1] ^= 0x01;
        const { a, nodeSignature } = await attest(node, m, sig);
        return gasOf(
          slashing
            .connect(r)
            .proveBadSignature(
              m,
              a,
              nodeSignature,
              sig,
              key.publicKey,
              await claimOf(r, messageOffence(node, a)),
            ),
        );
      });
    }
  }
  await both("proveEquivocation", async (r) => {
    const node = await registerNode();
    const key = await vectorKey("p256");
    const m1 = await message(key);
    const m2 = await message(key, { to: operator.address });
    const x = await attest(node, m1, new Uint8Array([0xc2]), 5n);
    const y = await attest(node, m2, new Uint8Array([0xc2]), 5n);
    const offenceId = keccak256(coder.encode(["uint8", "address", "uint64"], [5, node.address, 5n]));
    const claim = await claimOf(r, offenceId);
    return gasOf(slashing.connect(r).proveEquivocation(x.a, x.nodeSignature, y.a, y.nodeSignature, claim));
  });

  // Quorum reports against storage nodes: signed by 3 of 4 validators (equal stake), and by 667 of 1,000
  // (the fewest that reach 2/3 of 1,000 equal validators). Signers count only stake older than the fault
  // window, so the validators age first. The report names its reporter; the watcher sends it.
  {
    const courtDomainOf = courtDomain(chainId, await court.getAddress());
    const storageNode = async (): Promise<string> => {
      const accused = new Wallet(Wallet.createRandom().privateKey);
      await registry
        .connect(operator)
        .registerNode(
          accused.address,
          1,
          "https://storage.example.org",
          minStake,
          await signerConsent(registry, accused, operator, chainId),
        );
      return accused.address;
    };
    const reportOf = async (node: string): Promise<CourtReport> => ({
      node,
      faultCode: 6,
      evidenceHash: ethers.id("offline from block 100 to 200"),
      reportedAt: await now(),
      reporter: watcher.address,
    });
    const age = async () => {
      await ethers.provider.send("evm_increaseTime", [15 * 86_400]);
      await ethers.provider.send("evm_mine", []);
    };
    const snapshot = (await ethers.provider.send("evm_snapshot", [])) as string;
    const validators: Wallet[] = [];
    for (let i = 0; i < 4; i++) validators.push(await registerNode(minStake * 10n));
    const accused = await storageNode();
    await age();
    const report = await reportOf(accused);
    const sigs = await signReport(courtDomainOf, report, validators.slice(0, 3));
    out["submitReport.3signers"] = await gasOf(
      court.connect(watcher).submitReport(report, packSignatures(sigs)),
    );
    await ethers.provider.send("evm_revert", [snapshot]);

    if (!process.env.BENCH_SKIP_1000) {
      const snapshot2 = (await ethers.provider.send("evm_snapshot", [])) as string;
      await token.mint(operator.address, 1_000n * minStake);
      const many: Wallet[] = [];
      for (let i = 0; i < 1_000; i++) many.push(await registerNode());
      const accused2 = await storageNode();
      await age();
      const report2 = await reportOf(accused2);
      const sigs2 = await signReport(courtDomainOf, report2, many);
      out["submitReport.667signers"] = await gasOf(
        court.connect(watcher).submitReport(report2, packSignatures(sigs2.slice(0, 667))),
      );
      await ethers.provider.send("evm_revert", [snapshot2]);
    }
  }

  // Disputes (commit, then open in a later block) and governance slash.
  {
    const node = await registerNode();
    const evidence = ethers.toUtf8Bytes(
      "ed25519 signature of envelope bafy... does not verify; see attached",
    );
    const plan = planDispute(bob.address, node.address, 4, await now(), evidence, ethers.id("message"));
    out["commitDispute"] = await gasOf(court.connect(bob).commitDispute(plan.commitment));
    out["openDispute"] = await gasOf(
      court.connect(bob).openDispute(plan.node, 4, plan.occurredAt, plan.digest, evidence, plan.salt),
    );
    out["acceptDispute"] = await gasOf(court.connect(governor).acceptDispute(await court.disputeCount()));
    const node2 = await registerNode();
    const plan2 = planDispute(bob.address, node2.address, 6, await now(), ethers.toUtf8Bytes("offline"));
    await court.connect(bob).commitDispute(plan2.commitment);
    await court
      .connect(bob)
      .openDispute(plan2.node, 6, plan2.occurredAt, plan2.digest, plan2.evidence, plan2.salt);
    out["rejectDispute"] = await gasOf(court.connect(governor).rejectDispute(await court.disputeCount()));
    const node3 = await registerNode();
    out["governanceSlash"] = await gasOf(
      court.connect(governor).slash(node3.address, minStake / 10n, "misconduct"),
    );
  }
  return out;
}
