// msg:check: one task validates a message file in either format (validateAnyMessage) against the KeyRegistry of
// the deployment: an SDK message body from the vectors (keys registered by the Push proofs fixture), its twin
// with a changed signed field, an envelope, and files that are neither.
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { TaskError } from "../../src/tasks-util";
import type { MsgCheckResult } from "../../tasks/msg";
import envelopes from "../vectors/envelopes.json";
import { deployPushWorld, vector } from "./proofs-fixture";
import type { PushWorld } from "./proofs-fixture";

describe("msg:check (validateAnyMessage against the chain's keys)", function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "msg-check-"));
  let w: PushWorld;
  let deployment: string;
  const file = (name: string, content: unknown) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content));
    return f;
  };
  const check = (f: string, extra: Record<string, string> = {}) =>
    hre.run("msg:check", { file: f, deployment, ...extra }) as Promise<MsgCheckResult>;

  before(async () => {
    w = await loadFixture(deployPushWorld);
    const { chainId } = await hre.ethers.provider.getNetwork();
    deployment = file("deployment.json", {
      network: "hardhat",
      chainId: Number(chainId),
      deployBlock: 0,
      deployedAt: new Date().toISOString(),
      deployer: w.governor.address,
      contracts: { KeyRegistry: { address: await w.keys.getAddress() } },
      parameters: {},
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a Push SDK message from the vectors is valid with the sender's and recipient's registered keys", async () => {
    const v = vector("pgpv3-pgp-ascii");
    const r = await check(file("push.json", v.body));
    expect(r).to.deep.include({ format: "push", ok: true });
    expect(r.owners).to.deep.equal([w.users.alice.wallet.address, w.users.bob.wallet.address]);
  });

  it("its twin with another messageType is BAD_SIGNATURE (SIGNATURE); before the keys were added, UNAUTHORIZED_SENDER", async () => {
    const v = vector("pgpv3-pgp-ascii");
    const twin = await check(file("twin.json", { ...v.body, messageType: "Image" }));
    expect(twin).to.deep.include({ format: "push", ok: false, code: "BAD_SIGNATURE", rule: "SIGNATURE" });
    const early = await check(file("push.json", v.body), { at: "1000" });
    expect(early).to.deep.include({
      format: "push",
      ok: false,
      code: "UNAUTHORIZED_SENDER",
      rule: "SENDER_NO_KEY",
    });
  });

  it("an envelope goes to checkMessage: a 2025 vector judged now is MALFORMED CLOCK_SKEW; at its time, its sender has no key here", async () => {
    const c = envelopes.cases.find((x) => x.name === "valid-pgp-rsa2048")!;
    const f = file("envelope.json", c.envelope);
    expect(await check(f)).to.deep.include({
      format: "envelope",
      ok: false,
      code: "MALFORMED",
      rule: "CLOCK_SKEW",
    });
    expect(await check(f, { at: c.envelope.timestamp })).to.deep.include({
      format: "envelope",
      ok: false,
      code: "UNAUTHORIZED_SENDER",
      rule: "SENDER_KEY_INACTIVE",
    });
  });

  it("a file that is neither, or both, or an envelope that does not decode, is a TaskError with the sentence", async () => {
    const refused = async (content: unknown, want: RegExp) => {
      const f = file("bad.json", content);
      await check(f).then(
        () => expect.fail("no error"),
        (e: unknown) => {
          expect(e).to.be.instanceOf(TaskError);
          expect((e as Error).message).to.match(want);
        },
      );
    };
    await refused(
      { hello: 1 },
      /bad\.json: The message is neither an envelope .* nor a Push SDK message body/,
    );
    await refused(
      { ...envelopes.cases[0].envelope, fromDID: "x" },
      /bad\.json: The message is ambiguous: it has envelope fields/,
    );
    await refused("{", /bad\.json: The message is not JSON/);
    await refused(
      { ...envelopes.cases[0].envelope, timestamp: 1 },
      /bad\.json: invalid envelope field "timestamp"/,
    );
  });
});
