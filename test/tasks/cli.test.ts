// What a person at the command line sees when a task fails: one sentence and exit code 1 for an expected
// failure, on every machine (a headless Linux server, CI=true, counts as a CI server for Hardhat, which then
// shows every stack trace); a real bug still shows its stack trace.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { makeError } from "ethers";
import { startHardhatNode, findProjectRoot } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { expectedFailureLine } from "../../src/cli-errors";
import { TaskError } from "../../src/tasks-util";

const ZERO_ONE = "0x0000000000000000000000000000000000000001";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `hardhat <args>` as a headless server would: CI=true, no DISPLAY. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CI: "true", ...env };
  delete childEnv.DISPLAY;
  delete childEnv.WAYLAND_DISPLAY;
  delete childEnv.HARDHAT_NETWORK;
  const cli = require.resolve("hardhat/internal/cli/bootstrap");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: findProjectRoot(), env: childEnv, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** stderr of an expected failure: exactly one line, no stack frame. */
export function oneSentence(r: CliRun): string {
  expect(r.code, `exit code; stderr:\n${r.stderr}`).to.equal(1);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  expect(lines, `stderr:\n${r.stderr}`).to.have.length(1);
  expect(r.stderr).to.not.match(/^\s+at /m);
  return lines[0];
}

describe("command line errors (CI=true, no DISPLAY)", function () {
  let chain: HardhatNode;

  before(async () => {
    chain = await startHardhatNode();
  });
  after(async () => {
    await chain?.stop();
  });

  it("node:status --network localhost before deploying: one sentence, exit 1", async () => {
    const r = await runCli(["node:status", "--network", "localhost"], { LOCALHOST_RPC_URL: chain.url });
    const line = oneSentence(r);
    // A file left by an earlier run against another chain is a stale file: one sentence as well.
    expect(line).to.match(
      /^(No deployment for network "localhost": run `npx hardhat deploy:protocol --network localhost` first\.|deployments\/localhost\.json .*run deploy:protocol again.*\.)$/,
    );
  });

  it("without --network, says the embedded network forgets everything and suggests --network localhost", async () => {
    const line = oneSentence(await runCli(["node:status"]));
    expect(line).to.include('the embedded "hardhat" network');
    expect(line).to.include("forgets everything when it exits");
    expect(line).to.include("--network localhost");
    expect(line).to.include("npx hardhat node");
  });

  it("token:mint without --network: one sentence about the embedded network, not an ethers dump", async () => {
    const line = oneSentence(await runCli(["token:mint", "--to", ZERO_ONE, "--amount", "1"]));
    expect(line).to.include('the embedded "hardhat" network');
    expect(line).to.include("--network localhost");
    expect(line).to.not.include("could not decode");
  });

  it("validator:run --log-level bogus: one sentence", async () => {
    const line = oneSentence(
      await runCli(["validator:run", "--network", "localhost", "--log-level", "bogus"], {
        LOCALHOST_RPC_URL: chain.url,
      }),
    );
    expect(line).to.equal('--log-level: Log level "bogus" is not one of debug, info, warn, error, silent.');
  });

  it("a missing or unknown parameter: one line, exit 1", async () => {
    const line = oneSentence(await runCli(["token:mint", "--amount", "5"]));
    expect(line).to.equal(
      "Error HH306: The '--to' parameter of task 'token:mint' expects a value, but none was passed.",
    );
    expect(oneSentence(await runCli(["token:mint", "--bogus", "1"]))).to.equal(
      "Error HH305: Unrecognized param --bogus",
    );
  });

  it("an unexpected error (a bug) still shows its stack trace", async () => {
    const r = await runCli(["test:crash"], { PUSH_NODES_CRASH_TASK: "1" });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include("deliberate internal error for the stack trace test");
    expect(r.stderr).to.match(/^\s+at /m);
  });
});

describe("expectedFailureLine", () => {
  it("is the sentence of a TaskError, undefined for a plain Error", () => {
    expect(expectedFailureLine(new TaskError("Nothing to do."))).to.equal("Nothing to do.");
    expect(expectedFailureLine(new Error("bug"))).to.equal(undefined);
    expect(expectedFailureLine(new TypeError("x is undefined"))).to.equal(undefined);
  });

  it("turns a call that hit no code (ethers BAD_DATA with 0x) into a sentence", () => {
    const e = makeError("could not decode result data", "BAD_DATA", { value: "0x" });
    expect(expectedFailureLine(e)).to.match(/^A contract call returned nothing: there is no contract/);
    const other = makeError("could not decode result data", "BAD_DATA", { value: "0x1234" });
    expect(expectedFailureLine(other)).to.equal(undefined);
  });
});
