// `npm run demo`: the protocol on the embedded Hardhat network, driven through the same tasks operators use.
// It is a list of steps sharing one context, so later features add steps (or extend the context) without
// touching the others.
import { Wallet, id } from "ethers";
import hre from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { TestPush } from "../typechain-types";
import type { DeploymentFile } from "../src/deployments";
import { StakingClient } from "../src/staking-client";
import type { NodeStatusRow } from "../src/staking-client";
import { formatPush, parsePush } from "../src/units";

/** One node the demo runs: role, its signer key (the node id), operator account index and stake in PUSH. */
export interface DemoNode {
  role: "validator" | "storage" | "delivery" | "archive";
  signer: Wallet;
  operatorIndex: number;
  operator: HardhatEthersSigner;
  stake: string;
  endpoint: string;
}

export interface DemoContext {
  hre: HardhatRuntimeEnvironment;
  log: (line: string) => void;
  deployment?: DeploymentFile;
  operators: HardhatEthersSigner[];
  nodes: DemoNode[];
  /** Status table rows printed by the last status step. */
  statusRows: NodeStatusRow[];
}

export interface DemoStep {
  title: string;
  run(ctx: DemoContext): Promise<void>;
}

const FUNDING_PUSH = "200000";

function node(ctx: DemoContext, role: DemoNode["role"]): DemoNode {
  const n = ctx.nodes.find((x) => x.role === role);
  if (!n) throw new Error(`The demo has no ${role} node.`);
  return n;
}

async function printStatus(ctx: DemoContext): Promise<void> {
  ctx.statusRows = (await ctx.hre.run("node:status")) as NodeStatusRow[];
}

export const STEPS: DemoStep[] = [
  {
    title: "Deploy the protocol (test token, StakingVault, NodeRegistry, ...)",
    async run(ctx) {
      ctx.deployment = (await ctx.hre.run("deploy:protocol", { fresh: true })) as DeploymentFile;
    },
  },
  {
    title: `Mint ${formatPush(parsePush(FUNDING_PUSH))} test PUSH to four operators`,
    async run(ctx) {
      const signers = await ctx.hre.ethers.getSigners();
      ctx.operators = signers.slice(1, 5);
      const token = (await ctx.hre.ethers.getContractAt(
        "TestPush",
        ctx.deployment!.contracts.PushToken.address,
      )) as unknown as TestPush;
      for (const op of ctx.operators) {
        await (await token.mint(op.address, parsePush(FUNDING_PUSH))).wait();
        ctx.log(`  operator ${op.address}: ${formatPush(await token.balanceOf(op.address))} PUSH`);
      }
      // One node per role, each from a different operator; signer keys are fixed so runs are comparable.
      const plan: [DemoNode["role"], string][] = [
        ["validator", "100000"],
        ["storage", "50000"],
        ["delivery", "30000"],
        ["archive", "60000"],
      ];
      ctx.nodes = plan.map(([role, stake], i) => ({
        role,
        signer: new Wallet(id(`push-demo-node-${role}`)),
        operatorIndex: i + 1,
        operator: ctx.operators[i],
        stake,
        endpoint: `https://${role}.demo.push.local`,
      }));
    },
  },
  {
    title: "Register one node per role (node:register, approval by EIP-2612 permit)",
    async run(ctx) {
      for (const n of ctx.nodes) {
        await ctx.hre.run("node:register", {
          role: n.role,
          endpoint: n.endpoint,
          signer: n.signer.address,
          amount: n.stake,
          from: String(n.operatorIndex),
        });
      }
    },
  },
  {
    title: "Top up the storage node (node:stake) and move the delivery node's endpoint (node:update)",
    async run(ctx) {
      const storage = node(ctx, "storage");
      await ctx.hre.run("node:stake", {
        node: storage.signer.address,
        amount: "15000",
        from: String(storage.operatorIndex),
      });
      const delivery = node(ctx, "delivery");
      await ctx.hre.run("node:update", {
        node: delivery.signer.address,
        endpoint: "https://delivery-2.demo.push.local",
        from: String(delivery.operatorIndex),
      });
    },
  },
  {
    title: "The archive node requests an unstake of 10,000 PUSH (node:unstake)",
    async run(ctx) {
      const archive = node(ctx, "archive");
      await ctx.hre.run("node:unstake", {
        node: archive.signer.address,
        amount: "10000",
        from: String(archive.operatorIndex),
      });
      await printStatus(ctx);
    },
  },
  {
    title: "Advance time past the unbonding period",
    async run(ctx) {
      const client = await StakingClient.connect(ctx.hre, undefined, { log: ctx.log });
      const period = Number(await client.registry.unbondingPeriod());
      await ctx.hre.network.provider.send("evm_increaseTime", [period + 1]);
      await ctx.hre.network.provider.send("evm_mine", []);
      ctx.log(`  advanced ${period + 1} seconds (${(period / 86400).toFixed(1)} days)`);
    },
  },
  {
    title: "The archive operator withdraws the matured stake (node:withdraw)",
    async run(ctx) {
      const archive = node(ctx, "archive");
      await ctx.hre.run("node:withdraw", {
        node: archive.signer.address,
        from: String(archive.operatorIndex),
      });
    },
  },
  {
    title: "The delivery node exits (node:exit): its whole stake starts unbonding",
    async run(ctx) {
      const delivery = node(ctx, "delivery");
      await ctx.hre.run("node:exit", { node: delivery.signer.address, from: String(delivery.operatorIndex) });
    },
  },
  {
    title: "Status of every node (node:status)",
    async run(ctx) {
      await printStatus(ctx);
    },
  },
];

/** Runs every step on `h`'s network (the embedded one under `npm run demo`); returns the final context. */
export async function main(h: HardhatRuntimeEnvironment = hre, log = console.log): Promise<DemoContext> {
  const ctx: DemoContext = { hre: h, log, operators: [], nodes: [], statusRows: [] };
  log(`Push Nodes demo on network "${h.network.name}"`);
  for (const [i, step] of STEPS.entries()) {
    log("");
    log(`== ${i + 1}. ${step.title}`);
    await step.run(ctx);
  }
  log("");
  log("Demo finished.");
  return ctx;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
