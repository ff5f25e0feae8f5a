// chain:time: shows the chain's time, and on development chains (hardhat, localhost) moves it forward, the
// way to reach an unbonding period's end or a timelock's ETA locally. Push Nodes on development chains
// follow chain time (docs/local-dev.md), so messaging keeps working after time travel.
import { task } from "hardhat/config";
import { isLocalNetwork } from "../src/deploy/network";
import { formatDuration, parseDuration } from "../src/params/spec";
import { TaskError } from "../src/tasks-util";

export interface ChainTime {
  block: number;
  /** Latest block's timestamp (unix seconds). */
  chainTime: number;
  /** This machine's clock (unix seconds). */
  wallTime: number;
  /** Seconds the chain was advanced (0 with --show). */
  advanced: number;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** About how long `seconds` is: "21.0 days", "3.5 hours", "12 minutes", "40 seconds". */
function about(seconds: number): string {
  if (seconds >= 86_400) return `${(seconds / 86_400).toFixed(1)} days`;
  if (seconds >= 3_600) return `${(seconds / 3_600).toFixed(1)} hours`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} minutes`;
  return `${seconds} seconds`;
}

function ahead(diff: number): string {
  if (diff === 0) return "the same as this machine's clock";
  const d = about(Math.abs(diff));
  return `${d} ${diff > 0 ? "ahead of" : "behind"} this machine's clock`;
}

task(
  "chain:time",
  "Shows the chain's time (latest block) against this machine's clock; --advance moves a development chain (hardhat, localhost) forward and mines a block",
)
  .addOptionalParam("advance", "Duration to move the chain's time forward: 21d, 2h, 15m or seconds")
  .addFlag("show", "Only show the chain's time (the default without --advance)")
  .setAction(async (args: { advance?: string; show: boolean }, hre): Promise<ChainTime> => {
    if (args.advance !== undefined && args.show)
      throw new TaskError("Pass --advance <duration> or --show, not both.");
    let advanced = 0;
    if (args.advance !== undefined) {
      const seconds = parseDuration(args.advance);
      if (seconds === undefined || seconds === 0n)
        throw new TaskError(
          `--advance must be a positive duration such as 21d, 2h, 15m or 3600, not "${args.advance}".`,
        );
      if (!isLocalNetwork(hre))
        throw new TaskError(
          `Only a development chain (hardhat, localhost) can move its time forward, not "${hre.network.name}"; nothing was sent.`,
        );
      const before = (await hre.ethers.provider.getBlock("latest"))!;
      await hre.network.provider.request({ method: "evm_increaseTime", params: [Number(seconds)] });
      await hre.network.provider.request({ method: "evm_mine", params: [] });
      advanced = Number(seconds);
      console.log(
        `Advanced the chain's time by ${formatDuration(seconds)}: it was ${iso(before.timestamp)} (block ${before.number}).`,
      );
    }
    const head = (await hre.ethers.provider.getBlock("latest"))!;
    const wallTime = Math.floor(Date.now() / 1000);
    console.log(
      `Chain time on "${hre.network.name}": ${iso(head.timestamp)} (block ${head.number}), ${ahead(head.timestamp - wallTime)}.`,
    );
    return { block: head.number, chainTime: head.timestamp, wallTime, advanced };
  });
