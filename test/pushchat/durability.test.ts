import { expect } from "chai";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPushChat } from "../../src/pushchat";
import { call, messageBody, newWallet, pointSdkAt, sdkSign } from "./helpers";
import type { KeyedUser } from "./helpers";
import { controlSignedHex } from "../../src/pushchat/proofs";

/**
 * kill -9 during a burst of sends loses no acknowledged message: the API runs in a child process; the
 * test fires a burst of valid messages, SIGKILLs the child after the first acknowledgements, then opens
 * the data directory and finds every acknowledged message, and a thread whose links walk all of them.
 */

interface PushApiStatic {
  initialize(signer: unknown, options: { env: string }): Promise<{ decryptedPgpPvtKey: string }>;
}
const { PushAPI } = require("@pushprotocol/restapi") as { PushAPI: PushApiStatic };

function startChild(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "serve-child.ts"), dir],
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
    child.on("exit", (code) => reject(new Error(`the API process exited (${code}): ${err.slice(0, 500)}`)));
  });
}

describe("Push Chat API durability", function () {
  this.timeout(180_000);
  let child: ChildProcess | undefined;
  let restore: (() => void) | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pushchat-kill-"));

  after(() => {
    restore?.();
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("kill -9 during a burst of sends loses no acknowledged message", async () => {
    const started = await startChild(dir);
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
    expect(
      (await call(url, "POST", "/apis/v1/chat/request", await messageBody(a, b.did, "first", keys))).status,
    ).to.equal(200);
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
    const acked: string[] = [];
    let killed = false;
    const sends = bodies.map(
      (body) =>
        call(url, "POST", "/apis/v1/chat/message", body)
          .then((r) => {
            if (r.status === 200) acked.push((r.json as { cid: string }).cid);
            if (acked.length >= 6 && !killed) {
              killed = true;
              child?.kill("SIGKILL");
            }
          })
          .catch(() => undefined), // the connection died with the process
    );
    await Promise.all(sends);
    // fewer than 6 acknowledgements: stop the child anyway, so that the test fails below instead of waiting
    if (!killed) child?.kill("SIGKILL");
    // a process killed by a signal keeps exitCode null and sets signalCode: test both, or a child that is
    // already gone leaves this waiting for an "exit" event that has been emitted
    await new Promise((res) =>
      child?.exitCode !== null || child?.signalCode !== null ? res(undefined) : child?.once("exit", res),
    );
    expect(killed, `only ${acked.length} of ${bodies.length} sends were acknowledged`).to.equal(true);
    expect(acked.length).to.be.greaterThanOrEqual(6);
    expect(acked.length, "the kill came during the burst").to.be.lessThan(bodies.length);

    const reopened = await openPushChat(dir);
    try {
      for (const cid of acked) expect(reopened.store.message(cid), cid).to.not.equal(undefined);
      const conv = reopened.store.conversation(a.wallet.address, b.wallet.address);
      const stored = (reopened.db.prepare("SELECT COUNT(*) AS n FROM messages").get() as { n: number }).n;
      const chain = reopened.store.history(conv!.threadhash, 1000);
      expect(chain.length).to.equal(stored);
      expect(chain[chain.length - 1].link).to.equal(null);
    } finally {
      reopened.close();
    }
  });
});
