import { expect } from "chai";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Wallet } from "ethers";
import { freePort } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { LockHeldError, acquireLock, lockDataDir, lockSigner, pidAlive } from "../../src/util/process-lock";
import { sharedChain } from "./shared-chain";
import { deployProtocol, newSigner, registerNode, writeDeploymentFile } from "./fixture";
import type { Protocol } from "./fixture";
import { runTask } from "./task-process";
import type { TaskProcess } from "./task-process";

/** A PID that was a process of ours and is now gone. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  const pid = Number(r.stdout.toString());
  expect(pidAlive(pid)).to.equal(false);
  return pid;
}

describe("process locks: lock files", function () {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "locks-unit-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("refuses a lock a live process holds, in one sentence, and frees it on release", function () {
    const held = lockDataDir(dir, "node:serve");
    const owner = JSON.parse(fs.readFileSync(path.join(dir, "LOCK"), "utf8")) as {
      pid: number;
      purpose: string;
    };
    expect(owner).to.include({ pid: process.pid, purpose: "node:serve" });
    expect(() => lockDataDir(dir, "validator:run")).to.throw(
      LockHeldError,
      `The data directory ${dir} is in use by node:serve (PID ${process.pid} since `,
    );
    held.release();
    expect(fs.existsSync(path.join(dir, "LOCK"))).to.equal(false);
    lockDataDir(dir, "validator:run").release();
  });

  it("takes over the lock of a dead process, and an unreadable one", function () {
    const pid = deadPid();
    const file = path.join(dir, "LOCK");
    fs.writeFileSync(
      file,
      JSON.stringify({ pid, hostname: os.hostname(), purpose: "node:serve", subject: dir }),
    );
    const a = lockDataDir(dir, "node:serve");
    expect(a.tookOver?.pid).to.equal(pid);
    a.release();
    fs.writeFileSync(file, "{ half a lock");
    const b = acquireLock(file, "x", dir, () => "held");
    expect(b.tookOver).to.equal(null);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).pid).to.equal(process.pid);
    b.release();
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("a signer lock names the signer and the EQUIVOCATION risk; the address case does not matter", function () {
    const signer = newSigner().address;
    const l = lockSigner(signer, "node:serve", dir);
    expect(() => lockSigner(signer.toLowerCase(), "node:serve", dir)).to.throw(
      LockHeldError,
      /is already attesting in node:serve \(PID \d+ since .*\): two processes with one signer .* a provable EQUIVOCATION \(a 50% slash\); stop that process first\./,
    );
    l.release();
    lockSigner(signer, "node:serve", dir).release();
  });
});

/**
 * Issue 11, point 10, with real processes: two node:serve on one data directory, one signer in two data
 * directories, two validator:run on one data directory; after kill -9 the lock is taken over.
 */
describe("process locks: node:serve and validator:run as processes", function () {
  let chain: HardhatNode;
  let p: Protocol;
  let dir: string;
  let deployment: string;
  let signer: Wallet;
  let port: number;
  const procs: TaskProcess[] = [];
  const env = () => ({ LOCALHOST_RPC_URL: chain.url, LOG_LEVEL: "warn" });

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "locks-"));
    chain = await sharedChain();
    p = await deployProtocol(chain);
    deployment = writeDeploymentFile(p, dir);
    signer = newSigner();
    port = await freePort();
    await registerNode(p, signer, `http://127.0.0.1:${port}`);
  });

  after(async function () {
    for (const t of procs) {
      t.kill("SIGKILL");
      await t.exited;
    }
    p?.provider.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function serve(dataDir: string, atPort: number): TaskProcess {
    const t = runTask(
      [
        "node:serve",
        "--network",
        "localhost",
        "--deployment",
        deployment,
        "--data-dir",
        dataDir,
        "--port",
        String(atPort),
        "--confirmations",
        "0",
      ],
      { ...env(), PUSH_NODE_SIGNER_KEY: signer.privateKey },
    );
    procs.push(t);
    return t;
  }

  function validate(dataDir: string): TaskProcess {
    const t = runTask(
      [
        "validator:run",
        "--network",
        "localhost",
        "--deployment",
        deployment,
        "--account",
        "2",
        "--dry-run",
        "--data-dir",
        dataDir,
        "--port",
        "0",
        "--confirmations",
        "0",
        "--workers",
        "0",
      ],
      env(),
    );
    procs.push(t);
    return t;
  }

  it("a second node:serve on the data directory, or with the signer elsewhere, exits 1; after kill -9 a restart succeeds", async function () {
    const data = path.join(dir, "node-data");
    const first = serve(data, port);
    await first.waitFor(/ready to attest/);

    const second = serve(data, await freePort());
    expect((await second.exited).code, second.output()).to.equal(1);
    expect(second.output()).to.include(
      `The data directory ${data} is in use by node:serve (PID ${first.pid} since `,
    );
    expect(second.output()).to.include("stop that process first, or use another --data-dir.");
    expect(second.output()).to.not.include("ready to attest");

    const elsewhere = serve(path.join(dir, "other-data"), await freePort());
    expect((await elsewhere.exited).code, elsewhere.output()).to.equal(1);
    expect(elsewhere.output()).to.include(
      `The signer ${signer.address} is already attesting in node:serve (PID ${first.pid} since `,
    );
    expect(elsewhere.output()).to.include("a provable EQUIVOCATION (a 50% slash); stop that process first.");
    expect(elsewhere.output()).to.not.include("ready to attest");
    // The refused process took nothing: the first one's lock files are intact.
    expect(JSON.parse(fs.readFileSync(path.join(data, "LOCK"), "utf8")).pid).to.equal(first.pid);

    first.kill("SIGKILL");
    expect((await first.exited).signal).to.equal("SIGKILL");
    const restarted = serve(data, port);
    await restarted.waitFor(/ready to attest/);
    expect(restarted.output()).to.include(`Took over ${path.join(data, "LOCK")} from PID ${first.pid}`);
    restarted.kill("SIGTERM");
    expect((await restarted.exited).code).to.equal(0);
    expect(fs.existsSync(path.join(data, "LOCK")), "released on a clean stop").to.equal(false);
  });

  it("a second validator:run on the data directory exits 1; after kill -9 a restart succeeds", async function () {
    const data = path.join(dir, "validator-data");
    const first = validate(data);
    await first.waitFor(/Validator 0x[0-9a-fA-F]{40} watching chain/);
    const second = validate(data);
    expect((await second.exited).code, second.output()).to.equal(1);
    expect(second.output()).to.include(
      `The data directory ${data} is in use by validator:run (PID ${first.pid} since `,
    );
    expect(second.output()).to.not.include("watching chain");
    first.kill("SIGKILL");
    await first.exited;
    const restarted = validate(data);
    await restarted.waitFor(/Validator 0x[0-9a-fA-F]{40} watching chain/);
    expect(restarted.output()).to.include(`Took over ${path.join(data, "LOCK")} from PID ${first.pid}`);
    restarted.kill("SIGTERM");
    await restarted.exited;
  });
});
