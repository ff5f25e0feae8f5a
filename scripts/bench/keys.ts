import { generateWalletKey } from "../../src/keys";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer, TransactionResponse } from "ethers";
import type { KeyRegistry } from "../../typechain-types";
import { deployVerifier } from "../../src/deploy/verifier";
import { loadClientVectors } from "../gen-client-vectors";

// Gas of the key registry's operations, from receipts on the Hardhat network. Keys are made by the same
// function as `key:generate` (src/keys generateWalletKey): user ID "eip155:<chainId>:<address>", canonical
// binary public key.

type KeyType = "p256" | "ed25519";

async function publicKeyFor(owner: string, chainId: bigint, type: KeyType): Promise<Uint8Array> {
  const key = await generateWalletKey({ address: owner, chainId: Number(chainId), algorithm: type });
  return key.publicKey;
}

async function gasOf(tx: Promise<TransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return Number(receipt.gasUsed);
}

export default async function bench(hre: HardhatRuntimeEnvironment): Promise<Record<string, number>> {
  const { ethers, upgrades } = hre;
  const [governor, guardian, relayer, alice, bob, carol] = await ethers.getSigners();
  const factory = await ethers.getContractFactory("KeyRegistry");
  const { address: verifier } = await deployVerifier(hre, governor);
  const registry = (await upgrades.deployProxy(factory, [governor.address, guardian.address], {
    kind: "uups",
    constructorArgs: [verifier],
  })) as unknown as KeyRegistry;
  const { chainId } = await ethers.provider.getNetwork();
  const domain = {
    name: "Push Key Registry",
    version: "1",
    chainId,
    verifyingContract: await registry.getAddress(),
  };
  const field = (name: string, type: string) => ({ name, type });
  const fields = [
    field("owner", "address"),
    field("keyHash", "bytes32"),
    field("nonce", "uint256"),
    field("deadline", "uint256"),
  ];
  const deadline = 2n ** 40n;

  async function sign(owner: Signer, kind: "AddKey" | "RevokeKey", keyHash: string): Promise<string> {
    const address = await owner.getAddress();
    const nonce = await registry.nonces(address);
    return owner.signTypedData(domain, { [kind]: fields }, { owner: address, keyHash, nonce, deadline });
  }

  const out: Record<string, number> = {};
  const aliceKey = await publicKeyFor(alice.address, chainId, "p256");
  out["addKey"] = await gasOf(registry.connect(alice).addKey(aliceKey));
  const aliceKey2 = await publicKeyFor(alice.address, chainId, "ed25519");
  out["addKey.secondKeyEd25519"] = await gasOf(registry.connect(alice).addKey(aliceKey2));
  out["revokeKey"] = await gasOf(registry.connect(alice).revokeKey(ethers.keccak256(aliceKey)));

  // Default keys of real clients (test/fixtures/clients, made by npm run vectors:clients), each a first key
  const clientKey = (tool: "gpg" | "sq" | "openpgpjs5" | "openpgpjs6", id: string): string => {
    const k = loadClientVectors(tool).keys.find((x) => x.id === id);
    if (!k) throw new Error(`no client key ${id} in test/fixtures/clients/${tool}.json`);
    return k.key;
  };
  const clients: [string, "gpg" | "sq" | "openpgpjs5" | "openpgpjs6", string][] = [
    ["addKey.gpgDefault", "gpg", "gpg/default"],
    ["addKey.sqDefault", "sq", "sq/default"],
    ["addKey.sqRsa3k", "sq", "sq/rsa3k"],
    ["addKey.openpgpjs6Default", "openpgpjs6", "openpgpjs6/default"],
    ["addKey.pushSdk", "openpgpjs5", "openpgpjs5/push-sdk-rsa2048"],
    ["addKey.gpgP256SigningSubkey", "gpg", "gpg/cert-nistp256+sign-nistp256"],
  ];
  for (const [label, tool, id] of clients) {
    const owner = ethers.Wallet.createRandom().connect(ethers.provider);
    await (await governor.sendTransaction({ to: owner.address, value: ethers.parseEther("1") })).wait();
    out[label] = await gasOf(registry.connect(owner).addKey(clientKey(tool, id)));
  }

  const bobKey = await publicKeyFor(bob.address, chainId, "p256");
  const bobHash = ethers.keccak256(bobKey);
  const addSig = await sign(bob, "AddKey", bobHash);
  out["addKeyFor"] = await gasOf(registry.connect(relayer).addKeyFor(bob.address, bobKey, deadline, addSig));
  const revokeSig = await sign(bob, "RevokeKey", bobHash);
  out["revokeKeyFor"] = await gasOf(
    registry.connect(relayer).revokeKeyFor(bob.address, bobHash, deadline, revokeSig),
  );

  out["useNonce"] = await gasOf(registry.connect(carol).useNonce());
  return out;
}
