// The README's local walkthrough, executed: every command of the block between `<!-- walkthrough:start -->` and
// `<!-- walkthrough:end -->` runs in order, as a person would paste it, against a real `npx hardhat node` (its
// own port, through LOCALHOST_RPC_URL), on a headless machine (CI=true). A command succeeds unless it is marked
// `# fails: <text>` (then it exits 1 with one sentence containing the text); every `# prints: <text>` must
// appear in its output. So the manual cannot go stale: a command that changes output or stops working fails
// the build.
import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import { expect } from "chai";
import { findProjectRoot, startHardhatNode } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";

interface Step {
  line: string;
  command: string;
  prints?: string;
  fails?: string;
}

const ROOT = findProjectRoot();

/** The walkthrough's commands, with their expectations. */
export function walkthroughSteps(readme: string): Step[] {
  const start = readme.indexOf("<!-- walkthrough:start -->");
  const end = readme.indexOf("<!-- walkthrough:end -->");
  if (start < 0 || end < start) throw new Error("README.md has no walkthrough block");
  const block = readme.slice(start, end);
  const steps: Step[] = [];
  for (const raw of block.split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("npx hardhat") && !/^[A-Z_]+=\S+ npx hardhat/.test(line)) continue;
    const [command, ...comments] = line.split(/\s+#\s+/);
    const step: Step = { line, command: command.trim() };
    for (const c of comments) {
      const m = /^(prints|fails):\s*(.+)$/.exec(c.trim());
      if (m) step[m[1] as "prints" | "fails"] = m[2].trim();
    }
    steps.push(step);
  }
  return steps;
}

function run(command: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile("bash", ["-c", command], { cwd: ROOT, env, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

describe("README: the local walkthrough runs as written", function () {
  this.timeout(900_000);
  const deployment = path.join(ROOT, "deployments", "localhost.json");
  const keyDir = path.join(ROOT, ".data", "walkthrough");
  let saved: Buffer | undefined;
  let chain: HardhatNode;

  before(async () => {
    // Keep a developer's own local deployment file; the walkthrough writes its own.
    if (fs.existsSync(deployment)) saved = fs.readFileSync(deployment);
    fs.rmSync(deployment, { force: true });
    fs.rmSync(keyDir, { recursive: true, force: true });
    chain = await startHardhatNode();
  });

  after(async () => {
    await chain?.stop();
    fs.rmSync(keyDir, { recursive: true, force: true });
    if (saved) fs.writeFileSync(deployment, saved);
    else fs.rmSync(deployment, { force: true });
  });

  it("has commands, in a safe order (time travel last but one)", () => {
    const steps = walkthroughSteps(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
    expect(steps.length).to.be.greaterThan(10);
    const travel = steps.findIndex((s) => s.command.includes("chain:time --advance"));
    expect(travel, "chain:time --advance").to.be.greaterThan(steps.length - 3);
    for (const s of steps) expect(s.command, s.line).to.include("--network localhost");
  });

  it("every command does what the README says", async () => {
    const steps = walkthroughSteps(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
    const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", LOCALHOST_RPC_URL: chain.url };
    delete env.DISPLAY;
    delete env.HARDHAT_NETWORK;
    delete env.PUSH_NODE_SIGNER_KEY;
    for (const step of steps) {
      const r = await run(step.command, env);
      const output = r.out + r.err;
      if (step.fails !== undefined) {
        expect(r.code, `${step.line}\n${output}`).to.equal(1);
        const lines = r.err.split("\n").filter((l) => l.trim() !== "");
        expect(lines, `${step.line}: one sentence\n${r.err}`).to.have.length(1);
        expect(lines[0], step.line).to.include(step.fails);
      } else {
        expect(r.code, `${step.line}\n${output}`).to.equal(0);
      }
      if (step.prints !== undefined) expect(output, step.line).to.include(step.prints);
    }
  });
});
