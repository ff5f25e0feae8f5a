// Governance tasks: every change goes through the TimelockController (src/gov/timelock.ts), except pausing,
// which the guardian does directly. See README, "Governance".
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Contract, Interface } from "ethers";
import { writeDeployment } from "../src/deployments";
import type { DeploymentFile } from "../src/deployments";
import { PARAM_SPECS, boundsViolation, formatParam, paramSpec, parseParamValue } from "../src/params/spec";
import { readParam, sameValue } from "../src/params/read";
import { govOptions, withGovOptions } from "../src/gov/options";
import type { GovTaskArgs } from "../src/gov/options";
import fs from "node:fs";
import path from "node:path";
import {
  CANCELLER_ROLE,
  OPERATION_STATES,
  TIMELOCK_INTERFACE,
  makeCall,
  runGovAction,
  safeBatch,
  timelockOf,
} from "../src/gov/timelock";
import type { GovCall, GovResult } from "../src/gov/timelock";
import { ACCESS_ABI, GOVERNED, ROLES } from "../src/deploy/wiring";
import { KEYSTORE_HELP, signerFor } from "../src/signer";
import { TaskError, loadDeployment, sendTx } from "../src/tasks-util";
import type { SentTx } from "../src/tasks-util";

const PAUSABLE = GOVERNED.filter((g) => g.guardian).map((g) => g.name);

function deployed(d: DeploymentFile, name: string): string {
  const c = d.contracts[name];
  if (!c)
    throw new TaskError(`${name} is not deployed on network "${d.network}" (deployments/${d.network}.json).`);
  return c.address;
}

/** "NodeRegistry" / "all" -> the deployed pausable contracts named. */
function pausableTargets(d: DeploymentFile, contract: string): string[] {
  if (contract === "all") return PAUSABLE.filter((n) => d.contracts[n] !== undefined);
  const name = PAUSABLE.find((n) => n.toLowerCase() === contract.toLowerCase());
  if (!name)
    throw new TaskError(`--contract must be one of ${PAUSABLE.join(", ")} or all, not "${contract}".`);
  deployed(d, name);
  return [name];
}

async function isPaused(hre: HardhatRuntimeEnvironment, address: string): Promise<boolean> {
  const c = new Contract(address, ["function paused() view returns (bool)"], hre.ethers.provider);
  return (await c.getFunction("paused")()) as boolean;
}

withGovOptions(
  task(
    "gov:params",
    `Sets a protocol parameter through the timelock, after checking its hard bounds locally. Names: ${PARAM_SPECS.map((s) => s.name).join(", ")}`,
  )
    .addParam("name", "Parameter name (see the task description), e.g. unbondingPeriod or minStake.VALIDATOR")
    .addParam(
      "value",
      "New value: durations as 21d / 10m / 3600 (seconds), amounts in PUSH (1000), bps and counts as integers, quorum as 2/3",
    ),
).setAction(async (args: GovTaskArgs & { name: string; value: string }, hre): Promise<GovResult> => {
  const spec = paramSpec(args.name);
  if (!spec)
    throw new TaskError(
      `"${args.name}" is not a parameter: use one of ${PARAM_SPECS.map((s) => s.name).join(", ")}.`,
    );
  const d = await loadDeployment(hre);
  const address = deployed(d, spec.contract);
  let value: bigint[];
  try {
    value = parseParamValue(spec, args.value, "--value");
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  const registry = new Contract(
    deployed(d, "NodeRegistry"),
    ["function shortTimeBounds() view returns (bool)", "function unbondingPeriod() view returns (uint64)"],
    hre.ethers.provider,
  );
  const short = (await registry.getFunction("shortTimeBounds")()) as boolean;
  const context: { unbondingPeriod?: bigint; faultWindow?: bigint } = {
    unbondingPeriod: (await registry.getFunction("unbondingPeriod")()) as bigint,
  };
  const fw = paramSpec("faultWindow")!;
  if (d.contracts.SlashingCourt)
    context.faultWindow = (await readParam(hre, fw, d.contracts.SlashingCourt.address))[0];
  const why = boundsViolation(spec, value, short, context);
  if (why) throw new TaskError(`${why.replace(/\.$/, "")}; nothing was sent.`);
  const now = await readParam(hre, spec, address);
  if (sameValue(now, value))
    throw new TaskError(`${spec.name} is already ${formatParam(spec, value)}: nothing to do.`);
  const { signature, args: callArgs } = spec.call(value);
  const call = makeCall(address, spec.contract, signature, callArgs);
  const result = await runGovAction(
    hre,
    `set ${spec.name} from ${formatParam(spec, now)} to ${formatParam(spec, value)}`,
    [call],
    await govOptions(hre, args),
  );
  if (result.state === "Done" && result.executed)
    console.log(`${spec.name} is now ${formatParam(spec, await readParam(hre, spec, address))}.`);
  return result;
});

task(
  "gov:pause",
  "Pauses contracts at once, from the guardian's account (no timelock: the guardian can pause, never unpause)",
)
  .addOptionalParam("contract", `${PAUSABLE.join(", ")} or all`, "all")
  .addOptionalParam(
    "from",
    "Guardian account: an index among the network's accounts or an address (default: the first)",
  )
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(async (args: { contract: string; from?: string; keystore?: string }, hre): Promise<SentTx[]> => {
    const d = await loadDeployment(hre);
    const names = pausableTargets(d, args.contract);
    const signer = await signerFor(hre, { from: args.from, keystore: args.keystore });
    const me = await signer.getAddress();
    const sent: SentTx[] = [];
    for (const name of names) {
      const address = d.contracts[name].address;
      const access = new Contract(address, [...ACCESS_ABI, "function pause()"], signer);
      if (!((await access.getFunction("hasRole")(ROLES.GUARDIAN_ROLE, me)) as boolean))
        throw new TaskError(`${me} is not the guardian of ${name}: it cannot pause it; nothing was sent.`);
      if (await isPaused(hre, address)) {
        console.log(`${name} is already paused.`);
        continue;
      }
      const iface = new Interface([
        ...ACCESS_ABI,
        "function pause()",
        "error ExpectedPause()",
        "error EnforcedPause()",
      ]);
      sent.push(await sendTx(`pause ${name}`, () => access.getFunction("pause")(), [iface], [name]));
    }
    return sent;
  });

withGovOptions(
  task(
    "gov:unpause",
    "Unpauses paused contracts through the timelock (one operation for all of them)",
  ).addOptionalParam("contract", `${PAUSABLE.join(", ")} or all (the paused ones)`, "all"),
).setAction(async (args: GovTaskArgs & { contract: string }, hre): Promise<GovResult> => {
  const d = await loadDeployment(hre);
  const calls: GovCall[] = [];
  for (const name of pausableTargets(d, args.contract)) {
    const address = d.contracts[name].address;
    if (await isPaused(hre, address)) calls.push(makeCall(address, name, "unpause()", []));
    else if (args.contract !== "all") throw new TaskError(`${name} is not paused: nothing to unpause.`);
  }
  if (calls.length === 0) throw new TaskError("No contract is paused: nothing to unpause.");
  return runGovAction(
    hre,
    `unpause ${calls.map((c) => c.targetName).join(", ")}`,
    calls,
    await govOptions(hre, args),
  );
});

withGovOptions(
  task(
    "gov:upgrade",
    "Upgrades a UUPS proxy through the timelock: validates and deploys the new implementation (hardhat-upgrades prepareUpgrade), then schedules / executes upgradeToAndCall",
  )
    .addParam("contract", "Proxy to upgrade, by its name in deployments/<network>.json (e.g. NodeRegistry)")
    .addOptionalParam(
      "implementation",
      "Contract (artifact) name of the new implementation (default: the same name)",
    )
    .addOptionalParam(
      "constructorArgs",
      "JSON array of the new implementation's constructor arguments (default: the recorded ones, e.g. the vault's token and registry)",
    ),
).setAction(
  async (
    args: GovTaskArgs & { contract: string; implementation?: string; constructorArgs?: string },
    hre,
  ): Promise<GovResult & { implementation: string }> => {
    const d = await loadDeployment(hre);
    const proxy = deployed(d, args.contract);
    const recorded = d.contracts[args.contract];
    if (!recorded.implementation)
      throw new TaskError(`${args.contract} is not a proxy: it cannot be upgraded.`);
    let constructorArgs: unknown[] = recorded.constructorArgs ?? [];
    if (args.constructorArgs !== undefined) {
      try {
        constructorArgs = JSON.parse(args.constructorArgs) as unknown[];
      } catch {
        throw new TaskError(`--constructor-args must be a JSON array, e.g. '["0x...", 1]'.`);
      }
      if (!Array.isArray(constructorArgs)) throw new TaskError(`--constructor-args must be a JSON array.`);
    }
    const implName = args.implementation ?? args.contract;
    if (!(await hre.artifacts.artifactExists(implName)))
      throw new TaskError(`No contract named "${implName}" in this checkout's artifacts.`);
    const options = await govOptions(hre, args);
    const factory = await hre.ethers.getContractFactory(implName, options.signer);
    let implementation: string;
    try {
      implementation = String(
        await hre.upgrades.prepareUpgrade(proxy, factory, {
          kind: "uups",
          constructorArgs,
        }),
      );
    } catch (e) {
      throw new TaskError(
        `${implName} is not a safe upgrade of ${args.contract}: ${(e as Error).message.split("\n")[0]}`,
      );
    }
    console.log(`New implementation ${implName} validated and deployed at ${implementation}.`);
    const call = makeCall(proxy, args.contract, "upgradeToAndCall(address,bytes)", [implementation, "0x"]);
    const result = await runGovAction(
      hre,
      `upgrade ${args.contract} to ${implName} ${implementation}`,
      [call],
      options,
    );
    if (result.executed) {
      const now = await hre.upgrades.erc1967.getImplementationAddress(proxy);
      d.contracts[args.contract] = { ...recorded, implementation: now, constructorArgs };
      writeDeployment(d);
      console.log(`${args.contract} now runs implementation ${now}; deployments/${d.network}.json updated.`);
    }
    return { ...result, implementation };
  },
);

withGovOptions(
  task(
    "gov:call",
    "Any governance call through the timelock: a function of a deployed contract with its arguments",
  )
    .addParam("contract", "Target: a name in deployments/<network>.json (e.g. NodeRegistry) or an address")
    .addParam("function", 'Function signature, e.g. "grantRole(bytes32,address)"')
    .addOptionalParam("args", "JSON array of the arguments (numbers as strings for uint256)", "[]"),
).setAction(
  async (
    args: GovTaskArgs & { contract: string; function: string; args: string },
    hre,
  ): Promise<GovResult> => {
    const d = await loadDeployment(hre);
    const target = hre.ethers.isAddress(args.contract)
      ? hre.ethers.getAddress(args.contract)
      : deployed(d, args.contract);
    let list: unknown;
    try {
      list = JSON.parse(args.args);
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list)) throw new TaskError(`--args must be a JSON array, e.g. '["0x...", "100"]'.`);
    const call = makeCall(target, args.contract, args.function, list);
    return runGovAction(
      hre,
      `call ${args.function} on ${args.contract}`,
      [call],
      await govOptions(hre, args),
    );
  },
);

task(
  "gov:cancel",
  "Cancels a scheduled timelock operation that is not executed yet (waiting or ready), from a canceller of the timelock",
)
  .addParam("id", "Operation id (bytes32), as gov:status lists it")
  .addOptionalParam(
    "safe",
    "Write a Safe Transaction Builder file (<path>-cancel.json) instead of sending (default when the sender is not a canceller: deployments/gov/<network>-<id>)",
  )
  .addOptionalParam(
    "from",
    "Canceller account: an index among the network's accounts or an address (default: the first)",
  )
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(
    async (
      args: { id: string; safe?: string; from?: string; keystore?: string },
      hre,
    ): Promise<{ id: string; state: string; cancelled?: SentTx; safeFile?: string }> => {
      if (!hre.ethers.isHexString(args.id, 32))
        throw new TaskError(`--id must be an operation id (0x and 64 hex digits), not "${args.id}".`);
      const { timelock } = await timelockOf(hre);
      const timelockAddress = await timelock.getAddress();
      const state = OPERATION_STATES[Number(await timelock.getFunction("getOperationState")(args.id))];
      if (state === "Unset")
        throw new TaskError(
          `Operation ${args.id} is not scheduled on the timelock ${timelockAddress} (never scheduled, or already cancelled).`,
        );
      if (state === "Done")
        throw new TaskError(`Operation ${args.id} was already executed: it cannot be cancelled.`);
      const signer = await signerFor(hre, { from: args.from, keystore: args.keystore });
      const me = await signer.getAddress();
      const isCanceller = (await timelock.getFunction("hasRole")(CANCELLER_ROLE, me)) as boolean;
      if (args.safe !== undefined || !isCanceller) {
        const { chainId } = await hre.ethers.provider.getNetwork();
        const stem = (
          args.safe ?? path.join("deployments", "gov", `${hre.network.name}-${args.id.slice(2, 10)}`)
        ).replace(/\.json$/, "");
        const file = `${stem}-cancel.json`;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(
          file,
          JSON.stringify(
            safeBatch(
              chainId,
              timelockAddress,
              "cancel",
              [args.id],
              `Cancel ${args.id}`,
              `Cancel timelock operation ${args.id}`,
            ),
            null,
            2,
          ) + "\n",
        );
        console.log(
          `${isCanceller ? "" : `${me} is not a canceller of the timelock ${timelockAddress}: `}wrote the Safe Transaction Builder file ${file} (cancel operation ${args.id}).`,
        );
        return { id: args.id, state, safeFile: file };
      }
      const connected = timelock.connect(signer) as Contract;
      const cancelled = await sendTx(
        `cancel operation ${args.id}`,
        () => connected.getFunction("cancel")(args.id),
        [TIMELOCK_INTERFACE],
        ["Timelock"],
      );
      console.log(`Operation ${args.id} is cancelled (it was ${state}).`);
      return { id: args.id, state: "Cancelled", cancelled };
    },
  );

export interface PendingOperation {
  id: string;
  state: string;
  eta: number;
  calls: { target: string; data: string }[];
}

task(
  "gov:status",
  "Lists the timelock's operations that are not executed yet (waiting or ready), with their ETA",
)
  .addFlag("all", "Also list executed and cancelled operations")
  .setAction(async (args: { all: boolean }, hre): Promise<PendingOperation[]> => {
    const { deployment: d, timelock } = await timelockOf(hre);
    const minDelay = (await timelock.getFunction("getMinDelay")()) as bigint;
    const names = new Map(Object.entries(d.contracts).map(([n, c]) => [c.address.toLowerCase(), n]));
    const ifaces: Interface[] = [];
    for (const n of Object.keys(d.contracts))
      if (await hre.artifacts.artifactExists(n))
        ifaces.push(new Interface((await hre.artifacts.readArtifact(n)).abi));
    const describe = (target: string, data: string): string => {
      for (const i of ifaces) {
        try {
          const p = i.parseTransaction({ data });
          if (p)
            return `${names.get(target.toLowerCase()) ?? target}.${p.name}(${p.args.map(String).join(", ")})`;
        } catch {
          /* not this interface */
        }
      }
      return `${names.get(target.toLowerCase()) ?? target} ${data.slice(0, 10)}`;
    };
    const logs = await hre.ethers.provider.getLogs({
      address: await timelock.getAddress(),
      fromBlock: d.deployBlock,
      toBlock: "latest",
      topics: [TIMELOCK_INTERFACE.getEvent("CallScheduled")!.topicHash],
    });
    const ops = new Map<string, PendingOperation>();
    for (const l of logs) {
      const ev = TIMELOCK_INTERFACE.parseLog(l)!;
      const id = ev.args.id as string;
      const op = ops.get(id) ?? { id, state: "", eta: 0, calls: [] };
      op.calls.push({ target: ev.args.target as string, data: ev.args.data as string });
      ops.set(id, op);
    }
    const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    const shown: PendingOperation[] = [];
    console.log(
      `Timelock ${await timelock.getAddress()} (min delay ${minDelay} s) on "${hre.network.name}":`,
    );
    for (const op of ops.values()) {
      op.state = OPERATION_STATES[Number(await timelock.getFunction("getOperationState")(op.id))];
      op.eta = Number(await timelock.getFunction("getTimestamp")(op.id));
      if (op.state === "Unset") op.state = "Cancelled";
      if (!args.all && (op.state === "Done" || op.state === "Cancelled")) continue;
      shown.push(op);
      const when =
        op.state === "Waiting"
          ? `ETA ${new Date(op.eta * 1000).toISOString()} (in ${op.eta - now} s)`
          : op.state === "Ready"
            ? `ready since ${new Date(op.eta * 1000).toISOString()}`
            : op.state.toLowerCase();
      console.log(`- ${op.id} ${op.state}: ${when}`);
      for (const c of op.calls) console.log(`    ${describe(c.target, c.data)}`);
    }
    if (shown.length === 0) console.log(args.all ? "No operations." : "No pending operations.");
    return shown;
  });
