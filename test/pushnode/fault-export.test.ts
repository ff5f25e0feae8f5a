import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import type { JsonRpcSigner, Wallet } from "ethers";
import { freePort } from "../../src/testing/hardhat-node";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { NodeClient } from "../../src/node/api";
import { exportProofs } from "../../src/validator/proof-export";
import {
  FaultyMessageError,
  assertFaultySendAllowed,
  parseMessageFault,
} from "../../src/client/fault-injection";
import { sharedChain } from "./shared-chain";
import { newSigner, registerNode, taskWorld } from "./fixture";
import type { Protocol } from "./fixture";
import { runTask } from "./task-process";
import type { TaskProcess } from "./task-process";

const PASSPHRASE = "correct horse battery staple";

/**
 * Issue 11, point 7, end to end with real processes on a real `npx hardhat node`: a node started with
 * --accept, `msg:send --fault` makes it attest a faulty message, a validator (--dry-run, so that it leaves
 * the proving to us) finds it, `validator:export` writes the proof files, and `fault:prove --file` proves
 * them by commit-reveal. The EQUIVOCATION pair comes from a node started with --accept EQUIVOCATION.
 */
describe("pushnode: msg:send --fault, validator:export and fault:prove --file", function () {
  let chain: HardhatNode;
  let p: Protocol;
  let dir: string;
  let deployment: string;
  let alice: JsonRpcSigner, bob: JsonRpcSigner;
  const procs: TaskProcess[] = [];
  const keyFile = (who: string) => path.join(dir, `${who}.json`);
  const env = () => ({ LOCALHOST_RPC_URL: chain.url, PUSH_KEY_PASSPHRASE: PASSPHRASE, LOG_LEVEL: "warn" });
  const net = () => ["--network", "localhost", "--deployment", deployment];

  before(async function () {
    chain = await sharedChain();
    ({ p, dir, deployment, alice, bob } = await taskWorld(chain, "pushnode-faults-", PASSPHRASE));
  });

  after(async function () {
    for (const t of procs) {
      t.kill("SIGTERM");
      await t.exited;
    }
    p?.provider.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function node(name: string, accept: string): Promise<{ signer: Wallet; url: string }> {
    const signer = newSigner();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    await registerNode(p, signer, url);
    const t = runTask(
      [
        "node:serve",
        ...net(),
        "--data-dir",
        path.join(dir, `${name}-data`),
        "--port",
        String(port),
        "--confirmations",
        "0",
        "--accept",
        accept,
      ],
      { ...env(), PUSH_NODE_SIGNER_KEY: signer.privateKey },
    );
    procs.push(t);
    await t.waitFor(/ready to attest/);
    await t.waitFor(/FAULT INJECTION: accepting [A-Z_, ]+ messages/);
    expect(t.output()).to.include(`FAULT INJECTION: accepting ${accept.split(",").join(", ")} messages`);
    return { signer, url };
  }

  async function send(url: string, extra: string[]): Promise<{ code: number | null; out: string }> {
    const t = runTask(
      ["msg:send", ...net(), "--to", bob.address, "--node", url, "--key", keyFile("alice"), ...extra],
      env(),
    );
    const { code } = await t.exited;
    return { code, out: t.output() };
  }

  it("refuses a fault name it does not know, on chains 1 and 137, and names --accept when the node refuses", async function () {
    expect(parseMessageFault("unauthorized-sender")).to.equal("UNAUTHORIZED_SENDER");
    expect(() => parseMessageFault("EQUIVOCATION")).to.throw(
      FaultyMessageError,
      /start it with --accept EQUIVOCATION/,
    );
    expect(() => assertFaultySendAllowed(1n, "MALFORMED")).to.throw(
      FaultyMessageError,
      "Refusing --fault MALFORMED on Ethereum mainnet (chainId 1)",
    );
    expect(() => assertFaultySendAllowed(137n, "BAD_SIGNATURE")).to.throw(
      FaultyMessageError,
      "Refusing --fault BAD_SIGNATURE on Polygon PoS (chainId 137)",
    );
    expect(() => assertFaultySendAllowed(31337n, "BAD_SIGNATURE")).to.not.throw();

    const bad = await send("http://127.0.0.1:9", ["--message", "x", "--fault", "nonsense"]);
    expect(bad.code).to.equal(1);
    expect(bad.out).to.include('--fault "nonsense" is not a message fault; use one of MALFORMED');

    // A node accepting only MALFORMED refuses a BAD_SIGNATURE message, and msg:send says what to do.
    const honest = await node("malformed-only", "MALFORMED");
    const refused = await send(honest.url, ["--message", "x", "--fault", "BAD_SIGNATURE"]);
    expect(refused.code).to.equal(1);
    expect(refused.out).to.match(/answered 422: .*BAD_SIGNATURE/);
    expect(refused.out).to.include(
      "(the node refused the faulty message: start it with --accept BAD_SIGNATURE).",
    );
  });

  it("each --fault is attested by a node accepting it, as that fault", async function () {
    const all = await node("all", "MALFORMED,UNAUTHORIZED_SENDER,WRONG_ENCRYPTION,BAD_SIGNATURE");
    for (const fault of ["MALFORMED", "UNAUTHORIZED_SENDER", "WRONG_ENCRYPTION", "BAD_SIGNATURE"]) {
      const r = await send(all.url, ["--message", `a ${fault} message`, "--fault", fault]);
      expect(r.code, r.out).to.equal(0);
      expect(r.out).to.include(`FAULT INJECTION: sent a ${fault} message`);
      expect(r.out).to.include(`Attested by node ${all.signer.address}`);
      expect(r.out).to.include(
        `The node accepted it as ${fault}: a watcher (validator:run) proves it; validator:export writes the proof file for fault:prove.`,
      );
    }
    expect((await new NodeClient(all.url).feed(0n)).items).to.have.length(4);
  });

  it("a validator finds the faults, validator:export writes the proof files, fault:prove --file proves them", async function () {
    const faulty = await node("unauthorized", "UNAUTHORIZED_SENDER");
    const equivocating = await node("equivocating", "EQUIVOCATION");
    const validatorData = path.join(dir, "validator-data");
    const validator = runTask(
      [
        "validator:run",
        ...net(),
        "--account",
        "3",
        "--dry-run",
        "--data-dir",
        validatorData,
        "--port",
        "0",
        "--confirmations",
        "0",
        "--workers",
        "0",
        "--feed-interval",
        "200",
        "--index-interval",
        "200",
        "--proof-interval",
        "200",
        "--nodes",
        `${faulty.signer.address},${equivocating.signer.address}`,
      ],
      env(),
    );
    procs.push(validator);
    await validator.waitFor(/Validator 0x[0-9a-fA-F]{40} watching chain/);

    const sent = await send(faulty.url, [
      "--message",
      "not really from me",
      "--fault",
      "UNAUTHORIZED_SENDER",
    ]);
    expect(sent.code, sent.out).to.equal(0);
    for (const text of ["first", "second"]) {
      const r = await send(equivocating.url, ["--message", text]);
      expect(r.code, r.out).to.equal(0);
    }

    // The validator finds both (read while it runs: the export opens its database read-only).
    const probe = path.join(dir, "probe");
    const deadline = Date.now() + 90_000;
    while (exportProofs(validatorData, probe).length < 2) {
      if (Date.now() > deadline) throw new Error(`no proofs found; validator output:\n${validator.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const out = path.join(dir, "proofs");
    const exp = runTask(
      ["validator:export", "--network", "localhost", "--data-dir", validatorData, "--out", out],
      env(),
    );
    expect((await exp.exited).code, exp.output()).to.equal(0);
    expect(exp.output()).to.include(`UNAUTHORIZED_SENDER by node ${faulty.signer.address} (simulated)`);
    expect(exp.output()).to.include(`EQUIVOCATION by node ${equivocating.signer.address} (simulated)`);
    expect(exp.output()).to.include(`Wrote 2 proof file(s) to ${out}`);
    const files = fs.readdirSync(out).sort();
    expect(files).to.have.length(2);
    const equivocation = JSON.parse(fs.readFileSync(path.join(out, files[0]), "utf8")) as {
      fault: string;
      attestations: Array<{ sequence: string; digest: string }>;
    };
    expect(files[0]).to.match(/^equivocation-0x[0-9a-fA-F]{40}-[0-9a-f]{8}\.json$/);
    expect(equivocation.fault).to.equal("EQUIVOCATION");
    expect(equivocation.attestations.map((a) => a.sequence)).to.deep.equal(["1", "1"]);
    expect(equivocation.attestations[0].digest).to.not.equal(equivocation.attestations[1].digest);
    expect(files[1]).to.match(/^unauthorized-sender-0x[0-9a-fA-F]{40}-[0-9a-f]{8}\.json$/);

    for (const [file, signer] of [
      [files[1], faulty.signer.address],
      [files[0], equivocating.signer.address],
    ] as const) {
      const prove = runTask(["fault:prove", ...net(), "--file", path.join(out, file), "--from", "4"], env());
      expect((await prove.exited).code, prove.output()).to.equal(0);
      expect(prove.output()).to.match(/commitProof: tx 0x[0-9a-f]{64}/);
      expect(prove.output()).to.match(new RegExp(`Slashed [0-9.]+ PUSH of node ${signer}`));
    }
    // Exported again, proven offences are still there (the validator's own state did not change), and a
    // second fault:prove of the same file sends nothing.
    const again = runTask(
      ["fault:prove", ...net(), "--file", path.join(out, files[1]), "--from", "4"],
      env(),
    );
    expect((await again.exited).code).to.equal(1);
    expect(again.output()).to.match(/Offence 0x[0-9a-f]{64} was already slashed: nothing was sent\./);
  });

  it("validator:export says so when there is nothing to export, and when the directory holds no validator", async function () {
    const none = runTask(
      [
        "validator:export",
        "--network",
        "localhost",
        "--data-dir",
        path.join(dir, "nothing"),
        "--out",
        path.join(dir, "o"),
      ],
      env(),
    );
    expect((await none.exited).code).to.equal(1);
    expect(none.output()).to.include("validator.sqlite does not exist: pass the --data-dir of a validator");
  });
});
