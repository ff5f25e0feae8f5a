// PushProfileGateway: profiles made by the unmodified Push Chat SDK 1.7.32 register their key in the KeyRegistry
// for the wallet that signed them (gasless for the user: anyone submits); forged, altered and out-of-profile
// profiles revert with their named errors.
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import * as openpgp5 from "openpgp5";
import { Wallet, sha256, toUtf8Bytes } from "ethers";
import type { KeyRegistry, PushProfileGateway } from "../../typechain-types";
import { deployRegistry } from "../keys/helpers";
import { sdkUser } from "./sdk";
import type { SdkProfile, SdkUser } from "./sdk";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkSignature = require("@pushprotocol/restapi/src/lib/chat/helpers/signature") as {
  verifyProfileSignature(proof: string, signedData: string, address: string): Promise<boolean>;
};

const GATEWAY_ROLE = ethers.id("GATEWAY_ROLE");

/** The SDK's preimage text: JSON.stringify of the four fields in its order. */
function preimage(p: SdkProfile): string {
  return JSON.stringify({
    caip10: p.caip10,
    did: p.did,
    publicKey: p.publicKey,
    encryptedPrivateKey: p.encryptedPrivateKey,
  });
}

/** The 64 hex characters the wallet signs. */
function signedHex(p: SdkProfile): string {
  return sha256(toUtf8Bytes(preimage(p))).slice(2);
}

/** `p` with a proof signed by `wallet` over its own fields, as the SDK makes it. */
async function signedBy(wallet: Wallet, p: SdkProfile): Promise<SdkProfile> {
  return { ...p, verificationProof: `eip191v2:${await wallet.signMessage(signedHex(p))}` };
}

function args(p: SdkProfile): [string, string, string, string, string] {
  return [p.caip10, p.did, p.publicKey, p.encryptedPrivateKey, p.verificationProof];
}

/** The binary key inside the profile's armored key. */
async function binaryKey(u: SdkUser): Promise<string> {
  const { data } = await openpgp5.unarmor(u.armoredPublicKey);
  return ethers.hexlify(data as Uint8Array);
}

/** `s` with the character at `i` replaced by `c`. */
function replaceAt(s: string, i: number, c: string): string {
  return s.slice(0, i) + c + s.slice(i + 1);
}

/** The SDK's publicKey JSON around another armored text. */
function sdkPublicKey(armored: string): string {
  return JSON.stringify({ key: armored, signature: "DEPRECATED" });
}

describe("PushProfileGateway", () => {
  let alice: SdkUser;
  let bob: SdkUser;

  before(async () => {
    alice = await sdkUser();
    bob = await sdkUser();
  });

  async function deploy() {
    const { registry, governor, guardian, relayer } = await deployRegistry();
    const gateway = (await ethers.deployContract("PushProfileGateway", [
      await registry.getAddress(),
    ])) as unknown as PushProfileGateway;
    await registry.connect(governor).grantRole(GATEWAY_ROLE, await gateway.getAddress());
    return {
      registry: registry as KeyRegistry,
      gateway: gateway.connect(relayer),
      governor,
      guardian,
      relayer,
    };
  }

  it("the SDK made the profile as PUSH-CHAT.md says, and verifies it itself", async () => {
    const p = alice.profile;
    expect(p.caip10).to.equal(`eip155:${alice.wallet.address}`);
    expect(p.did).to.equal(p.caip10);
    expect(p.verificationProof).to.match(/^eip191v2:0x[0-9a-f]{130}$/);
    expect(JSON.parse(p.publicKey)).to.deep.equal({ key: alice.armoredPublicKey, signature: "DEPRECATED" });
    expect(Buffer.byteLength(preimage(p))).to.be.within(8500, 10000);
    expect(await sdkSignature.verifyProfileSignature(p.verificationProof, signedHex(p), alice.wallet.address))
      .to.be.true;
  });

  it("registers the SDK's profile for its wallet: KeyAdded with the armored key's binary, and the digest", async () => {
    const { registry, gateway } = await loadFixture(deploy);
    const key = await binaryKey(alice);
    const keyHash = ethers.keccak256(key);
    const digest = sha256(toUtf8Bytes(preimage(alice.profile)));
    expect(
      await gateway.profileDigest(...(args(alice.profile).slice(0, 4) as [string, string, string, string])),
    ).to.equal(digest);
    const tx = await gateway.registerPushProfile(...args(alice.profile));
    await expect(tx).to.emit(registry, "KeyAdded").withArgs(alice.wallet.address, keyHash, 1, key);
    await expect(tx)
      .to.emit(gateway, "PushProfileRegistered")
      .withArgs(alice.wallet.address, keyHash, digest);
    expect((await registry.keyOf(alice.wallet.address, keyHash)).algorithm).to.equal(1);
    expect(await registry.activeKeyCount(alice.wallet.address)).to.equal(1);

    // Gas, with what the EIP-7623 calldata floor (Prague and later; Hardhat runs Osaka) makes of it.
    const receipt = await tx.wait();
    const data = ethers.getBytes(tx.data);
    const zeros = data.filter((b) => b === 0).length;
    const tokens = zeros + 4 * (data.length - zeros);
    const standardCalldata = 21000 + 4 * tokens;
    const floor = 21000 + 10 * tokens;
    console.log(
      `      registerPushProfile: ${receipt!.gasUsed} gas used; calldata ${data.length} bytes (${zeros} zero), ` +
        `${tokens} tokens: intrinsic 21000 + ${4 * tokens}; execution ~${Number(receipt!.gasUsed) - standardCalldata}; ` +
        `EIP-7623 floor ${floor}`,
    );
    // Issue 13's goal: 450,000. This build measures about 440,400 (calldata 170,280 of it, the registry call
    // about 96,600 of the 270,000 executed).
    // (The instrumented build of npm run coverage costs more by construction: the ceiling is the optimized build's.)
    if (!(hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING)
      expect(receipt!.gasUsed).to.be.lessThanOrEqual(450_000n);
    expect(receipt!.gasUsed).to.be.greaterThanOrEqual(BigInt(floor));

    // Once only: the same profile again is the registry's own error.
    await expect(gateway.registerPushProfile(...args(alice.profile)))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyAlreadyActive")
      .withArgs(alice.wallet.address, keyHash);
  });

  it("a bare armored publicKey (the SDK's ENC_TYPE_V1 shape) registers the same key", async () => {
    const { registry, gateway } = await loadFixture(deploy);
    const p = await signedBy(alice.wallet, { ...alice.profile, publicKey: alice.armoredPublicKey });
    const key = await binaryKey(alice);
    await expect(gateway.registerPushProfile(...args(p)))
      .to.emit(registry, "KeyAdded")
      .withArgs(alice.wallet.address, ethers.keccak256(key), 1, key);
  });

  it("armor in other line widths, in the SDK's JSON or bare, gives the same preimage digest as JSON.stringify", async () => {
    const { registry, gateway } = await loadFixture(deploy);
    const key = await binaryKey(alice);
    const lines = alice.armoredPublicKey.split("\n");
    const body = lines
      .slice(
        2,
        lines.findIndex((l) => l.startsWith("=")),
      )
      .join("");
    const crcLine = lines.find((l) => l.startsWith("="))!;
    let n = 0;
    for (const width of [4, 59, 64, 76, 100]) {
      const wrapped = body.match(new RegExp(`.{1,${width}}`, "g"))!;
      if (wrapped.some((l) => l.startsWith("="))) continue;
      const armored = [lines[0], "", ...wrapped, crcLine, lines[lines.length - 2], ""].join("\n");
      for (const publicKey of [sdkPublicKey(armored), armored]) {
        // A fresh wallet each time: a key registers once per owner.
        const w = Wallet.createRandom() as unknown as Wallet;
        const caip10 = `eip155:${w.address}`;
        const p = await signedBy(w, { ...alice.profile, caip10, did: caip10, publicKey });
        const digest = sha256(toUtf8Bytes(preimage(p)));
        expect(
          await gateway.profileDigest(...(args(p).slice(0, 4) as [string, string, string, string])),
        ).to.equal(digest);
        await expect(gateway.registerPushProfile(...args(p)))
          .to.emit(registry, "KeyAdded")
          .withArgs(w.address, ethers.keccak256(key), 1, key)
          .and.to.emit(gateway, "PushProfileRegistered")
          .withArgs(w.address, ethers.keccak256(key), digest);
        n++;
      }
    }
    expect(n).to.be.greaterThan(4);
  });

  it("armor without the checksum line (openpgp.js 6) registers; a wrong checksum is PushProfileGatewayBadCrc", async () => {
    const { gateway } = await loadFixture(deploy);
    const noCrc = alice.armoredPublicKey.replace(/\n=[A-Za-z0-9+/]{4}\n/, "\n");
    expect(noCrc).to.not.equal(alice.armoredPublicKey);
    const ok = await signedBy(alice.wallet, { ...alice.profile, publicKey: sdkPublicKey(noCrc) });
    await expect(gateway.registerPushProfile(...args(ok))).to.emit(gateway, "PushProfileRegistered");

    const m = /\n=([A-Za-z0-9+/]{4})\n/.exec(alice.armoredPublicKey)!;
    const wrong = m[1][0] === "A" ? "B" + m[1].slice(1) : "A" + m[1].slice(1);
    const bad = alice.armoredPublicKey.replace(`\n=${m[1]}\n`, `\n=${wrong}\n`);
    const p = await signedBy(bob.wallet, { ...bob.profile, publicKey: sdkPublicKey(bad) });
    await expect(gateway.registerPushProfile(...args(p))).to.be.revertedWithCustomError(
      gateway,
      "PushProfileGatewayBadCrc",
    );
  });

  it("a proof signed by another wallet is PushProfileGatewayWrongSigner(wallet, signer)", async () => {
    const { gateway } = await loadFixture(deploy);
    const forged = await signedBy(bob.wallet, alice.profile);
    await expect(gateway.registerPushProfile(...args(forged)))
      .to.be.revertedWithCustomError(gateway, "PushProfileGatewayWrongSigner")
      .withArgs(alice.wallet.address, bob.wallet.address);
    // Bob's own proof on Alice's fields, and Alice's fields under Bob's address (caip10 and did both).
    await expect(
      gateway.registerPushProfile(
        ...args({ ...alice.profile, verificationProof: bob.profile.verificationProof }),
      ),
    ).to.be.revertedWithCustomError(gateway, "PushProfileGatewayWrongSigner");
    const moved = { ...alice.profile, caip10: bob.profile.caip10, did: bob.profile.did };
    await expect(gateway.registerPushProfile(...args(moved)))
      .to.be.revertedWithCustomError(gateway, "PushProfileGatewayWrongSigner")
      .withArgs(bob.wallet.address, (addr: string) => addr !== bob.wallet.address);
  });

  it("a changed byte in any of the four signed fields reverts", async () => {
    const { gateway } = await loadFixture(deploy);
    const p = alice.profile;
    const flipHex = (s: string, i: number) => replaceAt(s, i, s[i] === "0" ? "1" : "0");
    // caip10 (and did with it): another address, so another wallet that did not sign.
    const last = p.caip10.length - 1;
    const both = { ...p, caip10: flipHex(p.caip10, last), did: flipHex(p.did, last) };
    await expect(gateway.registerPushProfile(...args(both))).to.be.revertedWithCustomError(
      gateway,
      "PushProfileGatewayWrongSigner",
    );
    // caip10 alone, did alone, did with one hex letter in the other case: they differ. (Not did.toLowerCase():
    // a random wallet's checksummed address has no capital letter about once in 4,000, and CI met one.)
    const letter = p.did.slice("eip155:0x".length).search(/[a-fA-F]/);
    const swapAt = letter < 0 ? last : "eip155:0x".length + letter;
    const swapped =
      letter < 0
        ? flipHex(p.did, last)
        : replaceAt(
            p.did,
            swapAt,
            p.did[swapAt] === p.did[swapAt].toLowerCase()
              ? p.did[swapAt].toUpperCase()
              : p.did[swapAt].toLowerCase(),
          );
    expect(swapped).to.not.equal(p.did);
    for (const q of [
      { ...p, caip10: flipHex(p.caip10, last) },
      { ...p, did: flipHex(p.did, last) },
      { ...p, did: swapped },
    ]) {
      await expect(gateway.registerPushProfile(...args(q))).to.be.revertedWithCustomError(
        gateway,
        "PushProfileGatewayDidMismatch",
      );
    }
    // publicKey: one base64 character of the key, the "DEPRECATED" tag, an escaped newline.
    const keyAt = p.publicKey.indexOf("\\n\\n") + 10;
    for (const publicKey of [
      replaceAt(p.publicKey, keyAt, p.publicKey[keyAt] === "A" ? "B" : "A"),
      p.publicKey.replace("DEPRECATED", "DEPRECATEd"),
      p.publicKey.replace("\\n\\n", "\\n\\r"),
    ]) {
      await expect(gateway.registerPushProfile(...args({ ...p, publicKey })))
        .to.be.revertedWithCustomError(gateway, "PushProfileGatewayWrongSigner")
        .withArgs(alice.wallet.address, (addr: string) => addr !== alice.wallet.address);
    }
    // encryptedPrivateKey: first, middle and last byte.
    const e = p.encryptedPrivateKey;
    for (const i of [0, e.length >> 1, e.length - 1]) {
      const encryptedPrivateKey = replaceAt(e, i, e[i] === "0" ? "1" : "0");
      await expect(
        gateway.registerPushProfile(...args({ ...p, encryptedPrivateKey })),
      ).to.be.revertedWithCustomError(gateway, "PushProfileGatewayWrongSigner");
    }
  });

  it("caip10 that is not eip155:0x<40 hex> is PushProfileGatewayBadCaip10", async () => {
    const { gateway } = await loadFixture(deploy);
    const a = alice.wallet.address;
    for (const caip10 of [
      `scw:eip155:1:${a}`,
      `eip155:1:${a}`,
      a,
      `eip155:${a}0`,
      `eip155:${a.slice(0, -1)}`,
      `eip155:${a.slice(0, -1)}g`,
      `eip155:0X${a.slice(2)}`,
      `EIP155:${a}`,
      `eip155:${a.slice(0, 12)}:${a.slice(13)}`,
    ]) {
      await expect(
        gateway.registerPushProfile(...args({ ...alice.profile, caip10, did: caip10 })),
        caip10,
      ).to.be.revertedWithCustomError(gateway, "PushProfileGatewayBadCaip10");
    }
  });

  it("a caip10 in lower or upper case hex is the same wallet when the wallet signed that text", async () => {
    const { registry, gateway } = await loadFixture(deploy);
    const lower = `eip155:0x${alice.wallet.address.slice(2).toLowerCase()}`;
    const p = await signedBy(alice.wallet, { ...alice.profile, caip10: lower, did: lower });
    await expect(gateway.registerPushProfile(...args(p)))
      .to.emit(registry, "KeyAdded")
      .withArgs(alice.wallet.address, ethers.keccak256(await binaryKey(alice)), 1, await binaryKey(alice));
    const upper = `eip155:0x${bob.wallet.address.slice(2).toUpperCase()}`;
    const q = await signedBy(bob.wallet, { ...bob.profile, caip10: upper, did: upper });
    await expect(gateway.registerPushProfile(...args(q))).to.emit(registry, "KeyAdded");
  });

  it("a malformed proof is PushProfileGatewayMalformedProof", async () => {
    const { gateway } = await loadFixture(deploy);
    const proof = alice.profile.verificationProof;
    const sig = proof.slice("eip191v2:".length);
    const { r, s, v } = ethers.Signature.from(sig);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = ethers.concat([
      r,
      ethers.toBeHex(n - BigInt(s), 32),
      ethers.toBeHex(v === 27 ? 28 : 27, 1),
    ]);
    for (const verificationProof of [
      `eip191:${sig}`,
      `eip712v2:${sig}`,
      `eip191v2:1:${sig}`,
      `eip191v2:${sig.slice(2)}`,
      `eip191v2:${sig}00`,
      `eip191v2:${sig.slice(0, -2)}`,
      `eip191v2:${sig.slice(0, -1)}x`,
      `eip191v2:${sig.slice(0, -2)}00`,
      `eip191v2:${sig.slice(0, -2)}1d`,
      `eip191v2:${highS}`,
      `eip191v2:0x${"00".repeat(65)}`,
      "",
    ]) {
      await expect(
        gateway.registerPushProfile(...args({ ...alice.profile, verificationProof })),
        verificationProof,
      ).to.be.revertedWithCustomError(gateway, "PushProfileGatewayMalformedProof");
    }
    // Upper-case hex digits are the same signature.
    const upper = `eip191v2:0x${sig.slice(2).toUpperCase()}`;
    await expect(
      gateway.registerPushProfile(...args({ ...alice.profile, verificationProof: upper })),
    ).to.emit(gateway, "PushProfileRegistered");
  });

  it("a key outside the key profile (RSA-1024 by openpgp.js) is the registry's own error", async () => {
    const { registry, gateway } = await loadFixture(deploy);
    const { publicKey } = await openpgp5.generateKey({
      type: "rsa",
      rsaBits: 1024,
      userIDs: [{ name: "", email: "" }],
      config: { minRSABits: 1024 },
    });
    const p = await signedBy(alice.wallet, { ...alice.profile, publicKey: sdkPublicKey(publicKey) });
    await expect(gateway.registerPushProfile(...args(p)))
      .to.be.revertedWithCustomError(registry, "OpenPgpKeyRsaModulusTooSmall")
      .withArgs(1024);
  });

  it("bad armor, bad base64 and a publicKey in another shape revert with their errors", async () => {
    const { gateway } = await loadFixture(deploy);
    const armored = alice.armoredPublicKey;
    const lines = armored.split("\n");
    const cases: [string, string][] = [
      [
        sdkPublicKey(armored.replace("\n\n", "\nVersion: OpenPGP.js v5.11.3\n\n")),
        "PushProfileGatewayBadArmor",
      ],
      [sdkPublicKey(armored.replace("PUBLIC KEY", "PRIVATE KEY")), "PushProfileGatewayBadArmor"],
      [
        sdkPublicKey(armored.replace("-----END PGP PUBLIC KEY BLOCK-----\n", "")),
        "PushProfileGatewayBadArmor",
      ],
      [sdkPublicKey(armored.replace(/\n$/, "")), "PushProfileGatewayBadArmor"],
      [sdkPublicKey(armored + "\n"), "PushProfileGatewayBadArmor"],
      [sdkPublicKey(armored.replace(/\n/g, "\r\n")), "PushProfileGatewayBadArmor"],
      [sdkPublicKey(armored.replace(lines[3], lines[3] + "\n")), "PushProfileGatewayBadArmor"],
      [
        sdkPublicKey(armored.replace(lines[3], lines[3].slice(0, 10) + "*" + lines[3].slice(11))),
        "PushProfileGatewayBadBase64",
      ],
      [
        sdkPublicKey(armored.replace(lines[3], lines[3].slice(0, 10) + "=" + lines[3].slice(11))),
        "PushProfileGatewayBadBase64",
      ],
      [sdkPublicKey(armored.replace(lines[3], lines[3].slice(1))), "PushProfileGatewayBadBase64"],
      [
        sdkPublicKey(armored.replace(lines[3], lines[3].slice(0, 10) + "ü" + lines[3].slice(11))),
        "PushProfileGatewayBadBase64",
      ],
      [JSON.stringify({ signature: "DEPRECATED", key: armored }), "PushProfileGatewayBadPublicKeyShape"],
      [
        JSON.stringify({ key: armored, signature: "DEPRECATED", x: 1 }),
        "PushProfileGatewayBadPublicKeyShape",
      ],
      [JSON.stringify({ key: armored }), "PushProfileGatewayBadPublicKeyShape"],
      [" " + armored, "PushProfileGatewayBadPublicKeyShape"],
      ["", "PushProfileGatewayBadPublicKeyShape"],
    ];
    for (const [publicKey, error] of cases) {
      const p = await signedBy(alice.wallet, { ...alice.profile, publicKey });
      await expect(
        gateway.registerPushProfile(...args(p)),
        `${error}: ${publicKey.slice(0, 60)}`,
      ).to.be.revertedWithCustomError(gateway, error);
    }
  });

  it("fields over 24,576 bytes are PushProfileGatewayTooLarge", async () => {
    const { gateway } = await loadFixture(deploy);
    const big = "a".repeat(24_577);
    await expect(gateway.registerPushProfile(...args({ ...alice.profile, encryptedPrivateKey: big })))
      .to.be.revertedWithCustomError(gateway, "PushProfileGatewayTooLarge")
      .withArgs(24_577, 24_576);
    await expect(gateway.registerPushProfile(...args({ ...alice.profile, publicKey: big })))
      .to.be.revertedWithCustomError(gateway, "PushProfileGatewayTooLarge")
      .withArgs(24_577, 24_576);
  });

  it("needs the registry's GATEWAY_ROLE and stops while the registry is paused", async () => {
    const { registry, gateway, governor, guardian, relayer } = await loadFixture(deploy);
    await expect(
      registry.connect(relayer).addKeyFromGateway(alice.wallet.address, await binaryKey(alice)),
    ).to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount");
    await registry.connect(guardian).pause();
    await expect(gateway.registerPushProfile(...args(alice.profile))).to.be.revertedWithCustomError(
      registry,
      "EnforcedPause",
    );
    await registry.connect(governor).unpause();
    await registry.connect(governor).revokeRole(GATEWAY_ROLE, await gateway.getAddress());
    await expect(gateway.registerPushProfile(...args(alice.profile)))
      .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
      .withArgs(await gateway.getAddress(), GATEWAY_ROLE);
    await expect(
      ethers.deployContract("PushProfileGateway", [ethers.ZeroAddress]),
    ).to.be.revertedWithCustomError(gateway, "PushProfileGatewayZeroAddress");
  });

  it("a key its owner revoked cannot come back through the gateway", async () => {
    const { registry, gateway } = await loadFixture(deploy);
    await gateway.registerPushProfile(...args(bob.profile));
    const key = await binaryKey(bob);
    const keyHash = ethers.keccak256(key);
    await registry
      .connect(bob.wallet.connect(ethers.provider))
      .revokeKey(keyHash)
      .catch(async () => {
        // bob's SDK wallet has no ether: fund it first.
        const [funder] = await ethers.getSigners();
        await funder.sendTransaction({ to: bob.wallet.address, value: ethers.parseEther("1") });
        await registry.connect(bob.wallet.connect(ethers.provider)).revokeKey(keyHash);
      });
    await expect(gateway.registerPushProfile(...args(bob.profile)))
      .to.be.revertedWithCustomError(registry, "KeyRegistryKeyRevoked")
      .withArgs(bob.wallet.address, keyHash);
  });
});
