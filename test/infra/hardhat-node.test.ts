import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, startHardhatNode } from "../../src/testing/hardhat-node";

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

describe("infra: hardhat node process", function () {
  it("finds free ports on 127.0.0.1", async function () {
    const [a, b] = await Promise.all([freePort(), freePort()]);
    expect(a).to.be.within(1024, 65535);
    expect(b).to.not.equal(a);
  });

  it("starts a node on 127.0.0.1 and stops its whole process group", async function () {
    const node = await startHardhatNode();
    expect(node.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(node.chainId).to.equal(31337n);
    expect(groupAlive(node.pid)).to.be.true;
    expect(node.output()).to.contain(`Started HTTP and WebSocket JSON-RPC server at ${node.url}/`);
    await node.stop();
    expect(groupAlive(node.pid)).to.be.false;
    expect(await answers(node.url)).to.be.false;
    await node.stop(); // idempotent
  });

  it("leaves no orphan when the process that started the node is killed with SIGKILL", async function () {
    const script = path.join(__dirname, "fixtures", "start-node.ts");
    const parent = spawn(
      process.execPath,
      ["-r", require.resolve("ts-node/register/transpile-only"), script],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    parent.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let info: { pid: number; url: string };
    try {
      info = await new Promise((resolve, reject) => {
        let buf = "";
        parent.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const nl = buf.indexOf("\n");
          if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as { pid: number; url: string });
        });
        parent.on("exit", () => reject(new Error(`starter exited: ${stderr}`)));
        setTimeout(() => reject(new Error(`starter too slow: ${stderr}`)), 60_000);
      });
      expect(await answers(info.url), "the node runs while its parent lives").to.be.true;
    } finally {
      parent.kill("SIGKILL");
    }
    const gone = await waitFor(() => !groupAlive(info.pid), 10_000);
    if (!gone) process.kill(-info.pid, "SIGKILL"); // do not leave it behind even when the test fails
    expect(gone, "the node's process group died with its parent").to.be.true;
    expect(await answers(info.url)).to.be.false;
  });
});
