// Governance through the OpenZeppelin TimelockController: any contract call (target, function, args) becomes a
// timelock operation, scheduled by the proposer (a multisig, or the deployer on local networks), executed after
// the delay. `runGovAction` takes the operation one step further each time it is run:
//   not scheduled -> schedule it (sent when the sender is a proposer, else written as a Safe Transaction
//   Builder file for the multisig); waiting -> one sentence with the ETA, nothing sent; ready -> execute it;
//   done -> says so. With `execute` on hardhat/localhost it schedules, advances time and executes at once.
// gov:* tasks (tasks/gov.ts) and later ones (gov:slash, gov:dispute) are thin layers on top of it.
import fs from "node:fs";
import path from "node:path";
import { AbiCoder, Contract, Interface, ZeroHash, id, isHexString, keccak256 } from "ethers";
import { isError } from "ethers";
import type { ContractTransactionResponse, FunctionFragment, Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentFile } from "../deployments";
import { isLocalNetwork } from "../deploy/network";
import { explainError, revertData } from "../errors";
import { TaskError, loadDeployment, sendTx } from "../tasks-util";
import type { SentTx } from "../tasks-util";

export const TIMELOCK = "TimelockController";

export const TIMELOCK_ABI = [
  "function schedule(address target, uint256 value, bytes data, bytes32 predecessor, bytes32 salt, uint256 delay)",
  "function scheduleBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt, uint256 delay)",
  "function execute(address target, uint256 value, bytes payload, bytes32 predecessor, bytes32 salt) payable",
  "function executeBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) payable",
  "function getMinDelay() view returns (uint256)",
  "function getTimestamp(bytes32 id) view returns (uint256)",
  "function getOperationState(bytes32 id) view returns (uint8)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function cancel(bytes32 id)",
  "event CallScheduled(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data, bytes32 predecessor, uint256 delay)",
  "event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data)",
  "event Cancelled(bytes32 indexed id)",
  "error TimelockInvalidOperationLength(uint256 targets, uint256 payloads, uint256 values)",
  "error TimelockInsufficientDelay(uint256 delay, uint256 minDelay)",
  "error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates)",
  "error TimelockUnexecutedPredecessor(bytes32 predecessorId)",
  "error TimelockUnauthorizedCaller(address caller)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  // OpenZeppelin 5 Address/Errors: a call that reverted without data (no such function, or a bare revert).
  "error FailedCall()",
  "error TimelockFailedCall()",
];
export const TIMELOCK_INTERFACE = new Interface(TIMELOCK_ABI);
export const PROPOSER_ROLE = id("PROPOSER_ROLE");
export const EXECUTOR_ROLE = id("EXECUTOR_ROLE");
export const CANCELLER_ROLE = id("CANCELLER_ROLE");
/** Selector of OpenZeppelin's FailedCall(): the timelock's call reverted without revert data. */
export const FAILED_CALL_SELECTOR = "0xd6bda275";
export const OPERATION_STATES = ["Unset", "Waiting", "Ready", "Done"] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

/** One call the timelock makes. `fragment` and `args` describe it for people and for the Safe file. */
export interface GovCall {
  target: string;
  /** Name of the target in the deployment (or its address). */
  targetName: string;
  value: bigint;
  data: string;
  fragment: FunctionFragment;
  args: readonly unknown[];
}

/** Encodes `signature` ("setMinStake(uint8,uint256)" or a full human-readable fragment) with `args`. */
export function makeCall(
  target: string,
  targetName: string,
  signature: string,
  args: readonly unknown[],
  value = 0n,
): GovCall {
  const iface = new Interface([signature.startsWith("function ") ? signature : `function ${signature}`]);
  const fragment = iface.fragments[0] as FunctionFragment;
  if (fragment.inputs.length !== args.length)
    throw new TaskError(
      `${fragment.format("sighash")} takes ${fragment.inputs.length} arguments, not ${args.length}.`,
    );
  let data: string;
  try {
    data = iface.encodeFunctionData(fragment, args);
  } catch (e) {
    throw new TaskError(
      `Cannot encode ${fragment.format("sighash")} with ${JSON.stringify(args, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}: ${(e as Error).message.split("(")[0].trim()}.`,
    );
  }
  return { target, targetName, value, data, fragment, args };
}

export function describeCall(c: GovCall): string {
  const args = c.args.map((a) => (typeof a === "bigint" ? a.toString() : String(a))).join(", ");
  return `${c.targetName}.${c.fragment.name}(${args})`;
}

/** A timelock operation: one call (schedule/execute) or several (scheduleBatch/executeBatch). */
export interface Operation {
  calls: GovCall[];
  predecessor: string;
  salt: string;
  delay: bigint;
  id: string;
}

/** `salt` as bytes32: a 0x-prefixed 32-byte hex, or any text (hashed with keccak256); default zero. */
export function parseSalt(salt: string | undefined): string {
  if (salt === undefined || salt === "") return ZeroHash;
  if (isHexString(salt, 32)) return salt;
  return id(salt);
}

export function operationId(calls: GovCall[], predecessor: string, salt: string): string {
  const coder = AbiCoder.defaultAbiCoder();
  if (calls.length === 1) {
    const [c] = calls;
    return keccak256(
      coder.encode(
        ["address", "uint256", "bytes", "bytes32", "bytes32"],
        [c.target, c.value, c.data, predecessor, salt],
      ),
    );
  }
  return keccak256(
    coder.encode(
      ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"],
      [calls.map((c) => c.target), calls.map((c) => c.value), calls.map((c) => c.data), predecessor, salt],
    ),
  );
}

/** The timelock's `schedule`/`scheduleBatch` and `execute`/`executeBatch` calls of an operation. */
export function timelockCalls(op: Operation): {
  schedule: { method: string; args: unknown[] };
  execute: { method: string; args: unknown[] };
} {
  const { calls, predecessor, salt, delay } = op;
  if (calls.length === 1) {
    const [c] = calls;
    return {
      schedule: { method: "schedule", args: [c.target, c.value, c.data, predecessor, salt, delay] },
      execute: { method: "execute", args: [c.target, c.value, c.data, predecessor, salt] },
    };
  }
  const arrays = [calls.map((c) => c.target), calls.map((c) => c.value), calls.map((c) => c.data)];
  return {
    schedule: { method: "scheduleBatch", args: [...arrays, predecessor, salt, delay] },
    execute: { method: "executeBatch", args: [...arrays, predecessor, salt] },
  };
}

// ------------------------------------------------------------------------------------------ Safe file

/** One transaction of a Safe Transaction Builder batch file. */
export interface SafeTransaction {
  to: string;
  value: string;
  data: string | null;
  contractMethod: {
    inputs: { internalType: string; name: string; type: string }[];
    name: string;
    payable: boolean;
  };
  contractInputsValues: Record<string, string>;
}

/** The batch file Safe's Transaction Builder imports ("Drag and drop a JSON file"). */
export interface SafeBatchFile {
  version: "1.0";
  chainId: string;
  createdAt: number;
  meta: {
    name: string;
    description: string;
    txBuilderVersion: string;
    createdFromSafeAddress: string;
    createdFromOwnerAddress: string;
  };
  transactions: SafeTransaction[];
}

function safeValue(v: unknown): string {
  if (Array.isArray(v))
    return JSON.stringify(v.map((x) => (typeof x === "bigint" ? x.toString() : String(x))));
  return typeof v === "bigint" ? v.toString() : String(v);
}

/** A Safe Transaction Builder file holding one call of the timelock (schedule or execute). */
export function safeBatch(
  chainId: bigint | number,
  timelock: string,
  method: string,
  args: unknown[],
  name: string,
  description: string,
  safe = "",
): SafeBatchFile {
  const fragment = TIMELOCK_INTERFACE.getFunction(method);
  if (!fragment) throw new Error(`unknown timelock method ${method}`);
  const contractInputsValues: Record<string, string> = {};
  fragment.inputs.forEach((input, i) => (contractInputsValues[input.name] = safeValue(args[i])));
  return {
    version: "1.0",
    chainId: chainId.toString(),
    createdAt: Date.now(),
    meta: {
      name,
      description,
      txBuilderVersion: "1.16.5",
      createdFromSafeAddress: safe,
      createdFromOwnerAddress: "",
    },
    transactions: [
      {
        to: timelock,
        value: "0",
        data: null,
        contractMethod: {
          inputs: fragment.inputs.map((p) => ({ internalType: p.type, name: p.name, type: p.type })),
          name: fragment.name,
          payable: fragment.payable,
        },
        contractInputsValues,
      },
    ],
  };
}

// ------------------------------------------------------------------------------------------ running

export interface GovOptions {
  /** bytes32 or text (hashed); default zero. Change it to repeat an operation that was already executed. */
  salt?: string;
  /** Operation id that must be executed first; default none. */
  predecessor?: string;
  /** Seconds; default (and minimum) the timelock's min delay. */
  delay?: bigint;
  /** hardhat/localhost only: schedule, advance time to the ETA, execute. */
  execute?: boolean;
  /** Write the Safe Transaction Builder files to this path (…-schedule.json / …-execute.json) instead of sending. */
  safe?: string;
  /** Sender of schedule / execute transactions. */
  signer: Signer;
  /** Schedule without checking the calls against the targets' ABIs and simulating them as the timelock. */
  skipChecks?: boolean;
  log?: (line: string) => void;
}

export interface GovResult {
  id: string;
  state: OperationState;
  eta?: number;
  scheduled?: SentTx;
  executed?: SentTx;
  safeFiles?: string[];
}

export async function timelockOf(
  hre: HardhatRuntimeEnvironment,
  deployment?: DeploymentFile,
): Promise<{ deployment: DeploymentFile; timelock: Contract }> {
  const d = deployment ?? (await loadDeployment(hre));
  const t = d.contracts[TIMELOCK];
  if (!t)
    throw new TaskError(
      `deployments/${hre.network.name}.json has no TimelockController: deploy it with deploy:protocol first.`,
    );
  return { deployment: d, timelock: new Contract(t.address, TIMELOCK_ABI, hre.ethers.provider) };
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** A deployed contract's ABI from this checkout's artifacts, by its name in the deployment file. */
export interface KnownTarget {
  name: string;
  iface: Interface;
}

/** The deployed contracts whose artifact exists, by lower-case address. */
export async function knownTargets(
  hre: HardhatRuntimeEnvironment,
  d: DeploymentFile,
): Promise<Map<string, KnownTarget>> {
  const out = new Map<string, KnownTarget>();
  for (const [name, c] of Object.entries(d.contracts))
    if (await hre.artifacts.artifactExists(name))
      out.set(c.address.toLowerCase(), {
        name,
        iface: new Interface((await hre.artifacts.readArtifact(name)).abi),
      });
  return out;
}

/** Why a call reverted, as a sentence; a revert without data is said plainly (it is what FailedCall wraps). */
export function explainCallFailure(e: unknown, interfaces: Interface[], names: string[]): string {
  const data = revertData(e);
  const bare = data === undefined && isError(e, "CALL_EXCEPTION");
  if (bare || data?.toLowerCase() === FAILED_CALL_SELECTOR)
    return "it reverted without a reason (FailedCall: the target has no such function, or a bare revert).";
  return explainError(e, [...interfaces, TIMELOCK_INTERFACE], names);
}

/**
 * Checks each call before it is scheduled: the function must be in the target's ABI (when the target is a
 * contract of the deployment with an artifact), and the call must succeed now when the timelock makes it
 * (eth_call from the timelock). Throws one sentence otherwise.
 */
export async function checkCalls(
  hre: HardhatRuntimeEnvironment,
  d: DeploymentFile,
  timelock: string,
  calls: GovCall[],
): Promise<void> {
  const known = await knownTargets(hre, d);
  for (const c of calls) {
    const t = known.get(c.target.toLowerCase());
    const sighash = c.fragment.format("sighash");
    if (t && !t.iface.getFunction(c.fragment.selector)) {
      const same = t.iface.fragments
        .filter(
          (f): f is FunctionFragment =>
            f.type === "function" && (f as FunctionFragment).name === c.fragment.name,
        )
        .map((f) => f.format("sighash"));
      throw new TaskError(
        same.length > 0
          ? `${t.name} has no function ${sighash}: it has ${same.join(", ")}; nothing was scheduled.`
          : `${t.name} has no function named ${c.fragment.name}; nothing was scheduled.`,
      );
    }
    const code = await hre.ethers.provider.getCode(c.target);
    if (code === "0x")
      throw new TaskError(`${c.targetName} (${c.target}) is not a contract; nothing was scheduled.`);
    try {
      await hre.ethers.provider.call({ from: timelock, to: c.target, data: c.data, value: c.value });
    } catch (e) {
      const why = explainCallFailure(e, t ? [t.iface] : [], t ? [t.name] : []);
      throw new TaskError(
        `${describeCall(c)} would fail when the timelock makes it now: ${why.replace(/\.$/, "")}; nothing was scheduled (--skip-checks schedules it anyway).`,
      );
    }
  }
}

/** Runs the next step of the operation `calls` (see the file comment). */
export async function runGovAction(
  hre: HardhatRuntimeEnvironment,
  what: string,
  calls: GovCall[],
  opts: GovOptions,
): Promise<GovResult> {
  const log = opts.log ?? console.log;
  const local = isLocalNetwork(hre);
  if (opts.execute && !local)
    throw new TaskError(
      `--execute advances the chain's time, which only hardhat and localhost allow: on "${hre.network.name}" run the command again once the operation is ripe.`,
    );
  const { deployment, timelock } = await timelockOf(hre);
  const timelockAddress = await timelock.getAddress();
  const minDelay = (await timelock.getFunction("getMinDelay")()) as bigint;
  const delay = opts.delay ?? minDelay;
  if (delay < minDelay)
    throw new TaskError(`--delay ${delay} is below the timelock's minimum delay of ${minDelay} seconds.`);
  const predecessor = opts.predecessor ? opts.predecessor : ZeroHash;
  if (!isHexString(predecessor, 32)) throw new TaskError(`--predecessor must be an operation id (bytes32).`);
  const salt = parseSalt(opts.salt);
  const op: Operation = { calls, predecessor, salt, delay, id: operationId(calls, predecessor, salt) };
  const tl = timelockCalls(op);
  const sender = await opts.signer.getAddress();
  const connected = timelock.connect(opts.signer) as Contract;
  const stateOf = async (): Promise<OperationState> =>
    OPERATION_STATES[Number(await timelock.getFunction("getOperationState")(op.id))];
  const etaOf = async (): Promise<number> => Number(await timelock.getFunction("getTimestamp")(op.id));
  const known = [...(await knownTargets(hre, deployment)).values()];
  const ifaces = [TIMELOCK_INTERFACE, ...known.map((k) => k.iface)];
  const names = ["Timelock", ...known.map((k) => k.name)];
  const send = async (label: string, method: string, args: unknown[]): Promise<SentTx> => {
    let failure: unknown;
    try {
      return await sendTx(
        label,
        async () => {
          try {
            return (await connected.getFunction(method)(...args)) as ContractTransactionResponse;
          } catch (e) {
            failure = e;
            throw e;
          }
        },
        ifaces,
        names,
        log,
      );
    } catch (e) {
      if (failure === undefined) throw e;
      throw new TaskError(`${label} failed: ${explainCallFailure(failure, ifaces, names)}`);
    }
  };

  log(`${what}`);
  for (const c of calls) log(`  call: ${describeCall(c)} -> ${c.target}`);
  log(`  operation id ${op.id} (salt ${salt}, predecessor ${predecessor}, delay ${delay} s)`);
  const result: GovResult = { id: op.id, state: await stateOf() };

  if (result.state === "Done") {
    log(`Operation ${op.id} was already executed (pass another --salt to do it again).`);
    return result;
  }

  if (result.state === "Unset") {
    if (!opts.skipChecks) await checkCalls(hre, deployment, timelockAddress, calls);
    const isProposer = (await timelock.getFunction("hasRole")(PROPOSER_ROLE, sender)) as boolean;
    if (opts.safe !== undefined || !isProposer) {
      const { chainId } = await hre.ethers.provider.getNetwork();
      const base = opts.safe ?? path.join("deployments", "gov", `${hre.network.name}-${op.id.slice(2, 10)}`);
      const stem = base.replace(/\.json$/, "");
      const files = [`${stem}-schedule.json`, `${stem}-execute.json`];
      fs.mkdirSync(path.dirname(files[0]), { recursive: true });
      const desc = `${calls.map(describeCall).join("; ")} (operation ${op.id})`;
      fs.writeFileSync(
        files[0],
        JSON.stringify(
          safeBatch(
            chainId,
            timelockAddress,
            tl.schedule.method,
            tl.schedule.args,
            `Schedule: ${what}`,
            desc,
          ),
          null,
          2,
        ) + "\n",
      );
      fs.writeFileSync(
        files[1],
        JSON.stringify(
          safeBatch(chainId, timelockAddress, tl.execute.method, tl.execute.args, `Execute: ${what}`, desc),
          null,
          2,
        ) + "\n",
      );
      log(
        `${isProposer ? "" : `${sender} is not a proposer of the timelock ${timelockAddress}: `}wrote the Safe Transaction Builder files ${files[0]} (schedule now) and ${files[1]} (execute after ${delay} s).`,
      );
      result.safeFiles = files;
      return result;
    }
    result.scheduled = await send(`schedule ${what}`, tl.schedule.method, tl.schedule.args);
    result.state = await stateOf();
    result.eta = await etaOf();
    log(
      `Scheduled operation ${op.id}: executable from ${isoTime(result.eta)} (ETA, timestamp ${result.eta}).`,
    );
    if (!opts.execute) return result;
  }

  const eta = await etaOf();
  result.eta = eta;
  if ((await stateOf()) === "Waiting") {
    const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    if (!opts.execute)
      throw new TaskError(
        `Operation ${op.id} is not ripe: it can be executed from ${isoTime(eta)} (in ${eta - now} s); nothing was sent.`,
      );
    await hre.network.provider.request({
      method: "evm_setNextBlockTimestamp",
      params: [Math.max(eta, now + 1)],
    });
    await hre.network.provider.request({ method: "evm_mine", params: [] });
    log(`Advanced the local chain's time to the ETA ${isoTime(eta)}.`);
  }
  try {
    await connected.getFunction(tl.execute.method).staticCall(...tl.execute.args);
  } catch (e) {
    const why = explainCallFailure(e, ifaces, names).replace(/\.$/, "");
    throw new TaskError(
      `execute ${what} would fail: ${why}; nothing was sent (the operation stays Ready: gov:cancel --id ${op.id} removes it).`,
    );
  }
  result.executed = await send(`execute ${what}`, tl.execute.method, tl.execute.args);
  result.state = await stateOf();
  log(`Executed operation ${op.id}.`);
  return result;
}
