import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { encryptKeystoreJson } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { NodeRegistry } from "../../typechain-types";
import { deploymentPath, readDeployment, writeDeployment } from "../../src/deployments";
import { StakingClient, formatStatusTable } from "../../src/staking-client";
import type { NodeStatusRow } from "../../src/staking-client";
import type { SentTx } from "../../src/tasks-util";
import { parsePush } from "../../src/units";
import { signerOfConsent } from "../../src/staking";
import { ENV_KEYSTORE_PASSWORD, ENV_SIGNER_KEY } from "../../src/node/config";
import { deployed, expectRefused, newNodeKey, newSigner, runTask } from "./helpers";
import type { Deployed } from "./helpers";

const NODE_TASKS = [
  "node:register",
  "node:stake",
  "node:unstake",
  "node:withdraw",
  "node:unjail",
  "node:exit",
  "node:update",
  "node:status",
];

/** The private key of each signer that register() registered (for --signer-key). */
const KEYS = new Map<string, string>();

/** Registers a node of `role` from operator `op` (index into d.operators) and returns its signer. */
async function register(
  d: Deployed,
  role: string,
  amount: string,
  op = 0,
  endpoint?: string,
): Promise<string> {
  const key = newNodeKey();
  KEYS.set(key.address, key.privateKey);
  await runTask("node:register", {
    role,
    signer: key.address,
    signerKey: key.privateKey,
    amount,
    endpoint: endpoint ?? `https://${role}.example.org`,
    from: String(op + 1),
  });
  return key.address;
}

/** Checks a task's printed line for its transaction against the chain: hash, and gas used from the receipt. */
async function expectPrintedTx(out: string, sent: SentTx): Promise<void> {
  const receipt = await hre.ethers.provider.getTransactionReceipt(sent.hash);
  expect(receipt, "receipt of the printed hash").to.not.equal(null);
  expect(receipt!.status).to.equal(1);
  expect(out).to.include(`tx ${sent.hash}`);
  expect(out).to.include(`gas used ${receipt!.gasUsed}`);
}

describe("node:* tasks", () => {
  describe("--help", () => {
    for (const name of [...NODE_TASKS, "node:consent", "deploy:protocol", "token:mint"]) {
      it(`${name} describes itself and every parameter`, () => {
        const def = hre.tasks[name];
        expect(def, name).to.not.equal(undefined);
        expect(def.description ?? "").to.have.length.greaterThan(20);
        const params = Object.values(def.paramDefinitions);
        expect(params.length).to.be.greaterThan(0);
        for (const p of params)
          expect(p.description ?? "", `${name} --${p.name}`).to.have.length.greaterThan(10);
      });
    }

    it("node tasks that act on a node take --from", () => {
      for (const name of NODE_TASKS.filter((n) => n !== "node:status"))
        expect(hre.tasks[name].paramDefinitions, name).to.have.property("from");
    });
  });

  describe("token:mint", () => {
    it("mints test PUSH and prints the new balance; refuses bad input", async () => {
      const d = await deployed();
      const to = newSigner();
      const { result, out } = await runTask<SentTx>("token:mint", { to, amount: "1,500.25" });
      await expectPrintedTx(out, result);
      expect(out).to.include(`${to} now holds 1,500.25 PUSH.`);
      expect(await d.token.balanceOf(to)).to.equal(parsePush("1500.25"));
      await expectRefused(
        "token:mint",
        { to, amount: "1000000001" },
        "--amount is more than 1,000,000,000 PUSH",
        [d.deployer.address],
      );
      await expectRefused("token:mint", { to: "x", amount: "1" }, '--to "x" is not an Ethereum address.');
    });
  });

  describe("node:register", () => {
    it("bonds the stake with a permit (one transaction, allowance exactly used) and prints it", async () => {
      const d = await deployed();
      const op = d.operators[0];
      const key = newNodeKey();
      const signer = key.address;
      const before = await d.token.balanceOf(op.address);
      const nonce = await hre.ethers.provider.getTransactionCount(op.address);
      const { result, out } = await runTask<SentTx>("node:register", {
        role: "validator",
        signer,
        signerKey: key.privateKey,
        amount: "100,000",
        endpoint: "https://validator-1.example.org",
        from: "1",
      });
      await expectPrintedTx(out, result);
      expect(out).to.include("Signed a permit for the vault to take exactly 100,000 PUSH.");
      expect(out).to.include(
        `Registered validator node ${signer} (operator ${op.address}) with 100,000 PUSH.`,
      );
      expect(await hre.ethers.provider.getTransactionCount(op.address)).to.equal(nonce + 1);
      expect(await d.token.balanceOf(op.address)).to.equal(before - parsePush("100000"));
      expect(await d.token.allowance(op.address, await d.vault.getAddress())).to.equal(0n);
      const node = await d.registry.nodeOf(signer);
      expect(node.operator).to.equal(op.address);
      expect(node.role).to.equal(0n);
      expect(node.status).to.equal(1n);
      expect(await d.registry.stakeOf(signer)).to.deep.equal([parsePush("100000"), 0n]);
    });

    it("accepts roles by name in any case, and --from as an address", async () => {
      const d = await deployed();
      const op = d.operators[2];
      const key = newNodeKey();
      const signer = key.address;
      await runTask("node:register", {
        role: "ARCHIVE",
        signer,
        signerKey: key.privateKey,
        amount: "50000.5",
        endpoint: "http://127.0.0.1:8080",
        from: op.address,
      });
      const node = await d.registry.nodeOf(signer);
      expect(node.role).to.equal(3n);
      expect(node.operator).to.equal(op.address);
      expect((await d.registry.stakeOf(signer))[0]).to.equal(parsePush("50000.5"));
    });

    it("uses an existing allowance without a permit", async () => {
      const d = await deployed();
      const op = d.operators[1];
      await (await d.token.connect(op).approve(await d.vault.getAddress(), parsePush("60000"))).wait();
      const key = newNodeKey();
      const { out } = await runTask("node:register", {
        role: "storage",
        signer: key.address,
        signerKey: key.privateKey,
        amount: "60000",
        endpoint: "https://s.example.org",
        from: "2",
      });
      expect(out).to.not.include("permit");
      expect(await d.token.allowance(op.address, await d.vault.getAddress())).to.equal(0n);
    });

    it("refuses bad input with one sentence and sends nothing", async () => {
      const d = await deployed();
      const op = d.operators[0].address;
      const taken = await register(d, "delivery", "25000");
      const key = newNodeKey();
      const ok = {
        role: "validator",
        signer: key.address,
        signerKey: key.privateKey,
        amount: "100000",
        endpoint: "https://n.example.org",
        from: "1",
      };
      const cases: [Record<string, string>, string | RegExp][] = [
        [{ role: "miner" }, 'Unknown role "miner": use validator, storage, delivery or archive.'],
        [{ role: "7" }, 'Unknown role "7"'],
        [{ signer: "0x1234" }, '--signer "0x1234" is not an Ethereum address.'],
        [{ signer: hre.ethers.ZeroAddress }, "--signer must not be the zero address."],
        [{ amount: "0" }, "--amount must be more than 0 PUSH."],
        [{ amount: "-5" }, '"-5" is not an amount of PUSH'],
        [{ amount: "ten" }, '"ten" is not an amount of PUSH'],
        [
          { amount: "99999.99" },
          "--amount 99,999.99 PUSH is below the validator minimum stake of 100,000 PUSH.",
        ],
        [{ endpoint: "" }, "--endpoint must not be empty."],
        [{ endpoint: "   " }, "--endpoint must not be empty."],
        [
          { endpoint: "https://x.org/" + "a".repeat(243) },
          "--endpoint is 257 bytes long; the limit is 256 bytes.",
        ],
        [{ endpoint: "node.example.org" }, "is not a URL"],
        [{ endpoint: "ftp://node.example.org" }, "must be an http:// or https:// URL."],
        [
          { signer: taken, signerKey: KEYS.get(taken)! },
          `Signer ${taken} is already registered (a signer is bound to one node forever)`,
        ],
        [{ amount: "2000000" }, `${op} holds 975,000 PUSH, less than the 2,000,000 PUSH to stake.`],
        [{ from: "99" }, "--from 99: there are only 20 accounts (0..19)."],
        [{ from: "bob" }, '--from "bob" is neither an account index nor an address.'],
        [{ from: newSigner() }, "is not one of the accounts configured"],
      ];
      for (const [override, sentence] of cases)
        await expectRefused("node:register", { ...ok, ...override }, sentence, [op]);
    });
  });

  describe("the signer's consent (node:consent, node:register --consent / --signer-key)", () => {
    let savedKey: string | undefined;
    beforeEach(() => {
      savedKey = process.env[ENV_SIGNER_KEY];
      delete process.env[ENV_SIGNER_KEY];
    });
    afterEach(() => {
      if (savedKey === undefined) delete process.env[ENV_SIGNER_KEY];
      else process.env[ENV_SIGNER_KEY] = savedKey;
    });

    const args = (signer: string, extra: Record<string, string> = {}) => ({
      role: "validator",
      signer,
      amount: "100000",
      endpoint: "https://n.example.org",
      from: "1",
      ...extra,
    });

    it("node:register without --consent or a signer key: one sentence naming node:consent, nothing sent", async () => {
      const d = await deployed();
      const op = d.operators[0].address;
      const signer = newSigner();
      const message = await expectRefused(
        "node:register",
        args(signer),
        `Signer ${signer} must consent to operator ${op}: run "npx hardhat node:consent --operator ${op} --network hardhat"`,
        [op],
      );
      expect(message).to.include("--consent");
      // an empty key is no key
      await expectRefused("node:register", args(signer, { signerKey: "" }), "node:consent --operator", [op]);
      expect((await d.registry.nodeOf(signer)).status).to.equal(0n);
    });

    it("node:consent prints a consent that node:register --consent accepts", async () => {
      const d = await deployed();
      const op = d.operators[1];
      const key = newNodeKey();
      const { result: consent, out } = await runTask<string>("node:consent", {
        operator: op.address,
        signerKey: key.privateKey,
      });
      expect(consent).to.match(/^0x[0-9a-f]{130}$/);
      const registry = await d.registry.getAddress();
      expect(out).to.include(
        `Signer ${key.address} consents to be registered by operator ${op.address} on the NodeRegistry ${registry}:`,
      );
      expect(out.split("\n")).to.include(consent);
      // what the contract checks
      const { chainId } = await hre.ethers.provider.getNetwork();
      expect(signerOfConsent(consent, registry, chainId, key.address, op.address)).to.equal(key.address);
      // only the operator it names can use it (refused before sending), and only for its signer
      await expectRefused(
        "node:register",
        args(key.address, { consent, from: "1" }),
        `--consent is not signer ${key.address}'s consent to be registered by operator ${d.operators[0].address}`,
        [d.operators[0].address],
      );
      const other = newSigner();
      await expectRefused("node:register", args(other, { consent, from: "2" }), "--consent is not signer", [
        op.address,
      ]);
      await expectRefused(
        "node:register",
        args(key.address, { consent: "0x1234", from: "2" }),
        "node:consent --operator",
        [op.address],
      );
      const { result } = await runTask<SentTx>("node:register", args(key.address, { consent, from: "2" }));
      expect((await hre.ethers.provider.getTransactionReceipt(result.hash))!.status).to.equal(1);
      const node = await d.registry.nodeOf(key.address);
      expect(node.operator).to.equal(op.address);
      expect(node.status).to.equal(1n);
    });

    it(`node:consent reads the key from ${ENV_SIGNER_KEY} or an encrypted keystore, and node:register from the env`, async () => {
      const d = await deployed();
      const op = d.operators[0].address;
      const wallet = hre.ethers.Wallet.createRandom();
      process.env[ENV_SIGNER_KEY] = wallet.privateKey;
      const { result: fromEnv } = await runTask<string>("node:consent", { operator: op });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "consent-"));
      const file = path.join(dir, "signer.json");
      fs.writeFileSync(
        file,
        await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, "pw", {
          scrypt: { N: 1 << 10 },
        }),
      );
      const savedPassword = process.env[ENV_KEYSTORE_PASSWORD];
      process.env[ENV_KEYSTORE_PASSWORD] = "pw";
      delete process.env[ENV_SIGNER_KEY];
      try {
        const { result: fromKeystore } = await runTask<string>("node:consent", {
          operator: op,
          signerKeystore: file,
        });
        expect(fromKeystore).to.equal(fromEnv);
      } finally {
        if (savedPassword === undefined) delete process.env[ENV_KEYSTORE_PASSWORD];
        else process.env[ENV_KEYSTORE_PASSWORD] = savedPassword;
        fs.rmSync(dir, { recursive: true, force: true });
      }
      await expectRefused(
        "node:consent",
        { operator: "nobody" },
        '--operator "nobody" is not an Ethereum address.',
      );
      await expectRefused("node:consent", { operator: op }, "No signer key");
      // node:register signs with the key in the environment
      process.env[ENV_SIGNER_KEY] = wallet.privateKey;
      await runTask("node:register", args(wallet.address));
      expect((await d.registry.nodeOf(wallet.address)).operator).to.equal(op);
    });

    it("refuses a --signer-key for another address, and a malformed one", async () => {
      const d = await deployed();
      const op = d.operators[0].address;
      const signer = newSigner();
      const other = newNodeKey();
      await expectRefused(
        "node:register",
        args(signer, { signerKey: other.privateKey }),
        `The signer key given is for ${other.address}, not --signer ${signer}.`,
        [op],
      );
      await expectRefused(
        "node:register",
        args(signer, { signerKey: "0x1234" }),
        "The signer key must be 32 bytes",
        [op],
      );
      expect((await d.registry.nodeOf(signer)).status).to.equal(0n);
      expect((await d.registry.nodeOf(other.address)).status).to.equal(0n);
    });
  });

  describe("node:stake", () => {
    it("tops up the bonded stake and prints the new total", async () => {
      const d = await deployed();
      const node = await register(d, "storage", "50000");
      const { result, out } = await runTask<SentTx>("node:stake", { node, amount: "1234.5", from: "1" });
      await expectPrintedTx(out, result);
      expect(out).to.include(`Node ${node} now has 51,234.5 PUSH bonded.`);
      expect((await d.registry.stakeOf(node))[0]).to.equal(parsePush("51234.5"));
    });

    it("refuses someone else's node, unknown nodes and zero amounts, sending nothing", async () => {
      const d = await deployed();
      const node = await register(d, "storage", "50000", 0);
      const other = d.operators[1].address;
      await expectRefused(
        "node:stake",
        { node, amount: "10", from: "2" },
        `Node ${node} is operated by ${d.operators[0].address}, not by ${other} (the --from account).`,
        [other],
      );
      const unknown = newSigner();
      await expectRefused(
        "node:stake",
        { node: unknown, amount: "10", from: "2" },
        `Node ${unknown} is not registered.`,
        [other],
      );
      await expectRefused(
        "node:stake",
        { node, amount: "0", from: "1" },
        "--amount must be more than 0 PUSH.",
        [d.operators[0].address],
      );
      await expectRefused(
        "node:stake",
        { node: "nope", amount: "1", from: "1" },
        '--node "nope" is not an Ethereum address.',
      );
    });

    it("refuses while the registry is paused, in one sentence", async () => {
      const d = await deployed();
      const node = await register(d, "storage", "50000", 0);
      const registry = (await hre.ethers.getContractAt(
        "NodeRegistry",
        d.deployment.contracts.NodeRegistry.address,
      )) as unknown as NodeRegistry;
      await (await registry.pause()).wait();
      await expectRefused(
        "node:stake",
        { node, amount: "1", from: "1" },
        "The NodeRegistry is paused: operator actions are disabled until governance unpauses it.",
        [d.operators[0].address],
      );
    });
  });

  describe("node:unstake, node:withdraw", () => {
    it("unbonds, refuses an early withdrawal, then withdraws after the unbonding period", async () => {
      const d = await deployed();
      const op = d.operators[0];
      const node = await register(d, "archive", "60000");
      const { result, out } = await runTask<SentTx>("node:unstake", { node, amount: "10000", from: "1" });
      await expectPrintedTx(out, result);
      expect(out).to.include("The 10,000 PUSH becomes withdrawable in 21d.");
      expect(await d.registry.stakeOf(node)).to.deep.equal([parsePush("50000"), parsePush("10000")]);
      const [entry] = await d.registry.unbondingEntries(node);
      const minedAt = (await hre.ethers.provider.getBlock(result.blockNumber))!.timestamp;
      expect(entry.releaseAt).to.equal(BigInt(minedAt) + (await d.registry.unbondingPeriod()));
      expect((await d.registry.nodeOf(node)).status).to.equal(1n); // still Active: 50,000 >= archive minimum

      await expectRefused(
        "node:withdraw",
        { node, from: "1" },
        new RegExp(
          `^withdraw matured stake of node ${node} failed: nothing is withdrawable yet: the next unbonding entry of node ${node} matures at \\S+Z \\(in 21d\\)\\.$`,
        ),
        [op.address],
      );

      await time.increaseTo(entry.releaseAt);
      const before = await d.token.balanceOf(op.address);
      const w = await runTask<SentTx & { amount: bigint }>("node:withdraw", { node, from: "1" });
      await expectPrintedTx(w.out, w.result);
      expect(w.out).to.include(`Withdrew 10,000 PUSH to ${op.address}.`);
      expect(await d.token.balanceOf(op.address)).to.equal(before + parsePush("10000"));
      expect(await d.registry.stakeOf(node)).to.deep.equal([parsePush("50000"), 0n]);

      await expectRefused(
        "node:withdraw",
        { node, from: "1" },
        `Node ${node} has no unbonding stake to withdraw.`,
        [op.address],
      );
    });

    it("withdraws when the next block matures the entry, though the latest block is older", async () => {
      const d = await deployed();
      const node = await register(d, "archive", "60000");
      await runTask("node:unstake", { node, amount: "10000", from: "1" });
      const [entry] = await d.registry.unbondingEntries(node);
      await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(entry.releaseAt)]);
      const { out } = await runTask("node:withdraw", { node, from: "1" });
      expect(out).to.include(`Withdrew 10,000 PUSH to ${d.operators[0].address}.`);
      expect(await d.registry.stakeOf(node)).to.deep.equal([parsePush("50000"), 0n]);
    });

    it("refuses an unstake that would jail the node unless --allow-jail, then says node:unjail is still needed", async () => {
      const d = await deployed();
      const node = await register(d, "storage", "65000");
      await expectRefused(
        "node:unstake",
        { node, amount: "20000", from: "1" },
        `Unstaking 20,000 PUSH leaves node ${node} with 45,000 PUSH bonded, below the storage minimum of 50,000 PUSH: ` +
          `the node would be Jailed and stop attesting until topped up (node:stake) and unjailed (node:unjail); ` +
          `pass --allow-jail to do it anyway, or unstake at most 15,000 PUSH; nothing was sent.`,
        [d.operators[0].address],
      );
      expect((await d.registry.nodeOf(node)).status).to.equal(1n);
      const { out } = await runTask("node:unstake", { node, amount: "20000", from: "1", allowJail: true });
      expect(out).to.include("the node would be Jailed and stop attesting");
      expect(out).to.include(
        `Node ${node} is now Jailed: bonded stake is below the storage minimum of 50,000 PUSH`,
      );
      expect((await d.registry.nodeOf(node)).status).to.equal(2n);

      const partial = await runTask("node:stake", { node, amount: "1000", from: "1" });
      expect(partial.out).to.include(
        `Node ${node} is still Jailed: stake 4,000 PUSH more to reach the storage minimum of 50,000 PUSH, then run node:unjail --node ${node}.`,
      );
      const full = await runTask("node:stake", { node, amount: "4000", from: "1" });
      expect(full.out).to.include(
        `Node ${node} is still Jailed: its stake is back at the minimum, so run node:unjail --node ${node} to make it Active again.`,
      );
      await runTask("node:unjail", { node, from: "1" });
      const after = await runTask("node:stake", { node, amount: "1", from: "1" });
      expect(after.out).to.not.include("Jailed");
    });

    it("refuses more than the bonded stake and someone else's node", async () => {
      const d = await deployed();
      const node = await register(d, "delivery", "25000");
      await expectRefused(
        "node:unstake",
        { node, amount: "25000.000000000000000001", from: "1" },
        `--amount 25,000.000000000000000001 PUSH is more than node ${node}'s bonded stake of 25,000 PUSH.`,
        [d.operators[0].address],
      );
      await expectRefused("node:unstake", { node, amount: "1", from: "3" }, "is operated by", [
        d.operators[2].address,
      ]);
      await expectRefused("node:withdraw", { node, from: "3" }, "is operated by", [d.operators[2].address]);
    });

    it("turns an on-chain revert into a sentence naming the custom error (full unbonding queue)", async () => {
      const d = await deployed();
      const node = await register(d, "validator", "100100");
      for (let i = 0; i < 8; i++) await runTask("node:unstake", { node, amount: "1", from: "1" });
      await expectRefused(
        "node:unstake",
        { node, amount: "1", from: "1" },
        `request unstake of 1 PUSH from node ${node} failed: StakingVault: unbonding queue full (node=${node}, max=8).`,
        [d.operators[0].address],
      );
    });
  });

  describe("node:unjail", () => {
    it("refuses until the stake is back at the minimum, then reactivates the node", async () => {
      const d = await deployed();
      const node = await register(d, "storage", "50000");
      await expectRefused(
        "node:unjail",
        { node, from: "1" },
        `Cannot unjail node ${node}: it is Active (only Jailed nodes can).`,
        [d.operators[0].address],
      );
      await runTask("node:unstake", { node, amount: "5000", from: "1", allowJail: true });
      expect((await d.registry.nodeOf(node)).status).to.equal(2n);
      await expectRefused(
        "node:unjail",
        { node, from: "1" },
        `Node ${node} has 45,000 PUSH bonded, below the storage minimum of 50,000 PUSH: stake 5,000 PUSH more first.`,
        [d.operators[0].address],
      );
      await runTask("node:stake", { node, amount: "5000", from: "1" });
      const { result, out } = await runTask<SentTx>("node:unjail", { node, from: "1" });
      await expectPrintedTx(out, result);
      expect((await d.registry.nodeOf(node)).status).to.equal(1n);
      expect(await d.registry.isActive(node)).to.equal(true);
    });
  });

  describe("node:exit", () => {
    it("moves all stake to unbonding, then the withdrawal ends the node (Exited)", async () => {
      const d = await deployed();
      const op = d.operators[1];
      const node = await register(d, "delivery", "30000", 1);
      const { result, out } = await runTask<SentTx>("node:exit", { node, from: "2" });
      await expectPrintedTx(out, result);
      expect(out).to.include("Its stake becomes withdrawable in 21d (node:withdraw).");
      expect((await d.registry.nodeOf(node)).status).to.equal(3n);
      expect(await d.registry.stakeOf(node)).to.deep.equal([0n, parsePush("30000")]);
      await expectRefused(
        "node:exit",
        { node, from: "2" },
        `Cannot exit node ${node}: it is Exiting (only Active or Jailed nodes can).`,
        [op.address],
      );
      await expectRefused(
        "node:stake",
        { node, amount: "1", from: "2" },
        `Cannot stake on node ${node}: it is Exiting`,
        [op.address],
      );

      await time.increase(await d.registry.unbondingPeriod());
      const before = await d.token.balanceOf(op.address);
      await runTask("node:withdraw", { node, from: "2" });
      expect(await d.token.balanceOf(op.address)).to.equal(before + parsePush("30000"));
      expect((await d.registry.nodeOf(node)).status).to.equal(4n);
      await expectRefused("node:update", { node, endpoint: "https://x.org", from: "2" }, "it is Exited", [
        op.address,
      ]);
      // The signer is never reused, even after the exit.
      await expectRefused(
        "node:register",
        {
          role: "delivery",
          signer: node,
          signerKey: KEYS.get(node)!,
          amount: "30000",
          endpoint: "https://again.example.org",
          from: "2",
        },
        "is already registered",
        [op.address],
      );
    });
  });

  describe("node:update", () => {
    it("changes the endpoint shown by node:status; refuses bad endpoints and other operators", async () => {
      const d = await deployed();
      const node = await register(d, "validator", "100000", 0, "https://old.example.org");
      const { result, out } = await runTask<SentTx>("node:update", {
        node,
        endpoint: "https://new.example.org:8443/push",
        from: "1",
      });
      await expectPrintedTx(out, result);
      const { result: rows } = await runTask<NodeStatusRow[]>("node:status", { node });
      expect(rows[0].endpoint).to.equal("https://new.example.org:8443/push");
      const op = d.operators[0].address;
      await expectRefused("node:update", { node, endpoint: "", from: "1" }, "--endpoint must not be empty.", [
        op,
      ]);
      await expectRefused(
        "node:update",
        { node, endpoint: "x".repeat(300), from: "1" },
        "--endpoint is 300 bytes long",
        [op],
      );
      await expectRefused("node:update", { node, endpoint: "https://y.org", from: "2" }, "is operated by", [
        d.operators[1].address,
      ]);
    });
  });

  describe("node:status", () => {
    it("shows every node with role, status, stakes, unbonding times, endpoint, signer and operator", async () => {
      const d = await deployed();
      const v = await register(d, "validator", "100000", 0);
      const s = await register(d, "storage", "70000", 1);
      await runTask("node:unstake", { node: s, amount: "20000", from: "2" });
      await runTask("node:unstake", { node: s, amount: "1000", from: "2", allowJail: true });
      const { result: rows, out } = await runTask<NodeStatusRow[]>("node:status");
      expect(rows.map((r) => r.node)).to.deep.equal([v, s]);
      const sr = rows[1];
      expect(sr).to.include({
        operator: d.operators[1].address,
        signer: s,
        role: "storage",
        status: "Jailed",
      });
      expect(sr.bonded).to.equal(parsePush("49000"));
      expect(sr.unbonding).to.equal(parsePush("21000"));
      const entries = await d.registry.unbondingEntries(s);
      expect(sr.entries).to.deep.equal(
        entries.map((e) => ({ amount: e.amount, releaseAt: Number(e.releaseAt) })),
      );
      expect(rows[0]).to.include({ endpoint: "https://validator.example.org", status: "Active" });
      // The default table fits 100 columns; the endpoint and unbonding entries are on lines under the node.
      expect(Math.max(...out.split("\n").map((l) => l.length))).to.be.at.most(100);
      expect(out).to.not.include("operator");
      expect(out).to.match(
        new RegExp(
          `${s}\\s+storage\\s+Jailed\\s+49,000\\s+21,000\\n {4}endpoint https://storage\\.example\\.org\\n {4}unbonding 20,000 at \\S+Z \\(in 21d\\)\\n {4}unbonding 1,000 at `,
        ),
      );
      expect(out).to.match(
        new RegExp(`${v}\\s+validator\\s+Active\\s+100,000\\s+0\\n {4}endpoint https://validator`),
      );
      // --wide: every column on one line per node, the operator included.
      const wide = (await runTask<NodeStatusRow[]>("node:status", { wide: true })).out;
      for (const header of [
        "node (signer)",
        "operator",
        "role",
        "status",
        "bonded PUSH",
        "unbonding PUSH",
        "unbonding entries",
        "endpoint",
      ])
        expect(wide).to.include(header);
      expect(wide).to.match(
        new RegExp(
          `${s}\\s+${d.operators[1].address}\\s+storage\\s+Jailed\\s+49,000\\s+21,000\\s+20,000 at \\S+Z \\(in 21d\\)`,
        ),
      );
      expect(wide).to.include("1,000 at ");
      expect(wide).to.include("https://storage.example.org");

      await time.increase(await d.registry.unbondingPeriod());
      const later = await runTask<NodeStatusRow[]>("node:status", { node: s });
      expect(later.result).to.have.length(1);
      expect(later.out).to.include("(withdrawable now)");
    });

    it("finds the same nodes and latest endpoints when scanning logs one block at a time", async () => {
      const d = await deployed();
      const a = await register(d, "validator", "100000", 0);
      const b = await register(d, "archive", "50000", 2);
      await runTask("node:update", { node: a, endpoint: "https://a2.example.org", from: "1" });
      await runTask("node:update", { node: a, endpoint: "https://a3.example.org", from: "1" });
      const client = await StakingClient.connect(hre, undefined, { logChunk: 1, log: () => undefined });
      const rows = await client.statusAll();
      expect(rows.map((r) => [r.node, r.endpoint])).to.deep.equal([
        [a, "https://a3.example.org"],
        [b, "https://archive.example.org"],
      ]);
      expect(formatStatusTable([], 0)).to.equal("No nodes registered.");
    });

    it("says when a node is not registered", async () => {
      await deployed();
      const x = newSigner();
      await expectRefused("node:status", { node: x }, `Node ${x} is not registered.`);
    });
  });

  describe("deployment file problems", () => {
    const file = deploymentPath("hardhat");

    it("missing deployment: one sentence, nothing sent", async () => {
      const d = await deployed();
      fs.rmSync(file);
      await expectRefused(
        "node:stake",
        { node: newSigner(), amount: "1", from: "1" },
        // Not "deploy to --network hardhat": that deployment would vanish with the command.
        /^No deployment: the embedded "hardhat" network \(used when --network is not given\) starts empty in every command and forgets everything when it exits: start `npx hardhat node` in another terminal and pass --network localhost to every command \(or try `npm run demo`\)\.$/,
        [d.operators[0].address],
      );
      await expectRefused("node:status", {}, "No deployment: the embedded");
    });

    it("a file for another chainId: one sentence, nothing sent", async () => {
      const d = await deployed();
      writeDeployment({ ...readDeployment("hardhat")!, chainId: 1 });
      await expectRefused(
        "node:register",
        { role: "validator", signer: newSigner(), amount: "100000", endpoint: "https://n.org", from: "1" },
        "deployments/hardhat.json is for chainId 1, but the connected chain is 31337: wrong network or stale file.",
        [d.operators[0].address],
      );
    });

    it("a file whose contracts are not on this chain (restarted chain): one sentence", async () => {
      const d = await deployed();
      const stale = readDeployment("hardhat")!;
      stale.contracts.NodeRegistry = { address: newSigner() };
      writeDeployment(stale);
      await expectRefused(
        "node:unjail",
        { node: newSigner(), from: "1" },
        /^deployments\/hardhat\.json does not match the chain \(no code at NodeRegistry 0x[0-9a-fA-F]{40}\): the chain was reset; run deploy:protocol again \(the embedded "hardhat" network .* --network localhost .*\)\.$/,
        [d.operators[0].address],
      );
    });
  });
});
