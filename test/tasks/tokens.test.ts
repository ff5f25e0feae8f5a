// The operator tools against each PUSH the protocol may run on (docs/tokens.md): the OpenZeppelin test token
// (EIP-2612 permit), a token with mainnet PUSH's Compound-style semantics (version-less permit domain, no
// DOMAIN_SEPARATOR(), uint96 infinite allowance, string reverts) and one with Polygon's bridged PUSH's (no
// permit: approve). Each flow is counted in transactions and leaves no allowance behind.
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Contract, MaxUint256, TypedDataEncoder } from "ethers";
import { writeDeployment } from "../../src/deployments";
import type { DeploymentFile } from "../../src/deployments";
import { explainError } from "../../src/errors";
import { StakingClient } from "../../src/staking-client";
import { PERMIT_TYPES, permitDomains, signPermit } from "../../src/token-approval";
import type { SentTx } from "../../src/tasks-util";
import { parsePush } from "../../src/units";
import type { CompoundStylePush, IStakingVault } from "../../typechain-types";
import { expectRefused, newNodeKey, runTask } from "./helpers";

type TokenKind = "TestPush" | "CompoundStylePush" | "PolygonBridgedPush";

interface World {
  kind: TokenKind;
  deployment: DeploymentFile;
  token: Contract;
  vault: IStakingVault;
  court: string;
  deployer: HardhatEthersSigner;
  op: HardhatEthersSigner;
}

const MINT_ABI = [
  "function mint(address,uint256)",
  "function approve(address,uint256) returns (bool)",
  "function allowance(address,address) view returns (uint256)",
  "function balanceOf(address) view returns (uint256)",
];

async function world(kind: TokenKind): Promise<World> {
  let tokenArg: string | undefined;
  if (kind !== "TestPush") {
    const t = await hre.ethers.deployContract(kind);
    tokenArg = await t.getAddress();
  }
  const { result: deployment } = await runTask<DeploymentFile>("deploy:protocol", {
    fresh: true,
    token: tokenArg,
  });
  const [deployer, op] = await hre.ethers.getSigners();
  const token = new Contract(deployment.contracts.PushToken.address, MINT_ABI, deployer);
  for (const a of [deployer, op])
    await (await token.getFunction("mint")(a.address, parsePush("1000000"))).wait();
  const vault = (await hre.ethers.getContractAt(
    "IStakingVault",
    deployment.contracts.StakingVault.address,
  )) as unknown as IStakingVault;
  return { kind, deployment, token, vault, court: deployment.contracts.SlashingCourt.address, deployer, op };
}

// One fixture function per token (loadFixture snapshots by function identity).
const FIXTURES: Record<TokenKind, () => Promise<World>> = {
  TestPush: () => world("TestPush"),
  CompoundStylePush: () => world("CompoundStylePush"),
  PolygonBridgedPush: () => world("PolygonBridgedPush"),
};

async function setup(kind: TokenKind): Promise<World> {
  const w = await loadFixture(FIXTURES[kind]);
  writeDeployment(w.deployment);
  return w;
}

const allowance = (w: World, owner: string, spender: string): Promise<bigint> =>
  w.token.getFunction("allowance")(owner, spender) as Promise<bigint>;
const balance = (w: World, owner: string): Promise<bigint> =>
  w.token.getFunction("balanceOf")(owner) as Promise<bigint>;
const nonce = (a: string): Promise<number> => hre.ethers.provider.getTransactionCount(a);

async function register(w: World, amount = "100000"): Promise<{ node: string; out: string; txs: number }> {
  const key = newNodeKey();
  const before = await nonce(w.op.address);
  const { out } = await runTask<SentTx>("node:register", {
    role: "validator",
    signer: key.address,
    signerKey: key.privateKey,
    amount,
    endpoint: "https://validator.example.org",
    from: "1",
  });
  return { node: key.address, out, txs: (await nonce(w.op.address)) - before };
}

const CASES: { kind: TokenKind; permit: boolean; label: string }[] = [
  { kind: "TestPush", permit: true, label: "the OpenZeppelin test token (EIP-2612)" },
  { kind: "CompoundStylePush", permit: true, label: "a Compound-style token like mainnet PUSH" },
  { kind: "PolygonBridgedPush", permit: false, label: "a token like Polygon's bridged PUSH (no permit)" },
];

for (const c of CASES) {
  describe(`operator tools with ${c.label}`, () => {
    it(`node:register ${c.permit ? "with a permit: one transaction" : "approves exactly the stake: two transactions"}, no allowance left`, async () => {
      const w = await setup(c.kind);
      const vault = await w.vault.getAddress();
      const start = await balance(w, w.op.address);
      const { node, out, txs } = await register(w);
      expect(txs).to.equal(c.permit ? 1 : 2);
      if (c.permit) expect(out).to.include("Signed a permit for the vault to take exactly 100,000 PUSH.");
      else expect(out).to.match(/approve 100,000 PUSH to the vault: tx 0x/);
      expect(await balance(w, w.op.address)).to.equal(start - parsePush("100000"));
      expect(await w.vault.stakeOf(node)).to.deep.equal([parsePush("100000"), 0n]);
      expect(await allowance(w, w.op.address, vault)).to.equal(0n);
    });

    it(`node:stake ${c.permit ? "with a permit" : "with an exact approve"}, no allowance left`, async () => {
      const w = await setup(c.kind);
      const vault = await w.vault.getAddress();
      const { node } = await register(w);
      const before = await nonce(w.op.address);
      const { out } = await runTask<SentTx>("node:stake", { node, amount: "2,500", from: "1" });
      expect((await nonce(w.op.address)) - before).to.equal(c.permit ? 1 : 2);
      expect(out.includes("Signed a permit")).to.equal(c.permit);
      expect((await w.vault.stakeOf(node))[0]).to.equal(parsePush("102500"));
      expect(await allowance(w, w.op.address, vault)).to.equal(0n);
    });

    it("node:stake beyond the balance is refused with the client's sentence, nothing sent", async () => {
      const w = await setup(c.kind);
      const { node } = await register(w);
      await expectRefused(
        "node:stake",
        { node, amount: "5,000,000", from: "1" },
        `${w.op.address} holds 900,000 PUSH, less than the 5,000,000 PUSH to stake.`,
        [w.op.address],
      );
    });

    it("the token's refusals (string reverts or custom errors) become the same sentences", async () => {
      const w = await setup(c.kind);
      const { node } = await register(w);
      const client = await StakingClient.connect(hre, "1", { log: () => undefined });
      const vault = w.vault.connect(w.op);
      const amount = parsePush("10");
      const noAllowance = await vault.stake.estimateGas(node, amount).catch((e: unknown) => e);
      expect(await client.explain(noAllowance, amount)).to.equal(
        "the vault may take only 0 of the 10 PUSH needed (approval or permit missing).",
      );
      const tooMuch = parsePush("900001");
      await (await w.token.connect(w.op).getFunction("approve")(await vault.getAddress(), tooMuch)).wait();
      const noBalance = await vault.stake.estimateGas(node, tooMuch).catch((e: unknown) => e);
      expect(await client.explain(noBalance, tooMuch)).to.equal(
        `${w.op.address} holds 900,000 PUSH, less than the 900,001 PUSH needed.`,
      );
      if (c.kind !== "TestPush") {
        // without the client's context, every task still says what happened
        expect(explainError(noBalance, [])).to.match(
          /^The token refused the transfer: the sender's balance is too low \(".*exceeds balance"\)\.$/,
        );
        expect(explainError(noAllowance, [])).to.match(
          /^The token refused the transfer: the allowance is too low, approval or permit missing \(".*allowance"\)\.$/,
        );
      }
    });

    it("gov:dispute approves exactly the bond: the court keeps no allowance", async () => {
      const w = await setup(c.kind);
      const { node } = await register(w);
      const before = await balance(w, w.deployer.address);
      const { out } = await runTask<{ disputeId: bigint }>("gov:dispute", {
        action: "open",
        node,
        fault: "UNAVAILABLE",
        evidence: "offline from block 10 to block 20",
      });
      expect(out).to.include("approve the court for exactly the bond of 1,000 PUSH");
      expect(out).to.match(/Dispute 1 opened: bond 1,000 PUSH/);
      expect(await balance(w, w.deployer.address)).to.equal(before - parsePush("1000"));
      expect(await allowance(w, w.deployer.address, w.court)).to.equal(0n);
    });
  });
}

describe("token detection and the Compound-style test token", () => {
  it("finds each token's permit domain: versioned, version-less, none", async () => {
    const expected: Record<TokenKind, string | null> = {
      TestPush: "versioned",
      CompoundStylePush: "version-less",
      PolygonBridgedPush: null,
    };
    for (const kind of Object.keys(expected) as TokenKind[]) {
      await setup(kind);
      const client = await StakingClient.connect(hre, "1", { log: () => undefined });
      const domain = await client.permitDomain();
      const shape = domain === null ? null : domain.version === undefined ? "version-less" : "versioned";
      expect(shape, kind).to.equal(expected[kind]);
    }
  });

  it("uses a permit only after an eth_call of permit() accepted it, trying the domains in turn", async () => {
    const w = await setup("CompoundStylePush");
    const token = await w.token.getAddress();
    const vault = await w.vault.getAddress();
    const { chainId } = await hre.ethers.provider.getNetwork();
    const name = "Ethereum Push Notification Service";
    const versioned = { name, version: "1", chainId, verifyingContract: token };
    const versionless = { name, chainId, verifyingContract: token };
    expect(await permitDomains(hre.ethers.provider, token, w.op.address)).to.deep.equal([versionless]);
    const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    const args = { signer: w.op, token, spender: vault, amount: 5n, now };
    expect(await signPermit({ ...args, domains: [versioned] })).to.equal(undefined);
    const found = await signPermit({ ...args, domains: [versioned, versionless] });
    expect(found?.domain).to.deep.equal(versionless);
    // checked, not sent
    expect(await allowance(w, w.op.address, vault)).to.equal(0n);
    // a token without nonces() (Polygon's) has no permit domain at all
    const polygon = await hre.ethers.deployContract("PolygonBridgedPush");
    expect(await permitDomains(hre.ethers.provider, await polygon.getAddress(), w.op.address)).to.deep.equal(
      [],
    );
  });

  it("has the real token's semantics: uint96 infinite allowance, string reverts, version-less permit", async () => {
    const w = await setup("CompoundStylePush");
    const token = (await hre.ethers.getContractAt(
      "CompoundStylePush",
      await w.token.getAddress(),
    )) as unknown as CompoundStylePush;
    const [, , spender, other] = await hre.ethers.getSigners();
    const max96 = 2n ** 96n - 1n;
    // no DOMAIN_SEPARATOR() getter
    const probe = new Contract(await token.getAddress(), [
      "function DOMAIN_SEPARATOR() view returns (bytes32)",
    ]);
    await expect(probe.connect(w.op).getFunction("DOMAIN_SEPARATOR")()).to.be.rejected;
    // approve(max uint256) is the infinite uint96 allowance, which transfers do not decrease
    await token.connect(w.op).approve(spender.address, MaxUint256);
    expect(await token.allowance(w.op.address, spender.address)).to.equal(max96);
    await token.connect(spender).transferFrom(w.op.address, other.address, parsePush("5"));
    expect(await token.allowance(w.op.address, spender.address)).to.equal(max96);
    // a finite one decreases and refuses more, with the real token's strings
    await token.connect(w.op).approve(spender.address, parsePush("3"));
    await token.connect(spender).transferFrom(w.op.address, other.address, parsePush("2"));
    expect(await token.allowance(w.op.address, spender.address)).to.equal(parsePush("1"));
    await expect(
      token.connect(spender).transferFrom(w.op.address, other.address, parsePush("2")),
    ).to.be.revertedWith("Push::transferFrom: transfer amount exceeds spender allowance");
    await expect(token.connect(other).transfer(w.op.address, parsePush("8"))).to.be.revertedWith(
      "Push::_transferTokens: transfer amount exceeds balance",
    );
    await expect(token.connect(w.op).approve(spender.address, 2n ** 96n)).to.be.revertedWith(
      "Push::approve: amount exceeds 96 bits",
    );
    // permit: domain without version; a versioned signature is refused
    const { chainId } = await hre.ethers.provider.getNetwork();
    const address = await token.getAddress();
    const name = await token.name();
    const deadline = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp + 600);
    const message = { owner: w.op.address, spender: spender.address, value: 7n, nonce: 0n, deadline };
    const versioned = hre.ethers.Signature.from(
      await w.op.signTypedData(
        { name, version: "1", chainId, verifyingContract: address },
        PERMIT_TYPES,
        message,
      ),
    );
    await expect(
      token.permit(w.op.address, spender.address, 7n, deadline, versioned.v, versioned.r, versioned.s),
    ).to.be.revertedWith("Push::permit: unauthorized");
    const domain = { name, chainId, verifyingContract: address };
    expect(await token.DOMAIN_TYPEHASH()).to.equal(
      hre.ethers.id("EIP712Domain(string name,uint256 chainId,address verifyingContract)"),
    );
    expect(TypedDataEncoder.hashDomain(domain)).to.not.equal(
      TypedDataEncoder.hashDomain({ ...domain, version: "1" }),
    );
    const sig = hre.ethers.Signature.from(await w.op.signTypedData(domain, PERMIT_TYPES, message));
    await token.permit(w.op.address, spender.address, 7n, deadline, sig.v, sig.r, sig.s);
    expect(await token.allowance(w.op.address, spender.address)).to.equal(7n);
    expect(await token.nonces(w.op.address)).to.equal(1n);
  });
});
