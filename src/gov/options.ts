// The options every gov:* task shares, and turning them into GovOptions. A new governance task (gov:slash,
// gov:dispute) is: `withGovOptions(task(...))`, build its GovCall(s) with makeCall, then
// `runGovAction(hre, what, calls, await govOptions(hre, args))`.
import { types } from "hardhat/config";
import type { ConfigurableTaskDefinition, HardhatRuntimeEnvironment } from "hardhat/types";
import { KEYSTORE_HELP, signerFor } from "../signer";
import { TaskError } from "../tasks-util";
import type { GovOptions } from "./timelock";

export interface GovTaskArgs {
  salt?: string;
  predecessor?: string;
  delay?: string;
  execute: boolean;
  skipChecks: boolean;
  safe?: string;
  from?: string;
  keystore?: string;
}

export function withGovOptions(t: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return t
    .addOptionalParam(
      "salt",
      "Operation salt: 0x + 64 hex, or any text (hashed); default zero. Another salt repeats an executed operation",
    )
    .addOptionalParam("predecessor", "Operation id that must be executed before this one (default: none)")
    .addOptionalParam(
      "delay",
      "Delay in seconds before the operation may run (default and minimum: the timelock's min delay)",
      undefined,
      types.string,
    )
    .addFlag(
      "execute",
      "hardhat/localhost only: schedule, advance the chain's time to the ETA and execute, in one go",
    )
    .addFlag(
      "skipChecks",
      "Schedule without checking the function against the target's ABI and simulating the call as the timelock",
    )
    .addOptionalParam(
      "safe",
      "Write Safe Transaction Builder files (<path>-schedule.json, <path>-execute.json) instead of sending (default when the sender is not a proposer: deployments/gov/<network>-<id>)",
    )
    .addOptionalParam(
      "from",
      "Sender of the schedule / execute transaction: an index among the network's accounts or an address (default: the first)",
    )
    .addOptionalParam("keystore", KEYSTORE_HELP);
}

export async function govOptions(hre: HardhatRuntimeEnvironment, args: GovTaskArgs): Promise<GovOptions> {
  let delay: bigint | undefined;
  if (args.delay !== undefined) {
    if (!/^\d+$/.test(args.delay))
      throw new TaskError(`--delay must be a number of seconds, not "${args.delay}".`);
    delay = BigInt(args.delay);
  }
  return {
    salt: args.salt,
    predecessor: args.predecessor,
    delay,
    execute: args.execute,
    safe: args.safe,
    skipChecks: args.skipChecks,
    signer: await signerFor(hre, { from: args.from, keystore: args.keystore }),
  };
}
