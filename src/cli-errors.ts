// How a task's failure reaches the person at the command line.
//
// Hardhat 2 shows a stack trace for every error on any machine it takes for a CI server, and it takes every
// Linux machine without DISPLAY for one (a headless server, where operators run). That decision is made when
// its command line starts, before our config loads, so it cannot be switched off. Instead, the task the
// command line runs (the entry task) is wrapped here: an EXPECTED failure (a TaskError or any other
// HardhatPluginError of ours, or one of Hardhat's own argument errors) prints its one sentence on stderr and
// the process exits 1, on every machine. Anything else (a real bug) goes on to Hardhat, which prints its
// trace as before. Tasks run in-process (tests, scripts, other tasks) still get the error thrown at them.
import { isError } from "ethers";
import { HardhatError, HardhatPluginError } from "hardhat/internal/core/errors";
import type { HardhatRuntimeEnvironment, RunTaskFunction } from "hardhat/types";

/** The plugin name of every HardhatPluginError this project throws (TaskError included). */
export const PLUGIN_NAME = "push-nodes";

/** The one line an expected failure prints, or undefined when `e` is not an expected failure (a bug). */
export function expectedFailureLine(e: unknown): string | undefined {
  if (HardhatPluginError.isHardhatPluginError(e) && e.pluginName === PLUGIN_NAME) return e.message;
  // Hardhat's own errors inside a run: a missing or invalid task argument (HH3xx), a network not configured.
  if (HardhatError.isHardhatError(e)) return `Error ${e.message}`;
  // A contract call that found no code (ethers: "could not decode result data", value "0x").
  if (isError(e, "BAD_DATA") && e.value === "0x")
    return "A contract call returned nothing: there is no contract at that address on this chain (the chain was reset, or this is the wrong --network); run deploy:protocol again.";
  return undefined;
}

/** True when this process is Hardhat's command line (`npx hardhat <task>`), not a test or a script. */
export function isHardhatCli(): boolean {
  const main = require.main?.filename ?? "";
  return /hardhat[\\/]internal[\\/]cli[\\/](cli|bootstrap)\.js$/.test(main);
}

/**
 * Makes Hardhat's own argument errors (a missing `--to`, an unknown parameter, a non-numeric `--amount` of an int
 * parameter), thrown by its command line before any task runs, print one line and exit 1 too.
 */
function wrapArgumentErrors(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ArgumentsParser } = require("hardhat/internal/cli/ArgumentsParser") as {
    ArgumentsParser: { prototype: Record<string, unknown> };
  };
  const proto = ArgumentsParser.prototype;
  const original = proto.parseTaskArguments as ((...a: unknown[]) => unknown) & { pushNodes?: true };
  if (typeof original !== "function" || original.pushNodes) return;
  const patched = function (this: unknown, ...a: unknown[]): unknown {
    try {
      return original.apply(this, a);
    } catch (e) {
      const traces =
        process.argv.includes("--show-stack-traces") || process.env.HARDHAT_SHOW_STACK_TRACES === "true";
      const line = traces ? undefined : expectedFailureLine(e);
      if (line === undefined) throw e;
      process.stderr.write(line + "\n");
      process.exit(1);
    }
  };
  proto.parseTaskArguments = Object.assign(patched, { pushNodes: true as const });
}

/**
 * Wraps `hre.run` (call from extendEnvironment): when the entry task of the command line fails expectedly,
 * prints its sentence alone on stderr and sets exit code 1 instead of throwing into Hardhat's error display.
 */
export function wrapEntryTaskErrors(hre: HardhatRuntimeEnvironment, cli: boolean = isHardhatCli()): void {
  if (!cli) return;
  wrapArgumentErrors();
  const run: RunTaskFunction = hre.run;
  let depth = 0;
  const wrapped: RunTaskFunction = async (...args: Parameters<RunTaskFunction>): Promise<unknown> => {
    const entry = depth === 0;
    depth++;
    try {
      return await run(...args);
    } catch (e) {
      // --show-stack-traces (or HARDHAT_SHOW_STACK_TRACES) asks for Hardhat's full display.
      const line = entry && !hre.hardhatArguments.showStackTraces ? expectedFailureLine(e) : undefined;
      if (line === undefined) throw e;
      process.stderr.write(line.replace(/\s*\n\s*/g, " ").trim() + "\n");
      // Hardhat's command line ends with process.exit(process.exitCode).
      process.exitCode = 1;
      return undefined;
    } finally {
      depth--;
    }
  };
  (hre as { run: RunTaskFunction }).run = wrapped;
}
