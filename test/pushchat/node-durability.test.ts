import { expect } from "chai";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/store/sqlite";
import { NODE_DB_FILE } from "../../src/node/push-node";
import { NODE_MIGRATIONS } from "../../src/node/store";
import { PushChatStore } from "../../src/pushchat";
import { controlSignedHex } from "../../src/pushchat/proofs";
import type { HardhatNode } from "../../src/testing/hardhat-node";
import { sharedChain } from "../pushnode/shared-chain";
import { deployGateway, deployProtocol, fundedWallet, newSigner, registerNode } from "../pushnode/fixture";
import type { Protocol } from "../pushnode/fixture";
import { call, messageBody, newWallet, pointSdkAt, sdkSign } from "./helpers";
import type { KeyedUser } from "./helpers";

/**
 * kill -9 of a Push Node during a burst of Push Chat sends: every acknowledged message is stored AND attested
 * (its feed item committed with it), and no message is stored without its feed item nor a feed item without
 * its message: they commit in one transaction of pushnode.sqlite. The node runs in a child process on a real
 * chain (registered, relaying the SDK users' profiles).
 */

interface PushApiStatic {
  initialize(signer: unknown, options: { env: string }): Promise<{ decryptedPgpPvtKey: string }>;
}
const { PushAPI } = require("@pushprotocol/restapi") as { PushAPI: PushApiStatic };

function startChild(options: Record<string, unknown>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "node-child.ts"), JSON.stringify(options)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`the node process exited (${code}): ${err.slice(0, 800)}`)));
  });
}

describe("Push Node durability: Push Chat messages and their feed items", function () {
  this.timeout(600_000);
  let chain: HardhatNode;
  let p: Protocol;
  let child: ChildProcess | undefined;
  let restore: (() => void) | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pushnode-kill-"));

  before(async () => {
    chain = await sharedChain();
    p = await deployProtocol(chain);
  });
  after(() => {
    restore?.();
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    p?.provider.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("kill -9 during a burst: every acknowledged message is stored and attested; stored == attested", async () => {
    const gateway = await deployGateway(p);
    const relayer = await fundedWallet(p);
    const signer = newSigner();
    await registerNode(p, signer, "http://127.0.0.1:1", 18);
    const started = await startChild({
      dataDir: dir,
      rpcUrls: [chain.url],
      chainId: chain.chainId.toString(),
      keyRegistry: p.addresses.keyRegistry,
      nodeRegistry: p.addresses.nodeRegistry,
      slashing: p.addresses.slashing,
      startBlock: p.deployBlock,
      signerKey: signer.privateKey,
      confirmations: 0,
      pollIntervalMs: 500,
      relay: { gateway, relayerKey: relayer.privateKey },
    });
    child = started.child;
    const url = started.url;
    restore = pointSdkAt(url);
    const users: KeyedUser[] = [];
    for (let i = 0; i < 2; i++) {
      const wallet = newWallet();
      const u = await PushAPI.initialize(wallet, { env: "local" });
      const did = `eip155:${wallet.address}`;
      const rec = (await call(url, "GET", `/apis/v2/users/?caip10=${did}`)).json as { publicKey: string };
      users.push({
        wallet,
        did,
        privateKeyArmored: u.decryptedPgpPvtKey,
        publicKeyArmored: (JSON.parse(rec.publicKey) as { key: string }).key,
      });
    }
    const [a, b] = users;
    const keys = [a.publicKeyArmored, b.publicKeyArmored];
    const first = await call(
      url,
      "POST",
      "/apis/v1/chat/request",
      await messageBody(a, b.did, "first", keys),
    );
    expect(first.status, JSON.stringify(first.json)).to.equal(200);
    const signature = await sdkSign(
      controlSignedHex({ fromDID: a.did, toDID: b.did, status: "Approved" }),
      b.privateKeyArmored,
    );
    const accept = {
      fromDID: a.did,
      toDID: b.did,
      signature,
      status: "Approved",
      sigType: "pgp",
      verificationProof: `pgp:${signature}`,
      encryptedSecret: null,
    };
    expect((await call(url, "PUT", "/apis/v1/chat/request/accept", accept)).status).to.equal(200);

    const bodies = [];
    for (let i = 0; i < 24; i++)
      bodies.push(await messageBody(i % 2 ? b : a, i % 2 ? a.did : b.did, `burst ${i}`, keys));
    const acked: string[] = [(first.json as { cid: string }).cid];
    let killed = false;
    await Promise.all(
      bodies.map((body) =>
        call(url, "POST", "/apis/v1/chat/message", body)
          .then((r) => {
            if (r.status === 200) acked.push((r.json as { cid: string }).cid);
            if (acked.length >= 7 && !killed) {
              killed = true;
              child?.kill("SIGKILL");
            }
          })
          .catch(() => undefined),
      ),
    );
    if (!killed) child?.kill("SIGKILL");
    await new Promise((res) =>
      child?.exitCode !== null || child?.signalCode !== null ? res(undefined) : child?.once("exit", res),
    );
    expect(killed, `only ${acked.length} of ${bodies.length + 1} sends were acknowledged`).to.equal(true);
    expect(acked.length, "the kill came during the burst").to.be.lessThan(bodies.length + 1);

    const db = openDatabase({ dataDir: dir, file: NODE_DB_FILE, migrations: NODE_MIGRATIONS });
    try {
      const store = new PushChatStore(db);
      const feedCids = (
        db.prepare("SELECT cid FROM feed WHERE kind = 'push' ORDER BY position").all() as { cid: string }[]
      ).map((r) => r.cid);
      const messageCids = (db.prepare("SELECT cid FROM messages").all() as { cid: string }[]).map(
        (r) => r.cid,
      );
      for (const cid of acked) {
        expect(store.message(cid), cid).to.not.equal(undefined);
        expect(store.message(cid)?.attestation, cid).to.not.equal(null);
        expect(feedCids, cid).to.include(cid);
      }
      expect([...messageCids].sort()).to.deep.equal([...feedCids].sort());
      const seq = db.prepare("SELECT position, sequence FROM feed ORDER BY position").all() as {
        position: number;
        sequence: number;
      }[];
      expect(seq.map((r) => r.sequence)).to.deep.equal(seq.map((r) => r.position));
      const conv = store.conversation(a.wallet.address, b.wallet.address);
      expect(store.history(conv!.threadhash, 1000).length).to.equal(messageCids.length);
    } finally {
      db.close();
    }
  });
});
